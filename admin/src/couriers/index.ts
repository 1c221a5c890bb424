import { lazy } from 'react';
import DeliveryDiningIcon from '@mui/icons-material/DeliveryDining';

/** The shop's own couriers: list with token issue, create. */
export default {
  list: lazy(() => import('./CourierList.tsx')),
  create: lazy(() => import('./CourierCreate.tsx')),
  icon: DeliveryDiningIcon,
  recordRepresentation: 'name',
};
