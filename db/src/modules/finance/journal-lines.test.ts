import { describe, expect, it } from 'vitest';
import { decimalFromMinor } from '../../money.ts';
import { JOURNAL_COLUMNS, journalLines, type JournalTransferRow } from './journal-lines.ts';

const row: JournalTransferRow = {
  id: '0195f0a0-0000-7000-8000-000000000001',
  sequence: 7,
  kind: 'post_pending',
  debit_account_id: 'a',
  credit_account_id: 'b',
  amount_minor: 1_05,
  currency: 'EUR',
  pending_id: '0195f0a0-0000-7000-8000-000000000002',
  timeout_seconds: 0,
  linked: true,
  reason: 'payout',
  reference_type: null,
  reference_id: null,
  corrects_id: null,
  metadata: { b: 1, a: { d: 2, c: 3 } },
  body_hash: 'body',
  previous_hash: 'previous',
  hash: 'hash',
  created_at: '2026-03-01T09:00:00.000Z',
  debit_kind: 'merchant_available',
  debit_owner_type: 'merchant',
  debit_owner_id: 'merchant',
  credit_kind: 'payouts_in_transit',
  credit_owner_type: 'platform',
  credit_owner_id: null,
};

describe('decimalFromMinor', () => {
  it('formats exactly from the integer, in the currency’s minor unit', () => {
    expect(decimalFromMinor(0, 'EUR')).toBe('0.00');
    expect(decimalFromMinor(5, 'EUR')).toBe('0.05');
    expect(decimalFromMinor(-5, 'EUR')).toBe('-0.05');
    expect(decimalFromMinor(1299, 'EUR')).toBe('12.99');
    expect(decimalFromMinor(1299, 'JPY')).toBe('1299');
    expect(decimalFromMinor(Number.MAX_SAFE_INTEGER, 'USD')).toBe('90071992547409.91');
  });
});

describe('journalLines', () => {
  it('gives a debit and a credit line with every column, in column order', () => {
    const [debit, credit] = journalLines(row);
    expect(Object.keys(debit)).toEqual([...JOURNAL_COLUMNS]);
    expect(Object.keys(credit)).toEqual([...JOURNAL_COLUMNS]);
    expect(debit).toMatchObject({ side: 'debit', account_id: 'a', account_kind: 'merchant_available', debit_minor: 105, credit_minor: 0, debit: '1.05', credit: '0.00' });
    expect(credit).toMatchObject({ side: 'credit', account_id: 'b', account_owner_id: null, debit_minor: 0, credit_minor: 105, debit: '0.00', credit: '1.05' });
    expect(JSON.stringify(debit.metadata)).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('writes IDR with the two decimals of ISO 4217 (ICU would say none), JPY and VND with none', () => {
    const [idrDebit, idrCredit] = journalLines({ ...row, currency: 'IDR', amount_minor: 1_500_050 });
    expect([idrDebit.debit, idrCredit.credit, idrDebit.amount]).toEqual(['15000.50', '15000.50', '15000.50']);
    expect(journalLines({ ...row, currency: 'VND', amount_minor: 1_500_050 })[0].amount).toBe('1500050');
  });

  it('puts no posted money on the lines of holds, voids and expiries', () => {
    for (const kind of ['pending', 'void_pending', 'expire_pending'] as const) {
      const [debit, credit] = journalLines({ ...row, kind });
      expect([debit.debit_minor, debit.credit_minor, credit.debit_minor, credit.credit_minor], kind).toEqual([0, 0, 0, 0]);
      expect(debit.amount_minor).toBe(105);
    }
  });
});
