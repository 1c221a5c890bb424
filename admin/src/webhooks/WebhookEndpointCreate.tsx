import { useState } from 'react';
import { AutocompleteArrayInput, Create, required, SimpleForm, TextInput } from 'react-admin';
import { ShownOnce } from '../layout/ShownOnce.tsx';
import { EVENT_CHOICES } from './eventChoices.ts';

/** Register an endpoint; the answer's signing secret is shown this once. */
export default function WebhookEndpointCreate() {
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <Create redirect={false} mutationOptions={{ onSuccess: (data) => setSecret((data as { secret?: string }).secret ?? null) }}>
      <SimpleForm>
        <TextInput source="url" type="url" validate={required()} helperText="https://example.com/minishop-webhooks" />
        <TextInput source="description" />
        <AutocompleteArrayInput source="events" choices={EVENT_CHOICES} validate={required()} />
        {secret && <ShownOnce message="minishop.webhooks.secret_once" label="minishop.webhooks.secret" value={secret} />}
      </SimpleForm>
    </Create>
  );
}
