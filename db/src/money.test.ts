import * as iso4217 from 'dinero.js/currencies';
import { describe, expect, it } from 'vitest';
import { decimalFromMinor, formatMinor, minorUnitExponent, stripeAmountExponent, SUPPORTED_CURRENCIES, type CurrencyCode } from './money.ts';

/** ISO 4217's minor unit of every supported currency, written out so that a change to the table shows here. */
const EXPECTED: Record<CurrencyCode, { exponent: number; decimalOf123456: string }> = {
  EUR: { exponent: 2, decimalOf123456: '1234.56' },
  USD: { exponent: 2, decimalOf123456: '1234.56' },
  GBP: { exponent: 2, decimalOf123456: '1234.56' },
  CHF: { exponent: 2, decimalOf123456: '1234.56' },
  JPY: { exponent: 0, decimalOf123456: '123456' },
  CNY: { exponent: 2, decimalOf123456: '1234.56' },
  SGD: { exponent: 2, decimalOf123456: '1234.56' },
  IDR: { exponent: 2, decimalOf123456: '1234.56' },
  THB: { exponent: 2, decimalOf123456: '1234.56' },
  VND: { exponent: 0, decimalOf123456: '123456' },
};

describe('currency exponents', () => {
  it('lists an expectation for exactly the supported currencies', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...SUPPORTED_CURRENCIES].sort());
  });

  for (const currency of SUPPORTED_CURRENCIES) {
    it(`${currency} has ISO 4217's exponent ${EXPECTED[currency].exponent}, the same as dinero.js's ISO table and Stripe's amount`, () => {
      const { exponent, decimalOf123456 } = EXPECTED[currency];
      expect(minorUnitExponent(currency)).toBe(exponent);
      // A second, independently kept ISO 4217 table.
      expect(Number((iso4217 as Record<string, { exponent: number }>)[currency]!.exponent)).toBe(exponent);
      // Stripe's `amount` counts the same minor unit, so amounts go to Stripe unconverted.
      expect(stripeAmountExponent(currency)).toBe(exponent);
      expect(decimalFromMinor(123_456, currency)).toBe(decimalOf123456);
    });
  }

  it('does not follow ICU, which rounds IDR to whole rupiah', () => {
    expect(minorUnitExponent('IDR')).toBe(2);
    // Whatever this Node's ICU says, the formatted amount keeps ISO 4217's two digits.
    expect(formatMinor(150_050, 'IDR')).toContain('1,500.50');
  });

  it("knows Stripe's special cases outside the supported currencies", () => {
    expect(stripeAmountExponent('KRW')).toBe(0);
    expect(stripeAmountExponent('ugx')).toBe(0);
    expect(stripeAmountExponent('KWD')).toBe(3);
    expect(stripeAmountExponent('ISK')).toBe(2);
  });

  it('refuses a currency it does not support instead of guessing', () => {
    expect(() => minorUnitExponent('XXX' as CurrencyCode)).toThrow(RangeError);
  });
});
