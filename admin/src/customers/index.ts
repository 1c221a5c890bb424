import { lazy } from 'react';
import PersonIcon from '@mui/icons-material/Person';

/** Shoppers who bought here (computed by the server from the orders), each with their orders. */
export default {
  list: lazy(() => import('./CustomerList.tsx')),
  show: lazy(() => import('./CustomerShow.tsx')),
  icon: PersonIcon,
  recordRepresentation: 'displayName',
};
