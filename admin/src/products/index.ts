import { lazy } from 'react';
import InventoryIcon from '@mui/icons-material/Inventory';

/** Products: list and create (with its first variant and opening stock), each its own chunk. */
export default {
  list: lazy(() => import('./ProductList.tsx')),
  create: lazy(() => import('./ProductCreate.tsx')),
  icon: InventoryIcon,
  recordRepresentation: 'title',
};
