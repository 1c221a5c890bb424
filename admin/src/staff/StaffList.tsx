import { DataTable, DateField, List, TextInput, useCanAccess, useTranslate } from 'react-admin';

export default function StaffList() {
  // Only an owner (staff.manage) opens a row to change the role.
  const { canAccess: canEdit } = useCanAccess({ resource: 'staff', action: 'edit' });
  return (
    <List sort={{ field: 'name', order: 'ASC' }} filters={[<TextInput key="q" source="q" alwaysOn />]} exporter={false}>
      <DataTable rowClick={canEdit ? 'edit' : false} bulkActionButtons={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="email" />
        <DataTable.Col source="role" render={(record) => <RoleLabel role={record.role} />} />
        <DataTable.Col source="createdAt" field={DateField} />
      </DataTable>
    </List>
  );
}

export function RoleLabel({ role }: { role: string }) {
  const translate = useTranslate();
  return <>{translate(`minishop.roles.${role}`, { _: role })}</>;
}
