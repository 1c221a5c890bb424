import { useEffect, useState } from 'react';
import { required, SelectInput, SimpleForm, TextInput, Title, useDataProvider, useNotify, useLocaleState, useRedirect, useTranslate, type Validator } from 'react-admin';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import { API_URL, type MinishopDataProvider } from '../api/dataProvider.ts';
import { ApiError, apiJson } from '../api/session.ts';
import { formatMoney, parseMajorToMinor } from '../money.tsx';

interface Balance {
  currency: string;
  availableMinor: number;
}

interface CreateValues {
  currency: string;
  amount: string;
  shareCount: string;
  mode: string;
  message?: string;
  hostId: string;
  token: string;
}

const MODES = ['double_mean', 'equal', 'fair'];

/**
 * A promotional red envelope from the merchant's available balance (POST /api/admin/red-envelopes,
 * with an Idempotency-Key kept for this form, so a retried submit sends once). The group is named by the
 * chat host's signed claim: the host gives the merchant a token carrying the group.
 */
export default function RedEnvelopeCreate() {
  const translate = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const [balances, setBalances] = useState<Balance[]>([]);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [locale] = useLocaleState();

  useEffect(() => {
    dataProvider.read<Balance[]>('finance/balances').then(setBalances, (error: Error) => notify(error.message, { type: 'error' }));
  }, [dataProvider, notify]);

  const amountValidator: Validator = (value: string, values: CreateValues) =>
    parseMajorToMinor(value ?? '', values.currency ?? 'EUR') === null ? 'minishop.red_envelopes.amount_invalid' : undefined;

  const submit = async (values: Record<string, unknown>) => {
    const form = values as unknown as CreateValues;
    const amountMinor = parseMajorToMinor(form.amount, form.currency);
    try {
      const envelope = await apiJson<{ id: string }>(`${API_URL}/red-envelopes`, {
        method: 'POST',
        headers: { 'Idempotency-Key': idempotencyKey },
        json: {
          mode: form.mode,
          currency: form.currency,
          amountMinor,
          shareCount: Number(form.shareCount),
          ...(form.message?.trim() ? { message: form.message.trim() } : {}),
          group: { provider: 'host', hostId: form.hostId.trim(), token: form.token.trim() },
        },
      });
      setIdempotencyKey(crypto.randomUUID());
      notify('minishop.red_envelopes.sent', { type: 'success' });
      redirect('show', 'red-envelopes', envelope.id);
    } catch (error) {
      const errors = error instanceof ApiError ? (error.body as { errors?: Record<string, string> } | null)?.errors : undefined;
      const detail = errors ? Object.entries(errors).map(([field, message]) => `${field}: ${message}`).join('; ') : (error as Error).message;
      notify(detail, { type: 'error' });
    }
  };

  return (
    <Card sx={{ mt: 2 }}>
      <Title title="minishop.red_envelopes.create_title" />
      <CardContent>
        <Typography variant="h5" component="h1">
          {translate('minishop.red_envelopes.create_title')}
        </Typography>
        <Typography sx={{ mt: 1 }}>
          {translate('minishop.red_envelopes.available')}:{' '}
          {balances.length === 0 ? '—' : balances.map((balance) => formatMoney(balance.availableMinor, balance.currency, locale)).join(' · ')}
        </Typography>
        <Typography variant="body2" sx={{ mt: 1 }}>
          {translate('minishop.red_envelopes.group_help')}
        </Typography>
      </CardContent>
      <SimpleForm onSubmit={submit} defaultValues={{ currency: balances[0]?.currency ?? 'EUR', mode: 'double_mean', shareCount: '10' }}>
        <SelectInput source="currency" resource="red-envelopes" choices={(balances.length ? balances : [{ currency: 'EUR' }]).map((balance) => ({ id: balance.currency, name: balance.currency }))} validate={required()} />
        <TextInput source="amount" resource="red-envelopes" validate={[required(), amountValidator]} />
        <TextInput source="shareCount" resource="red-envelopes" type="number" validate={required()} />
        <SelectInput source="mode" resource="red-envelopes" choices={MODES.map((mode) => ({ id: mode, name: `minishop.red_envelopes.modes.${mode}` }))} validate={required()} />
        <TextInput source="message" resource="red-envelopes" />
        <TextInput source="hostId" resource="red-envelopes" validate={required()} />
        <TextInput source="token" resource="red-envelopes" validate={required()} multiline />
      </SimpleForm>
    </Card>
  );
}
