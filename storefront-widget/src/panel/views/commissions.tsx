import { useEffect, useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';

interface Commissions {
  totals: { currency: string; pendingOrders: number; paidMinor: number }[];
  items: { orderId: string; shopName: string; status: 'pending' | 'paid' | 'cancelled'; currency: string; commissionMinor: number | null; takenBackMinor: number; createdAt: string }[];
}

/** The referrer's commissions, pending and paid (a lazily loaded chunk: nobody needs it on first paint). */
export default function CommissionsView({ options }: { options: PanelOptions }) {
  const { api, i18n } = options;
  const { t } = i18n;
  const [commissions, setCommissions] = useState<Commissions | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.request<Commissions>('GET', '/api/store/referral-commissions').then(setCommissions, (failure: unknown) => setError(errorText(failure)));
  }, []);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!commissions) return <p role="status">{t('loading')}</p>;
  return (
    <section>
      <Heading text={t('commissions')} />
      {commissions.totals.map((total) => (
        <p key={total.currency}>{t('commissionsTotal', { amount: i18n.money(total.paidMinor, total.currency), n: total.pendingOrders })}</p>
      ))}
      {commissions.items.length === 0 ? (
        <p class="muted">{t('noCommissions')}</p>
      ) : (
        <ul>
          {commissions.items.map((item) => (
            <li key={item.orderId}>
              {item.shopName} · {t(`commission_${item.status}`)}
              {item.commissionMinor !== null && item.status === 'paid' && ` · ${i18n.money(item.commissionMinor - item.takenBackMinor, item.currency)}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
