import { lazy } from 'react';
import StorefrontIcon from '@mui/icons-material/Storefront';
import PercentIcon from '@mui/icons-material/Percent';
import ForumIcon from '@mui/icons-material/Forum';
import AccountBalanceWalletIcon from '@mui/icons-material/AccountBalanceWallet';
import SwapHorizIcon from '@mui/icons-material/SwapHoriz';

/** The platform operator's resources (every merchant); canAccess shows them to operators only. */
export const merchants = {
  list: lazy(() => import('./MerchantList.tsx')),
  show: lazy(() => import('./MerchantShow.tsx')),
  icon: StorefrontIcon,
  recordRepresentation: 'name',
};

export const feeRates = {
  list: lazy(() => import('./FeeRateList.tsx')),
  edit: lazy(() => import('./FeeRateEdit.tsx')),
  icon: PercentIcon,
  recordRepresentation: 'merchantName',
};

export const chatHosts = {
  list: lazy(() => import('./ChatHostList.tsx')),
  create: lazy(() => import('./ChatHostCreate.tsx')),
  icon: ForumIcon,
  recordRepresentation: 'name',
};

export const ledgerAccounts = {
  list: lazy(() => import('./LedgerAccountList.tsx')),
  icon: AccountBalanceWalletIcon,
  recordRepresentation: (record: { kind: string; currency: string }) => `${record.kind} ${record.currency}`,
};

export const ledgerTransfers = {
  list: lazy(() => import('./LedgerTransferList.tsx')),
  icon: SwapHorizIcon,
  recordRepresentation: 'id',
};

/** No page of its own: the merchant's page lists its shops through it. */
export const operatorShops = { recordRepresentation: 'name' };
