import { useState } from 'react';
import { Create, required, SelectInput, SimpleForm, TextInput } from 'react-admin';
import { ShownOnce } from '../layout/ShownOnce.tsx';

const ROLES = ['manager', 'clerk', 'finance', 'owner'] as const;

/** A key acts with a role's permissions; its secret (msk_...) is in the answer this once, never again. */
export default function ApiKeyCreate() {
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <Create redirect={false} mutationOptions={{ onSuccess: (data) => setSecret((data as { secret?: string }).secret ?? null) }}>
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <SelectInput source="role" choices={ROLES.map((role) => ({ id: role, name: `minishop.roles.${role}` }))} validate={required()} defaultValue="clerk" />
        {secret && <ShownOnce message="minishop.api_keys.secret_once" label="minishop.api_keys.secret" value={secret} />}
      </SimpleForm>
    </Create>
  );
}
