import { useEffect, useRef, useState } from 'react';
import { HttpError, Title, useDataProvider, useGetList, useTranslate, useLocaleState } from 'react-admin';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { MinishopDataProvider } from '../api/dataProvider.ts';
import { apiJson, ApiError } from '../api/session.ts';
import { API_URL } from '../api/dataProvider.ts';
import { formatMoney, parseMajorToMinor } from '../money.tsx';

interface Charge {
  id: string;
  status: 'awaiting_confirmation' | 'succeeded' | 'declined' | 'expired';
  amountMinor: number;
  currency: string;
  orderId: string | null;
}

const POLL_INTERVAL_MS = 1_000;

/**
 * The counter: a shopper shows their payment code, the clerk scans it (camera, through qr-scanner loaded
 * only when asked) or types it, enters the amount and charges. Above the confirmation threshold the
 * server holds the amount and waits for the shopper: the page says so and follows the charge until it
 * succeeds, is declined or expires.
 */
export default function CounterPage() {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const { data: shops } = useGetList('shops', { sort: { field: 'name', order: 'ASC' }, pagination: { page: 1, perPage: 100 } });
  const [shopId, setShopId] = useState('');
  const [code, setCode] = useState('');
  const [amount, setAmount] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [charge, setCharge] = useState<Charge | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [cameraError, setCameraError] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const shop = shops?.find((candidate) => candidate.id === shopId) ?? shops?.[0];
  const currency = (shop?.currency as string | undefined) ?? 'EUR';

  useEffect(() => {
    if (!scanning || !video.current) return;
    let stopped = false;
    let scanner: { start(): Promise<void>; stop(): void; destroy(): void } | null = null;
    import('qr-scanner')
      .then(async ({ default: QrScanner }) => {
        if (stopped || !video.current) return;
        const instance = new QrScanner(video.current, (result) => {
          setCode(result.data);
          setScanning(false);
        }, { returnDetailedScanResult: true });
        scanner = instance;
        await instance.start();
      })
      .catch(() => {
        setCameraError(true);
        setScanning(false);
      });
    return () => {
      stopped = true;
      scanner?.stop();
      scanner?.destroy();
    };
  }, [scanning]);

  // Follow a held charge until the shopper decides (or the window closes).
  useEffect(() => {
    if (charge?.status !== 'awaiting_confirmation') return;
    const timer = setInterval(() => {
      dataProvider.getOne<Charge>('payment-code-charges', { id: charge.id }).then(({ data }) => setCharge(data), () => undefined);
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [charge, dataProvider]);

  const submit = async () => {
    const amountMinor = parseMajorToMinor(amount, currency);
    const localErrors: Record<string, string> = {};
    if (!code.trim()) localErrors.token = translate('ra.validation.required');
    if (amountMinor === null || amountMinor <= 0) localErrors.amountMinor = translate('ra.validation.number');
    setErrors(localErrors);
    if (Object.keys(localErrors).length > 0 || !shop) return;
    setBusy(true);
    setFailure(null);
    setCharge(null);
    try {
      const created = await apiJson<Charge>(`${API_URL}/payment-code-charges`, {
        method: 'POST',
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        json: { shopId: shop.id, token: code.trim(), amountMinor },
      });
      setCharge(created);
      setCode('');
    } catch (error) {
      if (error instanceof ApiError && error.body?.errors) setErrors(error.body.errors);
      setFailure(error instanceof ApiError || error instanceof HttpError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const outcome = charge && (
    <Alert severity={charge.status === 'succeeded' ? 'success' : charge.status === 'awaiting_confirmation' ? 'info' : 'warning'} role="status">
      {charge.status === 'awaiting_confirmation' && translate('minishop.counter.outcome.pending')}
      {charge.status === 'succeeded' && translate('minishop.counter.outcome.succeeded', { amount: formatMoney(charge.amountMinor, charge.currency, locale) })}
      {charge.status === 'declined' && translate('minishop.counter.outcome.declined')}
      {charge.status === 'expired' && translate('minishop.counter.outcome.expired')}
    </Alert>
  );

  return (
    <Card sx={{ mt: 2, maxWidth: 560 }}>
      <Title title={translate('minishop.counter.title')} />
      <CardContent>
        <Stack spacing={2}>
          <TextField select label={translate('minishop.counter.shop')} value={shop?.id ?? ''} onChange={(event) => setShopId(event.target.value)}>
            {(shops ?? []).map((candidate) => (
              <MenuItem key={candidate.id} value={candidate.id}>
                {candidate.name}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label={translate('minishop.counter.code')}
            value={code}
            autoComplete="off"
            error={Boolean(errors.token)}
            helperText={errors.token}
            onChange={(event) => setCode(event.target.value)}
          />
          <Stack direction="row" spacing={1}>
            <Button variant="outlined" onClick={() => setScanning(!scanning)}>
              {scanning ? translate('minishop.counter.stop_scan') : translate('minishop.counter.scan')}
            </Button>
          </Stack>
          {cameraError && <Alert severity="warning">{translate('minishop.counter.camera_unavailable')}</Alert>}
          {scanning && <video ref={video} style={{ width: '100%' }} muted playsInline aria-label={translate('minishop.counter.scan')} />}
          <TextField
            label={translate('minishop.counter.amount', { currency })}
            value={amount}
            inputMode="decimal"
            error={Boolean(errors.amountMinor)}
            helperText={errors.amountMinor}
            onChange={(event) => setAmount(event.target.value)}
          />
          <Button variant="contained" size="large" disabled={busy || !shop} onClick={submit}>
            {translate('minishop.counter.charge')}
          </Button>
          {outcome}
          {failure && (
            <Alert severity="error" role="alert">
              {translate('minishop.counter.outcome.failed', { reason: failure })}
            </Alert>
          )}
        </Stack>
      </CardContent>
    </Card>
  );
}
