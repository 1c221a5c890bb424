import { useEffect, useRef, useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';
import type { Order } from '../types.ts';
import type { CameraScan } from '../scan.ts';

/**
 * Scan-to-pay: an order's QR code read live from the camera (a preview while it looks), or from a photo
 * (the file picker, which opens the phone's camera app), then paid from the wallet. The decoder is a lazy chunk.
 */
export function ScanView({ options, paid }: { options: PanelOptions; paid(order: Order): void }) {
  const { api, i18n, shopSlug } = options;
  const { t } = i18n;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const camera = useRef<CameraScan | null>(null);
  // Leaving the view releases the camera.
  useEffect(() => () => camera.current?.stop(), []);

  const pay = async (token: string) => {
    // The code holds the link `${PUBLIC_URL}/s/<token>`; the API takes the link or the bare token.
    paid(await api.request<Order>('POST', `/api/store/shops/${encodeURIComponent(shopSlug)}/order-codes/pay`, { token }));
  };
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const { readQrCode } = await import('../scan.ts');
      const token = await readQrCode(file);
      if (!token) throw new Error(t('noCodeFound'));
      await pay(token);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  const startCamera = async () => {
    if (!video.current) return;
    setError(null);
    setScanning(true);
    try {
      const { scanFromCamera } = await import('../scan.ts');
      camera.current = await scanFromCamera(video.current);
      const token = await camera.current.found;
      camera.current = null;
      setScanning(false);
      if (token) await pay(token);
    } catch (failure) {
      camera.current?.stop();
      camera.current = null;
      setScanning(false);
      setError(errorText(failure));
    }
  };
  return (
    <section>
      <Heading text={t('scanToPay')} />
      <video ref={video} class="camera" hidden={!scanning} aria-label={t('cameraPreview')} muted playsInline />
      {!scanning && (
        <button type="button" class="primary" disabled={busy} onClick={() => void startCamera()}>
          {t('scanCamera')}
        </button>
      )}
      <label class="field">
        <span>{t('scanPhoto')}</span>
        <input type="file" accept="image/*" capture="environment" disabled={busy} onChange={(event) => void onFile(event.currentTarget.files?.[0])} />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
