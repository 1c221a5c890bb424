import { AutocompleteArrayInput, Edit, required, SelectInput, SimpleForm, TextInput } from 'react-admin';
import { EVENT_CHOICES } from './eventChoices.ts';

/** PUT takes these only; `status: enabled` re-enables an endpoint disabled for failing. */
const editableOnly = ({ url, description, events, status }: Record<string, unknown>) => ({ url, description, events, status });

export default function WebhookEndpointEdit() {
  return (
    <Edit transform={editableOnly} mutationMode="pessimistic" redirect="list">
      <SimpleForm>
        <TextInput source="url" type="url" validate={required()} />
        <TextInput source="description" />
        <AutocompleteArrayInput source="events" choices={EVENT_CHOICES} validate={required()} />
        <SelectInput
          source="status"
          choices={[
            { id: 'enabled', name: 'minishop.webhooks.enabled' },
            { id: 'disabled', name: 'minishop.webhooks.disabled' },
          ]}
        />
      </SimpleForm>
    </Edit>
  );
}
