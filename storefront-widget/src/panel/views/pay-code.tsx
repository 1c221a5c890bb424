import { useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';
import type { Order } from '../types.ts';

/** An order's payment code (shown at a counter, opened from /s/<token>): paid from the scanning shopper's wallet. */
export function PayCodeView({ options, paid }: { options: PanelOptions; paid(order: Order): void }) {
  const { api, i18n, shopSlug, orderToken } = options;
  const { t } = i18n;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section>
      <Heading text={t('payCode')} />
      {error && <p class="error" role="alert">{error}</p>}
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            paid(await api.request<Order>('POST', `/api/store/shops/${encodeURIComponent(shopSlug)}/order-codes/pay`, { token: orderToken }));
          } catch (failure) {
            setError(errorText(failure));
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('payFromWallet')}
      </button>
    </section>
  );
}
