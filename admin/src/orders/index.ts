import { lazy } from 'react';
import ShoppingCartIcon from '@mui/icons-material/ShoppingCart';

/** Orders: the list and the detail, each its own chunk. */
export default {
  list: lazy(() => import('./OrderList.tsx')),
  show: lazy(() => import('./OrderShow.tsx')),
  icon: ShoppingCartIcon,
  recordRepresentation: (record: { number?: number }) => `#${record.number ?? ''}`,
};
