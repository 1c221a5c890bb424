import { describe, expect, it } from 'vitest';
import { assertSameRequest, IdempotencyKeyReusedError, IdempotencyRaceLost, runIdempotent, type EarlierRequest } from './idempotency.ts';

/** The helper's own rules, with an in-memory record store standing in for a table keyed by (owner, key). */
function store<Result>() {
  const records = new Map<string, EarlierRequest<Result>>();
  return {
    records,
    find: async (key: string) => records.get(key) ?? null,
    save(key: string, request: Record<string, unknown>, result: Result) {
      records.set(key, { request, answer: async () => result });
    },
  };
}

describe('assertSameRequest', () => {
  it('accepts the same request, treating absent and null alike', () => {
    expect(() => assertSameRequest({ amountMinor: 500, note: null }, { amountMinor: 500 })).not.toThrow();
  });

  it('names the first field that differs in a 409', () => {
    let thrown: unknown;
    try {
      assertSameRequest({ amountMinor: 500, currency: 'EUR' }, { amountMinor: 500, currency: 'USD' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(thrown).toMatchObject({ type: 'conflict', code: 'idempotency_key_reused', fields: { currency: expect.any(String) } });
  });
});

describe('runIdempotent', () => {
  it('runs the work once per key and answers the retry with the first result', async () => {
    const records = store<string>();
    let performed = 0;
    const run = () =>
      runIdempotent({
        key: 'k1',
        request: { amountMinor: 1 },
        find: records.find,
        perform: async () => {
          performed += 1;
          records.save('k1', { amountMinor: 1 }, 'first');
          return 'first';
        },
      });
    expect(await run()).toEqual({ result: 'first', replayed: false });
    expect(await run()).toEqual({ result: 'first', replayed: true });
    expect(performed).toBe(1);
  });

  it('refuses the key with another body, without running the work', async () => {
    const records = store<string>();
    records.save('k2', { amountMinor: 1 }, 'first');
    let performed = false;
    const attempt = runIdempotent({ key: 'k2', request: { amountMinor: 2 }, find: records.find, perform: async () => ((performed = true), 'second') });
    await expect(attempt).rejects.toMatchObject({ code: 'idempotency_key_reused', fields: { amountMinor: expect.any(String) } });
    expect(performed).toBe(false);
  });

  it('answers with the twin that won the race, waiting for its commit', async () => {
    const records = store<string>();
    // The twin commits 120 ms after this request lost the insert race.
    setTimeout(() => records.save('k3', { amountMinor: 1 }, 'twin'), 120);
    const outcome = await runIdempotent({
      key: 'k3',
      request: { amountMinor: 1 },
      find: records.find,
      perform: async () => {
        throw new IdempotencyRaceLost();
      },
    });
    expect(outcome).toEqual({ result: 'twin', replayed: true });
  });

  it("throws the request's own error as it is, even when its record exists (a top-up Stripe refused is not replayed to itself)", async () => {
    const records = store<string>();
    const refusal = new Error('amount too small');
    const attempt = runIdempotent({
      key: 'k4',
      request: { amountMinor: 1 },
      find: records.find,
      perform: async () => {
        records.save('k4', { amountMinor: 1 }, 'failed top-up');
        throw refusal;
      },
    });
    await expect(attempt).rejects.toBe(refusal);
  });

  it('runs unguarded without a key (checkout only)', async () => {
    let performed = 0;
    const run = () => runIdempotent({ key: null, request: {}, find: async () => null, perform: async () => ++performed });
    await run();
    await run();
    expect(performed).toBe(2);
  });
});
