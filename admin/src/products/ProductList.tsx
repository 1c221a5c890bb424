import { CreateButton, DataTable, DateField, List, ReferenceField, ReferenceInput, SelectInput, TextInput, TopToolbar, useCanAccess, useRecordContext } from 'react-admin';
import { Money } from '../money.tsx';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <ReferenceInput key="shopId" source="shopId" reference="shops" sort={{ field: 'name', order: 'ASC' }}>
    <SelectInput optionText="name" />
  </ReferenceInput>,
];

function ProductListActions() {
  // finance reads the catalog but cannot change it.
  const { canAccess } = useCanAccess({ resource: 'products', action: 'create' });
  return <TopToolbar>{canAccess && <CreateButton />}</TopToolbar>;
}

export default function ProductList() {
  const { canAccess: canWrite } = useCanAccess({ resource: 'products', action: 'edit' });
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} actions={<ProductListActions />} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={canWrite ? 'edit' : 'show'}>
        <DataTable.Col source="title" />
        <DataTable.Col source="shopId" disableSort>
          <ReferenceField source="shopId" reference="shops" link={false} />
        </DataTable.Col>
        <DataTable.Col source="status" />
        <DataTable.Col source="variantCount" disableSort />
        <DataTable.Col source="priceFromMinor" disableSort>
          <ShopCurrencyMoney source="priceFromMinor" />
        </DataTable.Col>
        <DataTable.Col source="stockAvailable" disableSort />
        <DataTable.Col source="createdAt" field={DateField} />
      </DataTable>
    </List>
  );
}

/** A product's prices are in its shop's currency: read the amount here, the currency from the shop. */
function ShopCurrencyMoney({ source }: { source: string }) {
  const product = useRecordContext();
  const amountMinor = product?.[source] as number | null | undefined;
  return (
    <ReferenceField source="shopId" reference="shops" link={false}>
      <ShopMoney amountMinor={amountMinor} />
    </ReferenceField>
  );
}

function ShopMoney({ amountMinor }: { amountMinor: number | null | undefined }) {
  const shop = useRecordContext<{ id: string; currency: string }>();
  return shop ? <Money amountMinor={amountMinor} currency={shop.currency} /> : null;
}
