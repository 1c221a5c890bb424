import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { logIn, signUp, type SessionAnswer } from '../../helpers/auth.ts';

let testApp: TestApp;
let owner: SessionAnswer;

// The production memory cost, so that a password check takes long enough to be seen beside a query.
beforeAll(async () => {
  testApp = await buildTestApp({ PASSWORD_HASH_MEMORY_KIB: '19456' });
  owner = await signUp(testApp.app);
});
afterAll(() => testApp.close());

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}

describe('login timing', () => {
  it('takes about as long for an unknown email as for a wrong password, so it does not reveal accounts', async () => {
    await logIn(testApp.app, 'warm-up@example.test');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 7; round += 1) {
      known.push(await timed(() => logIn(testApp.app, owner.user.email, 'wrong password')));
      unknown.push(await timed(() => logIn(testApp.app, `nobody.${round}@example.test`, 'wrong password')));
    }
    // Without the dummy check an unknown email would answer in a fraction of the time.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.6);
    expect(median(unknown)).toBeLessThan(median(known) * 1.6);
  });
});
