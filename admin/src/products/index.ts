import { lazy } from 'react';
import InventoryIcon from '@mui/icons-material/Inventory';

/** Products: list, create (with its first variant and opening stock), edit (photos, variants, stock), each its own chunk. */
export default {
  list: lazy(() => import('./ProductList.tsx')),
  create: lazy(() => import('./ProductCreate.tsx')),
  edit: lazy(() => import('./ProductEdit.tsx')),
  // Roles that read the catalog without changing it (finance, clerk) open the same page read-only.
  show: lazy(() => import('./ProductEdit.tsx')),
  icon: InventoryIcon,
  recordRepresentation: 'title',
};
