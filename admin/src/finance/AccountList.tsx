import { DataTable, DateField, List, SelectInput, TextInput } from 'react-admin';
import { ACCOUNT_KINDS } from '../../../db/src/modules/ledger/ledger.types.ts';
import { SUPPORTED_CURRENCIES } from '../../../db/src/money.ts';
import { MoneyField } from '../money.tsx';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <SelectInput key="kind" source="kind" choices={ACCOUNT_KINDS.map((kind) => ({ id: kind, name: kind }))} />,
  <SelectInput key="currency" source="currency" choices={SUPPORTED_CURRENCIES.map((currency) => ({ id: currency, name: currency }))} />,
];

/** The merchant's ledger accounts with their balances; a row opens the account's statement. */
export default function AccountList() {
  return (
    <List sort={{ field: 'createdAt', order: 'ASC' }} filters={filters} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick="show">
        <DataTable.Col source="kind" />
        <DataTable.Col source="currency" />
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
