import { DataTable, DateField, DateInput, FilterButton, List, ReferenceField, ReferenceInput, SelectInput, TextInput, TopToolbar, useListContext } from 'react-admin';
import { TRANSFER_KINDS } from '../../../db/src/modules/ledger/ledger.types.ts';
import { SUPPORTED_CURRENCIES } from '../../../db/src/money.ts';
import { MoneyField } from '../money.tsx';
import { dayToIso, isoToDay } from './downloadExport.ts';
import { ExportCsvButton } from './ExportCsvButton.tsx';

// The server takes period bounds as ISO timestamps; the inputs show days (midnight UTC).
const dayBound = { parse: (day: string) => dayToIso(day), format: (iso: string | null) => isoToDay(iso) };

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <DateInput key="from" source="from" alwaysOn {...dayBound} />,
  <DateInput key="to" source="to" alwaysOn {...dayBound} />,
  <ReferenceInput key="accountId" source="accountId" reference="finance-accounts">
    <SelectInput />
  </ReferenceInput>,
  <SelectInput key="kind" source="kind" choices={TRANSFER_KINDS.map((kind) => ({ id: kind, name: kind }))} />,
  <TextInput key="reason" source="reason" />,
  <SelectInput key="currency" source="currency" choices={SUPPORTED_CURRENCIES.map((currency) => ({ id: currency, name: currency }))} />,
  <TextInput key="referenceId" source="referenceId" />,
];

/** The export follows the list's period and account: the server streams every line, not this page. */
function JournalActions() {
  const { filterValues } = useListContext();
  return (
    <TopToolbar>
      <FilterButton />
      <ExportCsvButton from={filterValues.from as string | undefined} to={filterValues.to as string | undefined} accountId={filterValues.accountId as string | undefined} />
    </TopToolbar>
  );
}

/** The journal: every transfer touching the merchant's accounts, newest first, with filters. */
export default function JournalList() {
  return (
    <List sort={{ field: 'sequence', order: 'DESC' }} filters={filters} actions={<JournalActions />} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="sequence" />
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col source="kind" disableSort />
        <DataTable.Col source="reason" disableSort />
        <DataTable.Col source="amountMinor" align="right">
          <MoneyField source="amountMinor" />
        </DataTable.Col>
        <DataTable.Col source="debitAccountId" disableSort>
          <ReferenceField source="debitAccountId" reference="finance-accounts" link="show" />
        </DataTable.Col>
        <DataTable.Col source="creditAccountId" disableSort>
          <ReferenceField source="creditAccountId" reference="finance-accounts" link="show" />
        </DataTable.Col>
        <DataTable.Col source="referenceId" disableSort />
      </DataTable>
    </List>
  );
}
