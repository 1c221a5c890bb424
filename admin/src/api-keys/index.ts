import { lazy } from 'react';
import KeyIcon from '@mui/icons-material/Key';

/** API keys: list, create (the secret shown once), revoke. */
export default {
  list: lazy(() => import('./ApiKeyList.tsx')),
  create: lazy(() => import('./ApiKeyCreate.tsx')),
  icon: KeyIcon,
  recordRepresentation: 'name',
};
