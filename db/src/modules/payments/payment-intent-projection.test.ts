import { describe, expect, it } from 'vitest';
import { supersedes } from './payment-intent-projection.ts';

const at = (seconds: number) => new Date(seconds * 1000);

describe('which payment intent event wins', () => {
  it('takes a newer event over an older one', () => {
    expect(supersedes({ status: 'requires_payment_method', eventCreatedAt: at(100) }, { status: 'processing', eventCreatedAt: at(101) })).toBe(true);
    expect(supersedes({ status: 'processing', eventCreatedAt: at(100) }, { status: 'requires_payment_method', eventCreatedAt: at(101) })).toBe(true);
  });

  it('ignores an older event delivered late', () => {
    expect(supersedes({ status: 'requires_action', eventCreatedAt: at(200) }, { status: 'processing', eventCreatedAt: at(150) })).toBe(false);
  });

  it('never leaves succeeded or canceled, whatever the timestamps say', () => {
    expect(supersedes({ status: 'succeeded', eventCreatedAt: at(100) }, { status: 'processing', eventCreatedAt: at(500) })).toBe(false);
    expect(supersedes({ status: 'canceled', eventCreatedAt: at(100) }, { status: 'requires_payment_method', eventCreatedAt: at(500) })).toBe(false);
  });

  it('breaks a tie within the same second by how far along the payment is', () => {
    expect(supersedes({ status: 'requires_payment_method', eventCreatedAt: at(100) }, { status: 'succeeded', eventCreatedAt: at(100) })).toBe(true);
    expect(supersedes({ status: 'processing', eventCreatedAt: at(100) }, { status: 'requires_payment_method', eventCreatedAt: at(100) })).toBe(false);
  });
});
