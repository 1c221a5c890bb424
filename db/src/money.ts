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

/**
 * Digits after the decimal point of each supported currency's major unit: the "minor unit" column of
 * ISO 4217 (the standard's own table, copied here so that it never changes with the ICU Node ships: ICU
 * says 0 for IDR, from CLDR's cash rounding, where ISO 4217 and Stripe say 2). A new currency is added
 * here, with its test in money.test.ts, and checked against Stripe's list below.
 */
const ISO_4217_EXPONENTS: Readonly<Record<CurrencyCode, number>> = {
  EUR: 2,
  USD: 2,
  GBP: 2,
  CHF: 2,
  JPY: 0,
  CNY: 2,
  SGD: 2,
  IDR: 2,
  THB: 2,
  VND: 0,
};

/**
 * Stripe's zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal): Stripe's `amount`
 * counts major units for these and the smallest ISO unit for every other currency. Where Stripe and
 * ISO 4217 differ (ISK: ISO 0, Stripe two-decimal with amounts a multiple of 100) the currency is not
 * supported here. stripeAmountExponent says which exponent Stripe uses, so that a test holds the two
 * tables to agree for every supported currency.
 */
export const STRIPE_ZERO_DECIMAL_CURRENCIES: readonly string[] = ['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];

/** Digits after the decimal point of the currency's major unit (EUR 2, JPY 0, IDR 2), from ISO 4217. */
export function minorUnitExponent(currency: CurrencyCode): number {
  const exponent = ISO_4217_EXPONENTS[currency];
  if (exponent === undefined) throw new RangeError(`${String(currency)} is not a supported currency`);
  return exponent;
}

/** Stripe's three-decimal currencies: `amount` in thousandths, the last digit 0. */
export const STRIPE_THREE_DECIMAL_CURRENCIES: readonly string[] = ['BHD', 'JOD', 'KWD', 'OMR', 'TND'];

/** The exponent of Stripe's `amount` for a currency: 0 for the zero-decimal list, 3 for the three-decimal one, else 2. */
export function stripeAmountExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (STRIPE_ZERO_DECIMAL_CURRENCIES.includes(code)) return 0;
  return STRIPE_THREE_DECIMAL_CURRENCIES.includes(code) ? 3 : 2;
}

export function isAmountMinor(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Formatters by locale and currency: building one costs far more than formatting with it (ICU loads the locale's data). */
const currencyFormats = new Map<string, Intl.NumberFormat>();
const MAX_CURRENCY_FORMATS = 256;

function currencyFormat(locale: string, currency: CurrencyCode, exponent: number): Intl.NumberFormat {
  const key = `${locale} ${currency}`;
  let format = currencyFormats.get(key);
  if (format === undefined) {
    // The digits are ISO 4217's, not ICU's (which would round IDR to whole rupiah).
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    if (currencyFormats.size >= MAX_CURRENCY_FORMATS) currencyFormats.clear();
    currencyFormats.set(key, format);
  }
  return format;
}

/** Formats for people, at the edge only: `formatMinor(1299, 'EUR')` is `€12.99`. */
export function formatMinor(amountMinor: number, currency: CurrencyCode, locale = 'en'): string {
  const exponent = minorUnitExponent(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  // Intl formats a decimal string exactly (no float rounding) since ES2023.
  return currencyFormat(locale, currency, exponent).format(`${sign}${major}` as unknown as number);
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
