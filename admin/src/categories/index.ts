import { lazy } from 'react';
import CategoryIcon from '@mui/icons-material/Category';

/** Categories: the storefront menu of each shop, in position order. */
export default {
  list: lazy(() => import('./CategoryList.tsx')),
  create: lazy(() => import('./CategoryCreate.tsx')),
  edit: lazy(() => import('./CategoryEdit.tsx')),
  icon: CategoryIcon,
  recordRepresentation: 'name',
};
