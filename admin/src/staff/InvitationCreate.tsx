import { useState } from 'react';
import { Create, required, SelectInput, SimpleForm, TextInput, useTranslate } from 'react-admin';
import Alert from '@mui/material/Alert';
import TextField from '@mui/material/TextField';

const ROLES = ['manager', 'clerk', 'finance', 'owner'] as const;

/** Invite by email and role; the link to accept is shown this once (the server keeps only its hash). */
export default function InvitationCreate() {
  const translate = useTranslate();
  const [acceptUrl, setAcceptUrl] = useState<string | null>(null);
  return (
    <Create redirect={false} mutationOptions={{ onSuccess: (data) => setAcceptUrl((data as { acceptUrl?: string }).acceptUrl ?? null) }}>
      <SimpleForm>
        <TextInput source="email" type="email" validate={required()} />
        <SelectInput source="role" choices={ROLES.map((role) => ({ id: role, name: `minishop.roles.${role}` }))} validate={required()} defaultValue="clerk" />
        {acceptUrl && (
          <Alert severity="success" sx={{ width: '100%' }}>
            {translate('minishop.invitations.link_once')}
            <TextField value={acceptUrl} fullWidth slotProps={{ htmlInput: { readOnly: true, 'aria-label': translate('minishop.invitations.link') } }} sx={{ mt: 1 }} />
          </Alert>
        )}
      </SimpleForm>
    </Create>
  );
}
