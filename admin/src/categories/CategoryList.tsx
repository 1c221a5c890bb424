import { CreateButton, DataTable, List, ReferenceField, ReferenceInput, SelectInput, TextInput, TopToolbar, useCanAccess } from 'react-admin';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <ReferenceInput key="shopId" source="shopId" reference="shops" sort={{ field: 'name', order: 'ASC' }}>
    <SelectInput optionText="name" />
  </ReferenceInput>,
];

function Actions() {
  const { canAccess } = useCanAccess({ resource: 'categories', action: 'create' });
  return <TopToolbar>{canAccess && <CreateButton />}</TopToolbar>;
}

export default function CategoryList() {
  const { canAccess: canEdit } = useCanAccess({ resource: 'categories', action: 'edit' });
  return (
    <List sort={{ field: 'position', order: 'ASC' }} filters={filters} actions={<Actions />} exporter={false}>
      <DataTable rowClick={canEdit ? 'edit' : false} bulkActionButtons={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="shopId">
          <ReferenceField source="shopId" reference="shops" link={false} />
        </DataTable.Col>
        <DataTable.Col source="position" />
      </DataTable>
    </List>
  );
}
