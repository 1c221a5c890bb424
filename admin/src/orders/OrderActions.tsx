import { useState } from 'react';
import { HttpError, useDataProvider, useNotify, useRefresh, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { MinishopDataProvider } from '../api/dataProvider.ts';
import { sessionAllows } from '../api/authProvider.ts';
import { readSession } from '../api/session.ts';
import { parseMajorToMinor } from '../money.tsx';

export interface OrderDetail {
  id: string;
  number: number;
  status: string;
  currency: string;
  totalMinor: number;
  refundedMinor: number;
  fulfilmentMethod: string;
  lines: { id: string; productTitle: string; variantTitle: string; sku: string; unitPriceMinor: number; quantity: number; lineTotalMinor: number; refundedQuantity: number; refundedMinor: number }[];
  events: { id: string; type: string; fromStatus: string | null; toStatus: string; actorType: string; note: string; createdAt: string }[];
  refunds: { id: string; amountMinor: number; currency: string; status: string; kind: string; reason: string; createdAt: string }[];
}

/** The server's `{errors: {field: message}}` joined, or its message (409, 422 and friends). */
function errorText(error: unknown): string {
  if (error instanceof HttpError) {
    const body = error.body as { errors?: Record<string, string>; message?: string } | undefined;
    if (body?.errors) return Object.entries(body.errors).map(([field, message]) => `${field}: ${message}`).join('; ');
    return body?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

function useOrderAction(order: OrderDetail) {
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const translate = useTranslate();
  const [busy, setBusy] = useState(false);
  const run = async (verb: string, body: unknown = {}, headers: Record<string, string> = {}) => {
    setBusy(true);
    try {
      const updated = await dataProvider.act<OrderDetail>('orders', order.id, verb, body, headers);
      notify(translate('minishop.orders.action.done', { status: translate(`status.${updated.status}`) }), { type: 'success' });
      refresh();
      return true;
    } catch (error) {
      notify(errorText(error), { type: 'error' });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy };
}

function ShipDialog({ open, onClose, onShip }: { open: boolean; onClose: () => void; onShip: (body: { carrier?: string; trackingNumber?: string }) => Promise<boolean> }) {
  const translate = useTranslate();
  const [carrier, setCarrier] = useState('');
  const [trackingNumber, setTrackingNumber] = useState('');
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="ship-dialog-title">
      <DialogTitle id="ship-dialog-title">{translate('minishop.orders.ship_dialog.title')}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <TextField label={translate('minishop.orders.ship_dialog.carrier')} value={carrier} onChange={(event) => setCarrier(event.target.value)} />
          <TextField label={translate('minishop.orders.ship_dialog.tracking_number')} value={trackingNumber} onChange={(event) => setTrackingNumber(event.target.value)} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate('ra.action.cancel')}</Button>
        <Button
          variant="contained"
          onClick={async () => {
            if (await onShip({ ...(carrier ? { carrier } : {}), ...(trackingNumber ? { trackingNumber } : {}) })) onClose();
          }}
        >
          {translate('minishop.orders.action.ship')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function RefundDialog({ order, open, onClose, onRefund }: { order: OrderDetail; open: boolean; onClose: () => void; onRefund: (body: unknown, key: string) => Promise<boolean> }) {
  const translate = useTranslate();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  // One key per refund the merchant means: a retry of the same submission cannot refund twice.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [amountError, setAmountError] = useState<string | null>(null);

  const submit = async () => {
    const lines = Object.entries(quantities)
      .map(([lineId, quantity]) => ({ lineId, quantity: Number(quantity) }))
      .filter((line) => Number.isInteger(line.quantity) && line.quantity > 0);
    const body: Record<string, unknown> = reason ? { reason } : {};
    if (amount.trim()) {
      const amountMinor = parseMajorToMinor(amount, order.currency);
      if (amountMinor === null || amountMinor <= 0) return setAmountError(translate('ra.validation.number'));
      body.amountMinor = amountMinor;
    } else if (lines.length > 0) body.lines = lines;
    setAmountError(null);
    if (await onRefund(body, idempotencyKey)) {
      setIdempotencyKey(crypto.randomUUID());
      setAmount('');
      setQuantities({});
      onClose();
    }
  };

  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="refund-dialog-title" fullWidth>
      <DialogTitle id="refund-dialog-title">{translate('minishop.orders.refund_dialog.title')}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <TextField
            label={translate('minishop.orders.refund_dialog.amount', { currency: order.currency })}
            value={amount}
            inputMode="decimal"
            error={Boolean(amountError)}
            helperText={amountError ?? translate('minishop.orders.refund_dialog.amount_help')}
            onChange={(event) => setAmount(event.target.value)}
          />
          {order.lines.map((line) => (
            <TextField
              key={line.id}
              type="number"
              label={`${translate('minishop.orders.refund_dialog.quantity')}: ${line.productTitle} ${line.variantTitle} (≤ ${line.quantity - line.refundedQuantity})`}
              value={quantities[line.id] ?? ''}
              slotProps={{ htmlInput: { min: 0, max: line.quantity - line.refundedQuantity } }}
              onChange={(event) => setQuantities({ ...quantities, [line.id]: event.target.value })}
            />
          ))}
          <TextField label={translate('minishop.orders.refund_dialog.reason')} value={reason} onChange={(event) => setReason(event.target.value)} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate('ra.action.cancel')}</Button>
        <Button variant="contained" onClick={submit}>
          {translate('minishop.orders.action.refund')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** The verbs the order's status and the signed-in role allow; the server checks both again. */
export function OrderActions({ order }: { order: OrderDetail }) {
  const translate = useTranslate();
  const { run, busy } = useOrderAction(order);
  const [dialog, setDialog] = useState<'ship' | 'refund' | null>(null);
  const session = readSession();
  const canFulfil = sessionAllows(session, 'orders.fulfil');
  const canRefund = sessionAllows(session, 'orders.refund');
  const status = order.status;
  const refundable = ['paid', 'packed', 'shipped', 'delivered', 'completed', 'partially_refunded'].includes(status) && order.refundedMinor < order.totalMinor;

  return (
    <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap' }}>
      {canFulfil && status === 'paid' && (
        <Button variant="contained" disabled={busy} onClick={() => run('pack')}>
          {translate('minishop.orders.action.pack')}
        </Button>
      )}
      {canFulfil && status === 'packed' && order.fulfilmentMethod === 'delivery' && (
        <Button variant="contained" disabled={busy} onClick={() => setDialog('ship')}>
          {translate('minishop.orders.action.ship')}
        </Button>
      )}
      {/* Handed over at the shop or the table; a shipped order is delivered by its shipments' tracking. */}
      {canFulfil && status === 'packed' && order.fulfilmentMethod !== 'delivery' && (
        <Button variant="contained" disabled={busy} onClick={() => run('deliver')}>
          {translate('minishop.orders.action.deliver')}
        </Button>
      )}
      {canRefund && refundable && (
        <Button variant="outlined" disabled={busy} onClick={() => setDialog('refund')}>
          {translate('minishop.orders.action.refund')}
        </Button>
      )}
      {canRefund && ['pending_payment', 'paid', 'packed'].includes(status) && (
        <Button
          variant="outlined"
          color="error"
          disabled={busy}
          onClick={() => {
            if (window.confirm(translate('minishop.orders.cancel_confirm'))) void run('cancel');
          }}
        >
          {translate('minishop.orders.action.cancel')}
        </Button>
      )}
      <ShipDialog open={dialog === 'ship'} onClose={() => setDialog(null)} onShip={(body) => run('ship', body)} />
      <RefundDialog order={order} open={dialog === 'refund'} onClose={() => setDialog(null)} onRefund={(body, key) => run('refunds', body, { 'Idempotency-Key': key })} />
    </Stack>
  );
}
