import { DataTable, DateField, List, SelectInput, TextField, TextInput, useRecordContext, useTranslate } from 'react-admin';
import { LedgerTransferTable, type LedgerTransferRow } from '../finance/LedgerTransferTable.tsx';
import { MoneyField } from '../money.tsx';

const STATUSES = ['pending', 'paid', 'cancelled'] as const;

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <SelectInput key="status" source="status" choices={STATUSES.map((status) => ({ id: status, name: `minishop.commissions.${status}` }))} />,
];

function StatusField() {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record) return null;
  return <span>{translate(`minishop.commissions.${record.status as string}`)}</span>;
}

/** The rate as a percentage (basis points / 100). */
function RateField() {
  const record = useRecordContext();
  if (!record) return null;
  return <span>{`${(record.basisPoints as number) / 100} %`}</span>;
}

/** The ledger transfers that paid the commission and took it back, so finance can trace them. */
function TransfersField() {
  const record = useRecordContext();
  const transfers = (record?.transfers ?? []) as LedgerTransferRow[];
  if (!transfers.length) return <span>—</span>;
  return <LedgerTransferTable transfers={transfers} reasons="minishop.commissions" />;
}

export default function CommissionList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} exporter={false}>
      <DataTable rowClick={false} bulkActionButtons={false}>
        <DataTable.Col source="orderNumber" disableSort />
        <DataTable.Col source="shopName" disableSort field={TextField} />
        <DataTable.Col source="referrerName" disableSort field={TextField} />
        <DataTable.Col source="status" field={StatusField} />
        <DataTable.Col source="basisPoints" disableSort field={RateField} />
        <DataTable.Col source="commissionMinor" field={() => <MoneyField source="commissionMinor" />} />
        <DataTable.Col source="takenBackMinor" disableSort field={() => <MoneyField source="takenBackMinor" />} />
        <DataTable.Col source="merchantBorneMinor" disableSort field={() => <MoneyField source="merchantBorneMinor" />} />
        <DataTable.Col source="transfers" disableSort field={TransfersField} />
        <DataTable.Col source="createdAt" field={DateField} />
      </DataTable>
    </List>
  );
}
