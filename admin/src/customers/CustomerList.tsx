import { DataTable, DateField, List, ReferenceInput, SelectInput, TextInput } from 'react-admin';
import { SpentByCurrency } from './SpentByCurrency.tsx';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <ReferenceInput key="shopId" source="shopId" reference="shops" sort={{ field: 'name', order: 'ASC' }}>
    <SelectInput optionText="name" />
  </ReferenceInput>,
];

export default function CustomerList() {
  return (
    <List sort={{ field: 'lastOrderAt', order: 'DESC' }} filters={filters} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick="show">
        <DataTable.Col source="displayName" />
        <DataTable.Col source="orderCount" />
        <DataTable.Col source="paidOrderCount" />
        <DataTable.Col source="totalSpentMinor">
          <SpentByCurrency />
        </DataTable.Col>
        <DataTable.Col source="firstOrderAt" field={DateField} />
        <DataTable.Col source="lastOrderAt" field={DateField} />
      </DataTable>
    </List>
  );
}
