import { useRef } from 'react';
import { CreateBase, HttpError, required, SaveButton, SelectInput, SimpleForm, TextInput, Title, Toolbar, useDataProvider, useNotify, useRedirect, useTranslate } from 'react-admin';
import Card from '@mui/material/Card';
import { SUPPORTED_CURRENCIES } from '../../../db/src/money.ts';
import type { MinishopDataProvider } from '../api/dataProvider.ts';
import { parseMajorToMinor } from '../money.tsx';

/**
 * Request a payout of available money. One Idempotency-Key per form (the payout the person means):
 * a double click or a retry after a lost answer is the same payout, not two.
 * A refusal (4xx) did nothing, so the corrected request gets a fresh key.
 */
export default function PayoutCreate() {
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const translate = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const idempotencyKey = useRef(crypto.randomUUID());

  const save = async (values: Record<string, unknown>) => {
    const currency = String(values.currency);
    const amountMinor = parseMajorToMinor(String(values.amount ?? ''), currency);
    if (amountMinor === null || amountMinor <= 0) return { amount: translate('ra.validation.number') };
    try {
      await dataProvider.send('finance/payouts', { method: 'POST', json: { amountMinor, currency }, headers: { 'Idempotency-Key': idempotencyKey.current } });
      notify('minishop.payouts.requested', { type: 'success' });
      redirect('list', 'payouts');
      return undefined;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // Refused, so nothing was paid out: the corrected request is a new payout with a key of its own.
      idempotencyKey.current = crypto.randomUUID();
      const errors = (error.body as { errors?: Record<string, string> } | undefined)?.errors;
      // Only the form's own field names: an error set on a name with no input never clears, and
      // react-hook-form would then refuse every later submit.
      if (errors) return { amount: errors.amountMinor ?? errors.currency ?? error.message, ...(errors.currency ? { currency: errors.currency } : {}) };
      // 422 insufficient_funds and friends: their message belongs beside the amount.
      return { amount: error.message };
    }
  };

  return (
    <CreateBase resource="payouts">
      <Title title={translate('minishop.payouts.request')} />
      <Card sx={{ mt: 2 }}>
        <SimpleForm onSubmit={save} toolbar={<Toolbar><SaveButton label="minishop.payouts.request" /></Toolbar>}>
          <SelectInput source="currency" choices={SUPPORTED_CURRENCIES.map((currency) => ({ id: currency, name: currency }))} defaultValue="EUR" validate={required()} />
          <TextInput source="amount" label="minishop.payouts.amount" inputMode="decimal" validate={required()} />
        </SimpleForm>
      </Card>
    </CreateBase>
  );
}
