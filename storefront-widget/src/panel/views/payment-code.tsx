import { useEffect, useState } from 'preact/hooks';
import { followTopic } from '../live.ts';
import { Dialog, Heading, type PanelOptions, errorText } from '../shared.tsx';

interface CounterCharge {
  id: string;
  amountMinor: number;
  currency: string;
  status: string;
  shopName: string;
}

/**
 * The shopper's payment code for the counter: a fresh code when the API says so (every 50 s of a 60 s
 * life), drawn from the API's SVG; charges above the threshold wait for consent, asked in a dialog as
 * soon as one appears: GET /ws tells (the shopper's `resource/payment-code-charges/<id>` topic), and the
 * charges awaiting confirmation are read then, and once after each (re)subscription.
 */
export function PaymentCodeView({ options, announce }: { options: PanelOptions; announce(text: string): void }) {
  const { api, i18n, shopSlug } = options;
  const { t } = i18n;
  const [image, setImage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<CounterCharge | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const issue = async () => {
      try {
        const code = await api.request<{ token: string; refreshAfterSeconds: number }>('POST', `/api/store/shops/${encodeURIComponent(shopSlug)}/payment-codes`);
        const svg = await api.text(`/api/store/payment-codes/${code.token}.svg`);
        if (stopped) return;
        setImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
        timer = setTimeout(() => void issue(), code.refreshAfterSeconds * 1000);
      } catch (failure) {
        setError(errorText(failure));
        timer = setTimeout(() => void issue(), 10_000);
      }
    };
    void issue();
    const readPending = () =>
      api.request<CounterCharge[]>('GET', '/api/store/payment-code-charges?status=awaiting_confirmation').then(
        (charges) => setPending((current) => current ?? charges[0] ?? null),
        () => undefined,
      );
    const stopFollowing = followTopic(
      api,
      (shopperId) => `resource/payment-code-charges/${shopperId}`,
      (message) => {
        if (message.type === 'created') void readPending();
        // Answered elsewhere or expired: the question is gone.
        const ids = message.payload.ids as string[];
        if (message.type === 'updated') setPending((current) => (current && ids.includes(current.id) ? null : current));
      },
      () => void readPending(),
    );
    return () => {
      stopped = true;
      clearTimeout(timer);
      stopFollowing();
    };
  }, []);

  const answer = async (verb: 'confirm' | 'decline') => {
    if (!pending) return;
    setBusy(true);
    try {
      const charge = await api.request<CounterCharge>('POST', `/api/store/payment-code-charges/${pending.id}/${verb}`);
      announce(charge.status === 'succeeded' ? t('chargeConfirmed', { amount: i18n.money(charge.amountMinor, charge.currency), shop: charge.shopName }) : t('chargeDeclined'));
      setPending(null);
    } catch (failure) {
      setError(errorText(failure));
      setPending(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <Heading text={t('payAtCounter')} />
      <p>{t('paymentCodeHelp')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {image && <img class="code" src={image} alt={t('paymentCodeImage')} />}
      {pending && (
        <Dialog title={t('confirmCharge')} onCancel={() => void answer('decline')}>
          <p>{t('confirmChargeText', { shop: pending.shopName, amount: i18n.money(pending.amountMinor, pending.currency) })}</p>
          <div class="bar">
            <button type="button" class="primary" disabled={busy} onClick={() => void answer('confirm')}>
              {t('confirm')}
            </button>
            <button type="button" disabled={busy} onClick={() => void answer('decline')}>
              {t('decline')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
