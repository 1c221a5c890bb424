import { lazy } from 'react';
import WebhookIcon from '@mui/icons-material/Webhook';
import HistoryIcon from '@mui/icons-material/History';

/** Webhook endpoints (register, the signing secret shown once, edit, disable) and their delivery log with replay. */
export const webhookEndpoints = {
  list: lazy(() => import('./WebhookEndpointList.tsx')),
  create: lazy(() => import('./WebhookEndpointCreate.tsx')),
  edit: lazy(() => import('./WebhookEndpointEdit.tsx')),
  icon: WebhookIcon,
  recordRepresentation: 'url',
};

export const webhookDeliveries = {
  list: lazy(() => import('./WebhookDeliveryList.tsx')),
  icon: HistoryIcon,
  recordRepresentation: 'eventType',
};
