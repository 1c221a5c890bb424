/**
 * Money is an integer count of a currency's minor unit (cents for EUR, yen for JPY), carried in JSON as a
 * safe integer and stored as Postgres bigint. Nothing here uses floating point.
 */
export const SUPPORTED_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CNY', 'SGD', 'IDR', 'THB', 'VND'] as const;
export type CurrencyCode = (typeof SUPPORTED_CURRENCIES)[number];

/** The largest amount any single price, line or transfer may carry, in minor units. */
export const MAX_AMOUNT_MINOR = Number.MAX_SAFE_INTEGER;

export function isSupportedCurrency(code: string): code is CurrencyCode {
  return (SUPPORTED_CURRENCIES as readonly string[]).includes(code);
}

const exponentByCurrency = new Map<string, number>();

/** Digits after the decimal point of the currency's major unit (EUR 2, JPY 0), from the platform's ICU data. */
export function minorUnitExponent(currency: CurrencyCode): number {
  let exponent = exponentByCurrency.get(currency);
  if (exponent === undefined) {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponentByCurrency.set(currency, exponent);
  }
  return exponent;
}

export function isAmountMinor(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Formats for people, at the edge only: `formatMinor(1299, 'EUR')` is `€12.99`. */
export function formatMinor(amountMinor: number, currency: CurrencyCode, locale = 'en'): string {
  const exponent = minorUnitExponent(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  // Intl formats a decimal string exactly (no float rounding) since ES2023.
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(`${sign}${major}` as unknown as number);
}

/**
 * The exact decimal of a minor-unit amount, for exports that spreadsheets and accounting tools read:
 * `decimalFromMinor(1299, 'EUR')` is `12.99`, `decimalFromMinor(-5, 'EUR')` is `-0.05`, JPY `1299`.
 * Built from the integer's digits, so no amount is ever rounded through a float.
 */
export function decimalFromMinor(amountMinor: number, currency: CurrencyCode): string {
  const exponent = minorUnitExponent(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
