import { lazy } from 'react';
import { AccessDenied, Admin, CanAccess, CustomRoutes, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import { authProvider } from './api/authProvider.ts';
import { dataProvider } from './api/dataProvider.ts';
import { i18nProvider } from './i18n/i18nProvider.ts';
import { MinishopLayout } from './layout/Layout.tsx';
import { darkTheme, lightTheme } from './themes.ts';
import orders from './orders/index.ts';
import products from './products/index.ts';
import shops from './shops/index.ts';
import categories from './categories/index.ts';
import { invitations, staff } from './staff/index.ts';
import couriers from './couriers/index.ts';
import redEnvelopes from './red-envelopes/index.ts';
import commissions from './commissions/index.ts';
import groupBuys from './group-buys/index.ts';
import { financeAccounts, journal, payouts } from './finance/index.ts';
import variants from './variants/index.ts';
import stockMovements from './stock-movements/index.ts';
import customers from './customers/index.ts';
import { webhookDeliveries, webhookEndpoints } from './webhooks/index.ts';
import apiKeys from './api-keys/index.ts';
import { chatHosts, feeRates, ledgerAccounts, ledgerTransfers, merchants, operatorShops } from './operator/index.ts';

// Every screen beyond the shell is its own chunk: the first load carries the shell and the login page.
const Dashboard = lazy(() => import('./dashboard/Dashboard.tsx'));
const FinancePage = lazy(() => import('./finance/FinancePage.tsx'));
const CounterPage = lazy(() => import('./counter/CounterPage.tsx'));
const QrSheetPage = lazy(() => import('./qr/QrSheetPage.tsx'));
const TrialBalancePage = lazy(() => import('./operator/TrialBalancePage.tsx'));
const ReconciliationPage = lazy(() => import('./operator/ReconciliationPage.tsx'));
const AcceptInvitationPage = lazy(() => import('./staff/AcceptInvitationPage.tsx'));

function Guarded({ resource, children }: { resource: string; children: React.ReactNode }) {
  return (
    <CanAccess resource={resource} action="list" accessDenied={<AccessDenied />}>
      {children}
    </CanAccess>
  );
}

export function App() {
  return (
    <Admin
      title="Minishop"
      dataProvider={dataProvider}
      authProvider={authProvider}
      i18nProvider={i18nProvider}
      layout={MinishopLayout}
      dashboard={Dashboard}
      theme={lightTheme}
      darkTheme={darkTheme}
      requireAuth
      disableTelemetry
    >
      <Resource name="orders" {...orders} />
      <Resource name="products" {...products} />
      <Resource name="categories" {...categories} />
      <Resource name="shops" {...shops} />
      <Resource name="couriers" {...couriers} />
      <Resource name="red-envelopes" {...redEnvelopes} />
      <Resource name="commissions" {...commissions} />
      <Resource name="group-buys" {...groupBuys} />
      <Resource name="staff" {...staff} />
      <Resource name="invitations" {...invitations} />
      <Resource name="variants" {...variants} />
      <Resource name="stock-movements" {...stockMovements} />
      <Resource name="customers" {...customers} />
      <Resource name="finance-accounts" {...financeAccounts} />
      <Resource name="journal" {...journal} />
      <Resource name="payouts" {...payouts} />
      <Resource name="webhook-endpoints" {...webhookEndpoints} />
      <Resource name="webhook-deliveries" {...webhookDeliveries} />
      <Resource name="api-keys" {...apiKeys} />
      <Resource name="merchants" {...merchants} />
      <Resource name="fee-rates" {...feeRates} />
      <Resource name="chat-hosts" {...chatHosts} />
      <Resource name="ledger-accounts" {...ledgerAccounts} />
      <Resource name="ledger-transfers" {...ledgerTransfers} />
      <Resource name="operator-shops" {...operatorShops} />
      <CustomRoutes noLayout>
        {/* Opened from the invitation link, signed out. */}
        <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
      </CustomRoutes>
      <CustomRoutes>
        <Route path="/finance" element={<Guarded resource="finance"><FinancePage /></Guarded>} />
        <Route path="/counter" element={<Guarded resource="counter"><CounterPage /></Guarded>} />
        <Route path="/qr-sheet" element={<Guarded resource="qr-sheet"><QrSheetPage /></Guarded>} />
        <Route path="/trial-balance" element={<Guarded resource="trial-balance"><TrialBalancePage /></Guarded>} />
        <Route path="/reconciliation" element={<Guarded resource="reconciliation"><ReconciliationPage /></Guarded>} />
      </CustomRoutes>
    </Admin>
  );
}
