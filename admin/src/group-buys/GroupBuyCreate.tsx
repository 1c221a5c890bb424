import { useMemo } from 'react';
import { AutocompleteInput, Create, minValue, NumberInput, ReferenceInput, required, SimpleForm } from 'react-admin';

/**
 * A team price for one variant. The API requires an Idempotency-Key: one per form, so a double click
 * or a retry after a lost answer replays the same offer instead of making two.
 */
export default function GroupBuyCreate() {
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  return (
    <Create redirect="show" mutationOptions={{ meta: { idempotencyKey } }}>
      <SimpleForm defaultValues={{ teamSize: 2, windowSeconds: 86_400, teamCap: 100 }}>
        <ReferenceInput source="variantId" reference="variants" sort={{ field: 'sku', order: 'ASC' }}>
          <AutocompleteInput optionText={(variant: { sku: string; title?: string }) => `${variant.sku}${variant.title ? ` · ${variant.title}` : ''}`} validate={required()} />
        </ReferenceInput>
        <NumberInput source="teamPriceMinor" validate={[required(), minValue(1)]} helperText="minishop.group_buys.minor_units" />
        <NumberInput source="teamSize" validate={[required(), minValue(2)]} />
        <NumberInput source="windowSeconds" validate={[required(), minValue(60)]} />
        <NumberInput source="teamCap" validate={[required(), minValue(1)]} />
      </SimpleForm>
    </Create>
  );
}
