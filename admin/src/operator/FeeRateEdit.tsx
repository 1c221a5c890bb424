import { Edit, NumberInput, SimpleForm, TextField, maxValue, minValue } from 'react-admin';

/**
 * PUT /operator/merchants/:id/platform-fee: applies to settlements from now on. Emptying the rate sends
 * null, back to the platform default. The server checks 0..10000 as well; its message shows here.
 */
export default function FeeRateEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="list">
      <SimpleForm>
        <TextField source="merchantName" />
        <NumberInput source="basisPoints" step={1} validate={[minValue(0), maxValue(10_000)]} helperText="minishop.operator.fee_rate_help" />
        <TextField source="effectiveBasisPoints" />
      </SimpleForm>
    </Edit>
  );
}
