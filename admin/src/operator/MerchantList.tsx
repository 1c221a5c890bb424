import { DataTable, DateField, List, SelectInput, TextInput } from 'react-admin';
import { MerchantStatus } from './MerchantStatus.tsx';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <SelectInput key="status" source="status" choices={[{ id: 'active', name: 'minishop.operator.status.active' }, { id: 'suspended', name: 'minishop.operator.status.suspended' }]} />,
];

/** Every merchant on the platform; a row opens its shops, balances and fee rate. */
export default function MerchantList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick="show">
        <DataTable.Col source="name" />
        <DataTable.Col source="status" render={(record) => <MerchantStatus status={record.status} />} />
        <DataTable.Col source="staffCount" align="right" />
        <DataTable.Col source="createdAt" field={DateField} />
      </DataTable>
    </List>
  );
}
