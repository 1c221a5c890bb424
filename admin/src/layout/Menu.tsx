import { Menu, useCanAccess, useTranslate } from 'react-admin';
import DashboardIcon from '@mui/icons-material/Dashboard';
import AccountBalanceIcon from '@mui/icons-material/AccountBalance';
import PointOfSaleIcon from '@mui/icons-material/PointOfSale';
import QrCodeIcon from '@mui/icons-material/QrCode2';
import BalanceIcon from '@mui/icons-material/Balance';
import RuleIcon from '@mui/icons-material/Rule';
import { QueuesMenuItem } from '../operator/QueuesMenuItem.tsx';

function PageItem({ to, resource, label, icon }: { to: string; resource: string; label: string; icon: React.ReactElement }) {
  const translate = useTranslate();
  const { canAccess } = useCanAccess({ resource, action: 'list' });
  if (!canAccess) return null;
  return <Menu.Item to={to} primaryText={translate(label)} leftIcon={icon} />;
}

function OperatorOnly({ resource, children }: { resource: string; children: React.ReactNode }) {
  const { canAccess } = useCanAccess({ resource, action: 'list' });
  return canAccess ? <>{children}</> : null;
}

/** Resources the role may list (react-admin hides those canAccess refuses), then our own pages. */
export function MinishopMenu() {
  const translate = useTranslate();
  return (
    <Menu>
      <Menu.Item to="/" primaryText={translate('minishop.menu.dashboard')} leftIcon={<DashboardIcon />} />
      <Menu.ResourceItems />
      <PageItem to="/counter" resource="counter" label="minishop.menu.counter" icon={<PointOfSaleIcon />} />
      <PageItem to="/qr-sheet" resource="qr-sheet" label="minishop.menu.qr_sheet" icon={<QrCodeIcon />} />
      <PageItem to="/finance" resource="finance" label="minishop.menu.finance" icon={<AccountBalanceIcon />} />
      <PageItem to="/trial-balance" resource="trial-balance" label="minishop.menu.trial_balance" icon={<BalanceIcon />} />
      <PageItem to="/reconciliation" resource="reconciliation" label="minishop.menu.reconciliation" icon={<RuleIcon />} />
      <OperatorOnly resource="queues">
        <QueuesMenuItem />
      </OperatorOnly>
    </Menu>
  );
}
