import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TelegramInitDataError, verifyTelegramInitData, type TelegramInitDataFailure } from './telegram-init-data.ts';

const botToken = '5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8';
const nowSeconds = 1_795_000_000;

/** Built the way Telegram documents it, independently of the code under test. */
function initData(fields: Record<string, string>, token = botToken): string {
  const secretKey = createHmac('sha256', 'WebAppData').update(token).digest();
  const dataCheckString = Object.entries(fields)
    .sort(([left], [right]) => (left < right ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  return new URLSearchParams({ ...fields, hash: createHmac('sha256', secretKey).update(dataCheckString).digest('hex') }).toString();
}

function failureOf(text: string, maxAgeSeconds = 86_400): TelegramInitDataFailure | undefined {
  try {
    verifyTelegramInitData(text, botToken, { maxAgeSeconds, nowSeconds });
  } catch (error) {
    if (error instanceof TelegramInitDataError) return error.failure;
    throw error;
  }
  return undefined;
}

const user = JSON.stringify({ id: 279058397, first_name: 'Vladislav', last_name: 'Kibenko', username: 'vdkfrost', language_code: 'ru', is_premium: true });

describe('Telegram initData', () => {
  it('verifies genuine data and reads the user from it', () => {
    const verified = verifyTelegramInitData(initData({ user, auth_date: String(nowSeconds - 5), query_id: 'AAHdF6IQ', chat_instance: '-1' }), botToken, {
      maxAgeSeconds: 60,
      nowSeconds,
    });
    expect(verified).toEqual({
      authDateSeconds: nowSeconds - 5,
      user: { id: 279058397, firstName: 'Vladislav', lastName: 'Kibenko', username: 'vdkfrost', languageCode: 'ru' },
    });
  });

  it('sorts by key, so keys that prefix each other (a, a1) check as Telegram signs them', () => {
    expect(failureOf(initData({ user, auth_date: String(nowSeconds), a: '1', a1: '2', a_b: '3' }))).toBeUndefined();
  });

  it('refuses altered fields, another bot, a missing or odd hash, stale and future data', () => {
    const genuine = new URLSearchParams(initData({ user, auth_date: String(nowSeconds) }));
    const altered = new URLSearchParams(genuine);
    altered.set('auth_date', String(nowSeconds + 1));
    expect(failureOf(altered.toString())).toBe('signature');
    const added = new URLSearchParams(genuine);
    added.append('start_param', 'free-stuff');
    expect(failureOf(added.toString())).toBe('signature');
    expect(failureOf(initData({ user, auth_date: String(nowSeconds) }, '1:another-bot-token-entirely-000000'))).toBe('signature');
    const withoutHash = new URLSearchParams(genuine);
    withoutHash.delete('hash');
    expect(failureOf(withoutHash.toString())).toBe('malformed');
    expect(failureOf(genuine.toString().replace(/hash=[0-9a-f]+/, 'hash=XYZ'))).toBe('malformed');
    expect(failureOf(initData({ user, auth_date: String(nowSeconds - 61) }), 60)).toBe('expired');
    expect(failureOf(initData({ user, auth_date: String(nowSeconds - 60) }), 60)).toBeUndefined();
    expect(failureOf(initData({ user, auth_date: String(nowSeconds + 3600) }))).toBe('malformed');
    expect(failureOf('')).toBe('malformed');
  });

  it('refuses signed data without a usable user', () => {
    expect(failureOf(initData({ auth_date: String(nowSeconds) }))).toBe('user_missing');
    expect(failureOf(initData({ auth_date: String(nowSeconds), user: '{"first_name":"No id"}' }))).toBe('user_missing');
    expect(failureOf(initData({ auth_date: String(nowSeconds), user: 'not json' }))).toBe('malformed');
  });
});
