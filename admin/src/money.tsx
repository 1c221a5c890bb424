import { useLocaleState, useRecordContext } from 'react-admin';
import Typography from '@mui/material/Typography';

import { type CurrencyCode, isSupportedCurrency, minorUnitExponent as serverExponent } from '../../db/src/money.ts';

/** The server's own ISO 4217 exponent table (db/src/money.ts has no dependencies), so both agree. */
export function minorUnitExponent(currency: string): number {
  return isSupportedCurrency(currency) ? serverExponent(currency as CurrencyCode) : 2;
}

/** Money is integers in the minor unit everywhere; this is the one place it becomes text. */
export function formatMoney(amountMinor: number, currency: string, locale = 'en'): string {
  const exponent = minorUnitExponent(currency);
  return new Intl.NumberFormat(locale === 'zh' ? 'zh-CN' : 'en', { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(
    amountMinor / 10 ** exponent,
  );
}

/** Major-unit text typed by a person ("12.50") to integer minor units, or null when it is not an amount. */
export function parseMajorToMinor(text: string, currency: string): number | null {
  const exponent = minorUnitExponent(currency);
  const match = new RegExp(`^\\s*(\\d+)(?:[.,](\\d{1,${exponent}}))?\\s*$`).exec(text);
  if (!match || (exponent === 0 && text.includes('.'))) return null;
  const fraction = (match[2] ?? '').padEnd(exponent, '0');
  return Number(match[1]) * 10 ** exponent + (exponent ? Number(fraction) : 0);
}

export function Money({ amountMinor, currency }: { amountMinor: number | null | undefined; currency: string }) {
  const [locale] = useLocaleState();
  if (amountMinor === null || amountMinor === undefined) return <span>—</span>;
  return <span>{formatMoney(amountMinor, currency, locale)}</span>;
}

/** A react-admin field for `<source>` in minor units, in the record's currency (or `currency`). */
export function MoneyField({ source, currency }: { source: string; currency?: string; label?: string; sortable?: boolean; sortBy?: string }) {
  const record = useRecordContext();
  if (!record) return null;
  return (
    <Typography component="span" variant="body2">
      <Money amountMinor={record[source] as number | null} currency={currency ?? (record.currency as string) ?? 'EUR'} />
    </Typography>
  );
}
