import { useEffect, useState } from 'react';
import { useLocaleState, useTranslate } from 'react-admin';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import { API_URL } from '../api/dataProvider.ts';
import { authorizedFetch } from '../api/session.ts';

/**
 * An unpaid order's dynamic payment code (QR flow 2): the shopper scans it at the counter and pays from
 * their wallet. Signed by the server (GET orders/:id/payment-qr.svg), shown as a data: image (the CSP
 * allows data:, not blob:), valid until the order's payment deadline.
 */
export function OrderPaymentQr({ orderId }: { orderId: string }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const [source, setSource] = useState<string | null>(null);
  const [expiresAt, setExpiresAt] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const base = `${API_URL}/orders/${encodeURIComponent(orderId)}/payment-qr`;
    authorizedFetch(base)
      .then((response) => (response.ok ? (response.json() as Promise<{ expiresAt: string }>) : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then((code) => !cancelled && setExpiresAt(code.expiresAt))
      .then(() => authorizedFetch(`${base}.svg`, { headers: { Accept: 'image/svg+xml' } }))
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then((svg) => !cancelled && setSource(`data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [orderId]);
  if (!source) return null;
  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2">
          {translate('minishop.orders.payment_qr')}
        </Typography>
        <img src={source} alt={translate('minishop.orders.payment_qr_alt')} width={200} height={200} />
        {expiresAt && <Typography color="text.secondary">{translate('minishop.orders.payment_qr_until', { time: new Date(expiresAt).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en') })}</Typography>}
      </CardContent>
    </Card>
  );
}
