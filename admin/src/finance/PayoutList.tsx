import { CreateButton, DataTable, DateField, List, SelectInput, TopToolbar, useCanAccess, useRecordContext, useTranslate } from 'react-admin';
import Chip from '@mui/material/Chip';
import { MoneyField } from '../money.tsx';

const STATUSES = ['pending', 'posted', 'voided', 'expired'] as const;

const filters = [<SelectInput key="status" source="status" choices={STATUSES.map((status) => ({ id: status, name: `minishop.payouts.status.${status}` }))} alwaysOn />];

function Actions() {
  const { canAccess } = useCanAccess({ resource: 'payouts', action: 'create' });
  return <TopToolbar>{canAccess && <CreateButton label="minishop.payouts.request" />}</TopToolbar>;
}

function PayoutStatus() {
  const payout = useRecordContext<{ id: string; status: string; failureMessage: string | null; lastError: string | null }>();
  const translate = useTranslate();
  if (!payout) return null;
  const color = payout.status === 'posted' ? 'success' : payout.status === 'pending' ? 'warning' : 'default';
  const detail = payout.failureMessage ?? payout.lastError;
  return <Chip size="small" color={color} label={translate(`minishop.payouts.status.${payout.status}`) + (detail ? `: ${detail}` : '')} />;
}

/** Payouts: requested (money held), posted when the provider pays, voided or expired when it does not. */
export default function PayoutList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} actions={<Actions />} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col source="amountMinor" align="right">
          <MoneyField source="amountMinor" />
        </DataTable.Col>
        <DataTable.Col source="status">
          <PayoutStatus />
        </DataTable.Col>
        <DataTable.Col source="provider" disableSort />
        <DataTable.Col source="providerReference" disableSort />
        <DataTable.Col source="postedAt" disableSort field={DateField} />
      </DataTable>
    </List>
  );
}
