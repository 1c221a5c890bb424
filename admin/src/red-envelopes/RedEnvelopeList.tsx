import Chip from '@mui/material/Chip';
import { CreateButton, DataTable, DateField, List, SelectInput, TextInput, TopToolbar, useCanAccess, useRecordContext, useTranslate } from 'react-admin';
import { MoneyField } from '../money.tsx';

export const RED_ENVELOPE_STATUSES = ['open', 'claimed', 'returned'] as const;

export function EnvelopeStatusChip() {
  const envelope = useRecordContext<{ status: string }>();
  const translate = useTranslate();
  if (!envelope) return null;
  const color = envelope.status === 'open' ? 'warning' : envelope.status === 'claimed' ? 'success' : 'default';
  return <Chip size="small" color={color} label={translate(`minishop.red_envelopes.status.${envelope.status}`)} />;
}

function ClaimedCount() {
  const envelope = useRecordContext<{ claimedCount: number; shareCount: number }>();
  if (!envelope) return null;
  return (
    <span>
      {envelope.claimedCount} / {envelope.shareCount}
    </span>
  );
}

function Actions() {
  const { canAccess } = useCanAccess({ resource: 'red-envelopes', action: 'create' });
  return <TopToolbar>{canAccess && <CreateButton />}</TopToolbar>;
}

export default function RedEnvelopeList() {
  const translate = useTranslate();
  const filters = [
    <TextInput key="q" source="q" alwaysOn />,
    <SelectInput
      key="status"
      source="status"
      choices={RED_ENVELOPE_STATUSES.map((status) => ({ id: status, name: translate(`minishop.red_envelopes.status.${status}`) }))}
    />,
  ];
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} actions={<Actions />} exporter={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col source="message" disableSort />
        <DataTable.Col source="status" disableSort>
          <EnvelopeStatusChip />
        </DataTable.Col>
        <DataTable.Col source="amountMinor" disableSort>
          <MoneyField source="amountMinor" />
        </DataTable.Col>
        <DataTable.Col source="claimedCount" disableSort>
          <ClaimedCount />
        </DataTable.Col>
        <DataTable.Col source="claimedMinor" disableSort>
          <MoneyField source="claimedMinor" />
        </DataTable.Col>
        <DataTable.Col source="returnedMinor" disableSort>
          <MoneyField source="returnedMinor" />
        </DataTable.Col>
        <DataTable.Col source="expiresAt" disableSort field={DateField} />
      </DataTable>
    </List>
  );
}
