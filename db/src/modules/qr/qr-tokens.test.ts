import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { QrTokenCodec, type QrPayload } from './qr-tokens.ts';

const codec = new QrTokenCodec('a-test-qr-signing-secret-of-enough-length');
const issuedAtSeconds = 1_795_000_000;

const examples: QrPayload[] = [
  { type: 'shop', merchantId: newId(), shopId: newId(), issuedAtSeconds },
  { type: 'shop', merchantId: newId(), shopId: newId(), issuedAtSeconds, expiresAtSeconds: issuedAtSeconds + 60 },
  { type: 'product', merchantId: newId(), shopId: newId(), productId: newId(), issuedAtSeconds },
  { type: 'table', merchantId: newId(), shopId: newId(), table: 'Terrace 12 🌿', issuedAtSeconds },
  { type: 'order', merchantId: newId(), shopId: newId(), orderId: newId(), issuedAtSeconds, expiresAtSeconds: issuedAtSeconds + 900 },
  { type: 'payment_code', shopperId: newId(), nonce: 'AAECAwQFBgcICQoLDA0ODw', issuedAtSeconds, expiresAtSeconds: issuedAtSeconds + 60 },
];

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('QR tokens', () => {
  it('carry every type of payload through signing and decoding unchanged', () => {
    for (const payload of examples) expect(codec.decode(codec.sign(payload))).toEqual(payload);
  });

  it('stay compact: a shop code is 102 characters of base64url', () => {
    const token = codec.sign(examples[0]!);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).toHaveLength(102);
  });

  it('carry any table label of 1..40 characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (label) => {
        fc.pre(Buffer.byteLength(label) <= 160);
        const payload: QrPayload = { type: 'table', merchantId: newId(), shopId: newId(), table: label, issuedAtSeconds };
        expect(codec.decode(codec.sign(payload))).toEqual(payload);
      }),
    );
  });

  it('are refused as qr_tampered when any byte changes, when cut short, or when signed with another secret', () => {
    const token = codec.sign(examples[3]!);
    const bytes = Buffer.from(token, 'base64url');
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (position, flip) => {
        const altered = Buffer.from(bytes);
        altered[position] = altered[position]! ^ flip;
        expect(codeOf(() => codec.decode(altered.toString('base64url')))).toBe('qr_tampered');
      }),
    );
    expect(codeOf(() => codec.decode(token.slice(0, -1)))).toBe('qr_tampered');
    expect(codeOf(() => codec.decode(token.slice(0, 40)))).toBe('qr_tampered');
    expect(codeOf(() => codec.decode(`${token}A`))).toBe('qr_tampered');
    // A shop code has 4 unused bits in its last character: flipping them must not give a second valid spelling.
    const shopToken = codec.sign(examples[0]!);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = `${shopToken.slice(0, -1)}${alphabet[alphabet.indexOf(shopToken.at(-1)!) ^ 1]}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(shopToken, 'base64url'));
    expect(codeOf(() => codec.decode(respelled))).toBe('qr_tampered');
    expect(codeOf(() => codec.decode('not a token!'))).toBe('qr_tampered');
    expect(codeOf(() => codec.decode(''))).toBe('qr_tampered');
    const foreign = new QrTokenCodec('another-secret-that-is-long-enough-too').sign(examples[0]!);
    expect(codeOf(() => codec.decode(foreign))).toBe('qr_tampered');
  });

  it('refuse to sign a payload that breaks its type layout', () => {
    const base = { merchantId: newId(), shopId: newId(), issuedAtSeconds };
    expect(() => codec.sign({ type: 'order', ...base, orderId: newId() } as unknown as QrPayload)).toThrow(/needs expiresAtSeconds/);
    expect(() => codec.sign({ type: 'shop', ...base, productId: newId() } as unknown as QrPayload)).toThrow(/carries no productId/);
    expect(() => codec.sign({ type: 'shop', ...base, shopId: 'not-a-uuid' })).toThrow(/must be a UUID/);
    expect(() => codec.sign({ type: 'table', ...base, table: 'x'.repeat(161) })).toThrow(/bytes/);
  });
});
