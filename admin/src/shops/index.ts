import { lazy } from 'react';
import StorefrontIcon from '@mui/icons-material/Storefront';

/** Shops: list and edit (name, status, embed origins, auto-confirm days), each its own chunk. */
export default {
  list: lazy(() => import('./ShopList.tsx')),
  edit: lazy(() => import('./ShopEdit.tsx')),
  icon: StorefrontIcon,
  recordRepresentation: 'name',
};
