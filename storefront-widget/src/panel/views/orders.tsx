import { followOrder } from '../live.ts';
import { useEffect, useState } from 'preact/hooks';
import { type Position, RouteView } from '../route-view.tsx';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';
import type { CardForm, PaymentSettings } from '../stripe-card.ts';
import type { Order, Wallet } from '../types.ts';

export function OrdersView({ options, open }: { options: PanelOptions; open(id: string): void }) {
  const { api, i18n } = options;
  const { t } = i18n;
  const [orders, setOrders] = useState<Order[] | null>(null);
  useEffect(() => {
    api.request<{ items: Order[] }>('GET', '/api/store/orders?pageSize=20').then((page) => setOrders(page.items), () => setOrders([]));
  }, []);
  return (
    <section>
      <Heading text={t('orders')} />
      {orders === null ? (
        <p role="status">{t('loading')}</p>
      ) : orders.length === 0 ? (
        <p>{t('noOrders')}</p>
      ) : (
        <ul class="lines">
          {orders.map((order) => (
            <li key={order.id}>
              <button type="button" onClick={() => open(order.id)}>
                {t('order', { n: order.number })}
              </button>
              <span>{t('status', { s: order.status })}</span>
              <span>{i18n.money(order.totalMinor, order.currency)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function OrderView({ options, id, topUp }: { options: PanelOptions; id: string; topUp(): void }) {
  const { api, i18n, host } = options;
  const { t } = i18n;
  const [order, setOrder] = useState<Order | null>(null);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Paying by card: Stripe's Payment Element in the host page's light DOM (stripe-card.ts, loaded only now).
  const [card, setCard] = useState<CardForm | null>(null);
  useEffect(() => () => card?.remove(), [card]);

  const [tracking, setTracking] = useState<{ id: string; status: string; message: string; happenedAt: string; position: Position | null }[]>([]);

  useEffect(() => {
    api.request<Order>('GET', `/api/store/orders/${id}`).then((loaded) => {
      setOrder(loaded);
      if (loaded.status === 'pending_payment') api.request<Wallet>('GET', `/api/store/wallet?currency=${loaded.currency}`).then(setWallet, () => undefined);
    }, (failure: unknown) => setError(errorText(failure)));
    // Live: the status and the courier's updates as they happen (snapshot first, then events).
    return followOrder(api, id, (message) => {
      const payload = message.payload as { status?: string; order?: { status: string }; tracking?: Record<string, unknown> | null } & Record<string, unknown>;
      const status = message.type === 'snapshot' ? payload.order?.status : message.type === 'updated' ? payload.status : undefined;
      if (status) setOrder((current) => (current ? { ...current, status } : current));
      const event = message.type === 'tracking' ? payload : message.type === 'snapshot' ? payload.tracking : null;
      if (event && typeof event.trackingEventId === 'string') {
        const entry = { id: event.trackingEventId, status: String(event.status), message: String(event.message ?? ''), happenedAt: String(event.happenedAt), position: (event.position as Position | null) ?? null };
        setTracking((current) => (current.some((known) => known.id === entry.id) ? current : [...current, entry]));
      }
    });
  }, [id]);

  if (!order) return error ? <p class="error" role="alert">{error}</p> : <p role="status">{t('loading')}</p>;
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setError(null);
    try {
      setOrder(await api.request<Order>('POST', `/api/store/orders/${order.id}/${path}`, body));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  const startCard = async () => {
    setBusy(true);
    setError(null);
    try {
      // Idempotent per order: a second start answers the same payment intent.
      const started = await api.request<{ clientSecret: string }>('POST', `/api/store/orders/${order.id}/card-payment`);
      const [{ mountCardForm }, settings] = await Promise.all([import('../stripe-card.ts'), api.get<PaymentSettings>('/api/store/payment-settings')]);
      setCard(await mountCardForm(host, settings, started.clientSecret));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  const payByCard = async () => {
    if (!card) return;
    setBusy(true);
    setError(null);
    try {
      await card.confirm();
      // The order is paid when Stripe's webhook reaches the API: wait for it (at most a minute).
      for (let attempt = 0; attempt < 120; attempt += 1) {
        const payment = await api.request<{ status: string; failureCode: string | null }>('GET', `/api/store/orders/${order.id}/card-payment`);
        if (payment.status === 'succeeded') break;
        if (payment.status === 'failed') throw new Error(payment.failureCode ?? 'The card payment failed.');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      setOrder(await api.request<Order>('GET', `/api/store/orders/${order.id}`));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      card.remove();
      setCard(null);
      setBusy(false);
    }
  };
  return (
    <section>
      <Heading text={t('order', { n: order.number })} />
      <p role="status">{order.status === 'paid' ? t('paid') : t('status', { s: order.status })}</p>
      <ul class="lines">
        {order.lines?.map((line) => (
          <li key={line.id}>
            <span>
              {line.quantity} × {line.productTitle} {line.variantTitle}
            </span>
            <span>{i18n.money(line.lineTotalMinor, order.currency)}</span>
          </li>
        ))}
      </ul>
      <p class="price">
        {t('total')}: {i18n.money(order.totalMinor, order.currency)}
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      {order.status === 'pending_payment' && (
        <>
          {wallet && <p>{t('wallet', { amount: i18n.money(wallet.availableMinor, wallet.currency) })}</p>}
          {card && (
            <>
              <slot name="payment" />
              <button type="button" class="primary" disabled={busy} onClick={payByCard}>
                {t('payByCard', { amount: i18n.money(order.totalMinor, order.currency) })}
              </button>
            </>
          )}
          <div class="bar">
            <button type="button" class="primary" disabled={busy} onClick={() => act('pay', { method: 'wallet' })}>
              {t('payWallet', { amount: i18n.money(order.totalMinor, order.currency) })}
            </button>
            {!card && (
              <button type="button" disabled={busy} onClick={startCard}>
                {t('payCard')}
              </button>
            )}
            {wallet && wallet.availableMinor < order.totalMinor && (
              <button type="button" onClick={topUp}>
                {t('topUpWallet')}
              </button>
            )}
          </div>
        </>
      )}
      {tracking.length > 0 && (
        <>
          <h3>{t('deliveryUpdates')}</h3>
          <RouteView positions={tracking.flatMap((entry) => (entry.position ? [entry.position] : []))} label={t('courierRoute')} />
          <ol class="timeline">
            {tracking.map((entry) => (
              <li key={entry.id}>
                {new Date(entry.happenedAt).toLocaleTimeString(i18n.locale, { hour: '2-digit', minute: '2-digit' })} · {entry.status.replace(/_/g, ' ')}
                {entry.message ? ` · ${entry.message}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
      {order.status === 'delivered' && (
        <button type="button" class="primary" disabled={busy} onClick={() => act('confirm-receipt')}>
          {t('confirmReceipt')}
        </button>
      )}
    </section>
  );
}
