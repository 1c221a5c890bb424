import { DataTable, DateField, List, ReferenceField, ReferenceInput, SelectInput, AutocompleteInput, TextInput } from 'react-admin';
import { ACCOUNT_KINDS } from '../../../db/src/modules/ledger/ledger.types.ts';
import { SUPPORTED_CURRENCIES } from '../../../db/src/money.ts';
import { MoneyField } from '../money.tsx';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <ReferenceInput key="merchantId" source="merchantId" reference="merchants">
    <AutocompleteInput filterToQuery={(q: string) => ({ q })} />
  </ReferenceInput>,
  <SelectInput key="kind" source="kind" choices={ACCOUNT_KINDS.map((kind) => ({ id: kind, name: kind }))} />,
  <SelectInput key="currency" source="currency" choices={SUPPORTED_CURRENCIES.map((currency) => ({ id: currency, name: currency }))} />,
];

/** Every ledger account on the platform (merchants', shoppers', the platform's own) with its balances. */
export default function LedgerAccountList() {
  return (
    <List sort={{ field: 'createdAt', order: 'ASC' }} filters={filters} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="kind" />
        <DataTable.Col source="currency" />
        <DataTable.Col source="ownerType" disableSort />
        <DataTable.Col source="merchantId" disableSort>
          <ReferenceField source="merchantId" reference="merchants" link="show" emptyText="—" />
        </DataTable.Col>
        <DataTable.Col source="debitsPosted" align="right">
          <MoneyField source="debitsPosted" />
        </DataTable.Col>
        <DataTable.Col source="creditsPosted" align="right">
          <MoneyField source="creditsPosted" />
        </DataTable.Col>
        <DataTable.Col source="balanceMinor" disableSort align="right">
          <MoneyField source="balanceMinor" />
        </DataTable.Col>
        <DataTable.Col source="availableMinor" disableSort align="right">
          <MoneyField source="availableMinor" />
        </DataTable.Col>
        <DataTable.Col source="createdAt" field={DateField} />
      </DataTable>
    </List>
  );
}
