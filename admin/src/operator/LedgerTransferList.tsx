import { DataTable, DateField, DateInput, List, ReferenceField, SelectInput, TextInput } from 'react-admin';
import { TRANSFER_KINDS } from '../../../db/src/modules/ledger/ledger.types.ts';
import { SUPPORTED_CURRENCIES } from '../../../db/src/money.ts';
import { MoneyField } from '../money.tsx';
import { dayToIso, isoToDay } from '../finance/downloadExport.ts';

// The server takes period bounds as ISO timestamps; the inputs show days (midnight UTC).
const dayBound = { parse: (day: string) => dayToIso(day), format: (iso: string | null) => isoToDay(iso) };

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <DateInput key="from" source="from" {...dayBound} />,
  <DateInput key="to" source="to" {...dayBound} />,
  <TextInput key="accountId" source="accountId" />,
  <SelectInput key="kind" source="kind" choices={TRANSFER_KINDS.map((kind) => ({ id: kind, name: kind }))} />,
  <SelectInput key="currency" source="currency" choices={SUPPORTED_CURRENCIES.map((currency) => ({ id: currency, name: currency }))} />,
  <TextInput key="reason" source="reason" />,
  <TextInput key="referenceId" source="referenceId" />,
];

/** Every transfer of the ledger, across merchants, newest first (the hash chain's order). */
export default function LedgerTransferList() {
  return (
    <List sort={{ field: 'sequence', order: 'DESC' }} filters={filters} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="sequence" />
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col source="kind" disableSort />
        <DataTable.Col source="reason" disableSort />
        <DataTable.Col source="amountMinor" align="right">
          <MoneyField source="amountMinor" />
        </DataTable.Col>
        <DataTable.Col source="debitAccountId" disableSort>
          <ReferenceField source="debitAccountId" reference="ledger-accounts" link={false} />
        </DataTable.Col>
        <DataTable.Col source="creditAccountId" disableSort>
          <ReferenceField source="creditAccountId" reference="ledger-accounts" link={false} />
        </DataTable.Col>
        <DataTable.Col source="referenceType" disableSort />
        <DataTable.Col source="referenceId" disableSort />
      </DataTable>
    </List>
  );
}
