import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { DomainError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { connectRedis, createRedis } from '../../redis.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import { QrService } from './qr.service.ts';

let environment: TestEnvironment;
let redis: Redis;
let nowMs = 1_795_000_000_000;
let qr: QrService;

beforeAll(async () => {
  environment = await createTestEnvironment();
  redis = await connectRedis(createRedis(environment.config), environment.config.redis.url);
  qr = new QrService(environment.database, redis, environment.config, () => nowMs);
});
afterAll(async () => {
  redis.disconnect();
  await environment.cleanup();
});

async function codeOf(action: () => unknown): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('QrService', () => {
  it('verifies a code of the expected type and stamps it with the time of signing', () => {
    const token = qr.sign({ type: 'order', merchantId: newId(), shopId: newId(), orderId: newId(), expiresAtSeconds: nowMs / 1000 + 900 });
    const payload = qr.verify(token, { expectedType: 'order' });
    expect(payload).toMatchObject({ type: 'order', issuedAtSeconds: nowMs / 1000 });
  });

  it('refuses a code of another type with qr_wrong_type, before looking at its expiry', async () => {
    const token = qr.sign({ type: 'payment_code', shopperId: newId(), expiresAtSeconds: nowMs / 1000 - 1 });
    expect(await codeOf(() => qr.verify(token, { expectedType: ['shop', 'product', 'table'] }))).toBe('qr_wrong_type');
  });

  it('refuses a code at and after its expiry with qr_expired; static codes without expiry never expire', async () => {
    const expiresAtSeconds = nowMs / 1000 + 60;
    const token = qr.sign({ type: 'payment_code', shopperId: newId(), expiresAtSeconds });
    expect(qr.verify(token, { expectedType: 'payment_code' }).expiresAtSeconds).toBe(expiresAtSeconds);
    const staticToken = qr.sign({ type: 'shop', merchantId: newId(), shopId: newId() });
    nowMs += 60_000;
    expect(await codeOf(() => qr.verify(token, { expectedType: 'payment_code' }))).toBe('qr_expired');
    nowMs += 10 * 365 * 86_400_000;
    expect(qr.verify(staticToken, { expectedType: 'shop' }).type).toBe('shop');
  });

  it('gives single-use codes a random nonce and accepts each code once only, with qr_already_used after', async () => {
    const shopperId = newId();
    const first = qr.verify(qr.sign({ type: 'payment_code', shopperId, expiresAtSeconds: nowMs / 1000 + 60 }), { expectedType: 'payment_code' });
    const second = qr.verify(qr.sign({ type: 'payment_code', shopperId, expiresAtSeconds: nowMs / 1000 + 60 }), { expectedType: 'payment_code' });
    expect(first.nonce).not.toBe(second.nonce);

    const attempts = await Promise.all(Array.from({ length: 5 }, () => codeOf(() => qr.consumeOnce(first))));
    expect(attempts.filter((code) => code === undefined)).toHaveLength(1);
    expect(attempts.filter((code) => code === 'qr_already_used')).toHaveLength(4);
    expect(await codeOf(() => qr.consumeOnce(second))).toBeUndefined();

    const ttlSeconds = await redis.ttl(`qr:used:payment_code:${first.nonce}`);
    expect(ttlSeconds).toBeGreaterThan(55);
    expect(ttlSeconds).toBeLessThanOrEqual(61);
  });

  it('does not treat a static code as single-use', async () => {
    const payload = qr.verify(qr.sign({ type: 'shop', merchantId: newId(), shopId: newId() }), { expectedType: 'shop' });
    await expect(qr.consumeOnce(payload)).rejects.toThrow(TypeError);
  });
});
