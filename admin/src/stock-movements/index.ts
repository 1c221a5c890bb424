import { lazy } from 'react';
import SwapVertIcon from '@mui/icons-material/SwapVert';

/** The stock journal across variants (each variant's page has its own history and the adjust form). */
export default {
  list: lazy(() => import('./StockMovementList.tsx')),
  icon: SwapVertIcon,
};
