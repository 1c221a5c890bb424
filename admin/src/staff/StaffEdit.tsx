import { Edit, required, SelectInput, SimpleForm, TextField } from 'react-admin';
import type { StaffRole } from '../../../db/src/modules/staff/membership.entity.ts';

// The entity file is the server's (MikroORM); its type is enough here, the values are four words.
const STAFF_ROLES: readonly StaffRole[] = ['owner', 'manager', 'clerk', 'finance'];

/** An owner changes a staff member's role (PUT /staff/:id); the server refuses demoting the last owner. */
export default function StaffEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="list">
      <SimpleForm>
        <TextField source="name" />
        <TextField source="email" />
        <SelectInput source="role" choices={STAFF_ROLES.map((role) => ({ id: role, name: `minishop.roles.${role}` }))} validate={required()} />
      </SimpleForm>
    </Edit>
  );
}
