import { ArrayInput, Edit, NumberInput, SelectInput, SimpleForm, SimpleFormIterator, TextInput, required } from 'react-admin';

/** What PUT /api/admin/shops/:id takes: the server refuses unknown fields, so the record is trimmed to these. */
const EDITABLE_FIELDS = ['name', 'description', 'status', 'allowedEmbedOrigins', 'autoConfirmDays', 'referralCommissionBasisPoints', 'referralWindowDays'] as const;

function editableOnly(record: Record<string, unknown>): Record<string, unknown> {
  const body = Object.fromEntries(EDITABLE_FIELDS.filter((field) => record[field] !== undefined).map((field) => [field, record[field]]));
  if (Array.isArray(body.allowedEmbedOrigins)) body.allowedEmbedOrigins = (body.allowedEmbedOrigins as unknown[]).map((entry) => (typeof entry === 'string' ? entry : (entry as { origin?: string })?.origin)).filter(Boolean);
  return body;
}

/** A shop's name, status, the origins that may embed its widget, its auto-confirm days (0..90) and its referral settings. */
export default function ShopEdit() {
  return (
    <Edit transform={editableOnly} mutationMode="pessimistic">
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <TextInput source="description" multiline />
        <SelectInput
          source="status"
          choices={[
            { id: 'open', name: 'minishop.shops.open' },
            { id: 'closed', name: 'minishop.shops.closed' },
          ]}
        />
        <ArrayInput source="allowedEmbedOrigins">
          <SimpleFormIterator inline disableReordering>
            <TextInput source="" label="minishop.shops.origin" helperText="https://shop.example" />
          </SimpleFormIterator>
        </ArrayInput>
        {/* No min/max here: the server owns the range (0..90) and its message shows under the input. */}
        <NumberInput source="autoConfirmDays" step={1} />
        {/* Referral commissions (docs/social.md §4): basis points of the goods (0..5000), attribution window in days (1..90). */}
        <NumberInput source="referralCommissionBasisPoints" step={50} helperText="minishop.shops.referral_rate_help" />
        <NumberInput source="referralWindowDays" step={1} helperText="minishop.shops.referral_window_help" />
      </SimpleForm>
    </Edit>
  );
}
