import { DataTable, DateField, List, ReferenceField, ReferenceInput, SelectInput, TextInput, useRecordContext, useTranslate } from 'react-admin';

const REASONS = ['initial', 'receipt', 'adjustment', 'damage', 'loss', 'return', 'sale', 'correction'] as const;

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <ReferenceInput key="variantId" source="variantId" reference="variants">
    <SelectInput optionText="sku" />
  </ReferenceInput>,
  <SelectInput key="reason" source="reason" choices={REASONS.map((reason) => ({ id: reason, name: `minishop.stock.reason.${reason}` }))} />,
];

function Reason() {
  const movement = useRecordContext();
  const translate = useTranslate();
  return movement ? <span>{translate(`minishop.stock.reason.${String(movement.reason)}`, { _: String(movement.reason) })}</span> : null;
}

/** Every stock movement of the merchant, newest first; a row's SKU opens the variant. */
export default function StockMovementList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col source="variantId">
          <ReferenceField source="variantId" reference="variants" link="show" />
        </DataTable.Col>
        <DataTable.Col source="reason">
          <Reason />
        </DataTable.Col>
        <DataTable.Col source="quantityDelta" />
        <DataTable.Col source="stockOnHandAfter" />
        <DataTable.Col source="note" disableSort />
      </DataTable>
    </List>
  );
}
