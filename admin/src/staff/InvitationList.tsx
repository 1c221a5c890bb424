import { CreateButton, DataTable, DateField, List, TopToolbar, useCanAccess } from 'react-admin';
import { RoleLabel } from './StaffList.tsx';

function Actions() {
  const { canAccess } = useCanAccess({ resource: 'invitations', action: 'create' });
  return <TopToolbar>{canAccess && <CreateButton />}</TopToolbar>;
}

export default function InvitationList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} actions={<Actions />} exporter={false}>
      <DataTable rowClick={false} bulkActionButtons={false}>
        <DataTable.Col source="email" />
        <DataTable.Col source="role" render={(record) => <RoleLabel role={record.role} />} />
        <DataTable.Col source="expiresAt" field={DateField} />
        <DataTable.Col source="acceptedAt" field={DateField} />
      </DataTable>
    </List>
  );
}
