import { lazy } from 'react';
import HandshakeIcon from '@mui/icons-material/Handshake';

/** Referral commissions on the merchant's orders, with the ledger transfer behind each (read-only). */
export default {
  list: lazy(() => import('./CommissionList.tsx')),
  icon: HandshakeIcon,
};
