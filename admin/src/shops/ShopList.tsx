import { DataTable, List, TextInput, useCanAccess } from 'react-admin';

export default function ShopList() {
  const { canAccess: canEdit } = useCanAccess({ resource: 'shops', action: 'edit' });
  return (
    <List sort={{ field: 'name', order: 'ASC' }} filters={[<TextInput key="q" source="q" alwaysOn />]} exporter={false}>
      <DataTable rowClick={canEdit ? 'edit' : false} bulkActionButtons={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="slug" />
        <DataTable.Col source="currency" disableSort />
        <DataTable.Col source="status" />
        <DataTable.Col source="autoConfirmDays" disableSort />
      </DataTable>
    </List>
  );
}
