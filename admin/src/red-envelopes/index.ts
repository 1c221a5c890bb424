import { lazy } from 'react';
import RedeemIcon from '@mui/icons-material/Redeem';

/** The merchant's promotional red envelopes (docs/social.md §1): list, show with claims and transfers, create. */
export default {
  list: lazy(() => import('./RedEnvelopeList.tsx')),
  show: lazy(() => import('./RedEnvelopeShow.tsx')),
  create: lazy(() => import('./RedEnvelopeCreate.tsx')),
  icon: RedeemIcon,
  recordRepresentation: 'message',
};
