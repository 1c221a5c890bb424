import { lazy } from 'react';
import AccountBalanceWalletIcon from '@mui/icons-material/AccountBalanceWallet';
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import PaymentsIcon from '@mui/icons-material/Payments';

/**
 * The merchant's money as react-admin resources (API paths in api/dataProvider.ts): its ledger
 * accounts, each with a statement for a period; the journal with filters; payouts (request, status).
 */
export const financeAccounts = {
  list: lazy(() => import('./AccountList.tsx')),
  show: lazy(() => import('./AccountStatement.tsx')),
  icon: AccountBalanceWalletIcon,
  recordRepresentation: (account: { kind: string; currency: string }) => `${account.kind} ${account.currency}`,
};

export const journal = {
  list: lazy(() => import('./JournalList.tsx')),
  icon: ReceiptLongIcon,
  recordRepresentation: 'sequence',
};

export const payouts = {
  list: lazy(() => import('./PayoutList.tsx')),
  create: lazy(() => import('./PayoutCreate.tsx')),
  icon: PaymentsIcon,
};
