import { lazy } from 'react';
import GroupsIcon from '@mui/icons-material/Groups';

/** The merchant's group buys (docs/social.md §2): list, create, show with teams and ledger transfers. */
export default {
  list: lazy(() => import('./GroupBuyList.tsx')),
  create: lazy(() => import('./GroupBuyCreate.tsx')),
  show: lazy(() => import('./GroupBuyShow.tsx')),
  icon: GroupsIcon,
  recordRepresentation: 'productTitle',
};
