import { useEffect, useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';
import type { Wallet } from '../types.ts';

/** The wallet: its balance, and top-ups by card through Stripe's Payment Element (loaded only now). */
export function WalletView({ options, currency, announce, done }: { options: PanelOptions; currency: string; announce(text: string): void; done(): void }) {
  const { api, i18n, host } = options;
  const { t } = i18n;
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [form, setForm] = useState<{ amountMinor: number; topUpId: string; confirm(): Promise<void>; remove(): void } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const unit = 10 ** i18n.exponent(currency);
  const refresh = () => api.request<Wallet>('GET', `/api/store/wallet?currency=${currency}`).then(setWallet, (failure: unknown) => setError(errorText(failure)));

  useEffect(() => {
    void refresh();
  }, []);
  // The card form lives in the host page's DOM: take it away with the view.
  useEffect(() => () => form?.remove(), [form]);

  const start = async (amountMinor: number) => {
    setBusy(true);
    setError(null);
    try {
      const started = await api.request<{ topUp: { id: string }; payment: { clientSecret: string } | null }>('POST', '/api/store/wallet/top-ups', { amountMinor, currency }, true, {
        'idempotency-key': crypto.randomUUID(),
      });
      if (!started.payment) throw new Error('The top-up could not start.');
      const [{ mountCardForm }, settings] = await Promise.all([import('../stripe-card.ts'), api.get<import('../stripe-card.ts').PaymentSettings>('/api/store/payment-settings')]);
      const card = await mountCardForm(host, settings, started.payment.clientSecret);
      setForm({ amountMinor, topUpId: started.topUp.id, ...card });
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const pay = async () => {
    if (!form) return;
    setBusy(true);
    setError(null);
    try {
      await form.confirm();
      announce(t('waiting'));
      // The wallet is credited when Stripe's webhook reaches the API: wait for it (at most a minute).
      for (let attempt = 0; attempt < 120; attempt += 1) {
        const topUp = await api.request<{ status: string; failureCode?: string | null }>('GET', `/api/store/wallet/top-ups/${form.topUpId}`);
        if (topUp.status === 'succeeded') break;
        if (topUp.status === 'failed') throw new Error(topUp.failureCode ?? 'The card payment failed.');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      announce(t('toppedUp', { amount: i18n.money(form.amountMinor, currency) }));
      form.remove();
      setForm(null);
      await refresh();
      done();
    } catch (failure) {
      // A refused card ends this top-up (Stripe failed its intent): the shopper starts a new one.
      form.remove();
      setForm(null);
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <Heading text={t('walletTitle')} />
      {wallet && <p>{t('wallet', { amount: i18n.money(wallet.availableMinor, wallet.currency) })}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {form ? (
        <>
          <slot name="payment" />
          <button type="button" class="primary" disabled={busy} onClick={pay}>
            {t('payByCard', { amount: i18n.money(form.amountMinor, currency) })}
          </button>
        </>
      ) : (
        <div class="bar">
          {[10, 20, 50].map((major) => (
            <button type="button" key={major} disabled={busy} onClick={() => start(major * unit)}>
              {t('topUp', { amount: i18n.money(major * unit, currency) })}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
