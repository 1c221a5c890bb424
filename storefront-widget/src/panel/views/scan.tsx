import { useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';
import type { Order } from '../types.ts';

/** Scan-to-pay: a photo of an order's QR code (the phone's camera through the file picker), paid from the wallet. */
export function ScanView({ options, paid }: { options: PanelOptions; paid(order: Order): void }) {
  const { api, i18n, shopSlug } = options;
  const { t } = i18n;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const { readQrCode } = await import('../scan.ts');
      const token = await readQrCode(file);
      if (!token) throw new Error(t('noCodeFound'));
      // The code holds the link `${PUBLIC_URL}/s/<token>`; the API takes the link or the bare token.
      paid(await api.request<Order>('POST', `/api/store/shops/${encodeURIComponent(shopSlug)}/order-codes/pay`, { token }));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <Heading text={t('scanToPay')} />
      <label class="field">
        <span>{t('scanPhoto')}</span>
        <input type="file" accept="image/*" capture="environment" disabled={busy} onChange={(event) => void onFile(event.currentTarget.files?.[0])} />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
