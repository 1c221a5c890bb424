import { DataTable, DateField, Labeled, NumberField, Pagination, ReferenceManyField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { MoneyField } from '../money.tsx';
import { SpentByCurrency } from './SpentByCurrency.tsx';

/** A customer and their orders here (GET /orders?filter={"shopperId":...}). */
export default function CustomerShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="displayName" />
        <NumberField source="orderCount" />
        <Labeled source="totalSpentMinor">
          <SpentByCurrency />
        </Labeled>
        <DateField source="firstOrderAt" showTime />
        <DateField source="lastOrderAt" showTime />
        <ReferenceManyField reference="orders" target="shopperId" sort={{ field: 'createdAt', order: 'DESC' }} label="resources.orders.name" pagination={<Pagination />}>
          <DataTable bulkActionButtons={false} rowClick="show">
            <DataTable.Col source="number" />
            <DataTable.Col source="status" />
            <DataTable.Col source="totalMinor">
              <MoneyField source="totalMinor" />
            </DataTable.Col>
            <DataTable.Col source="createdAt" field={DateField} />
          </DataTable>
        </ReferenceManyField>
      </SimpleShowLayout>
    </Show>
  );
}
