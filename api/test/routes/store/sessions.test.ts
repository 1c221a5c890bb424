import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShopperSessionTokens } from '../../../../db/src/modules/shoppers/session-tokens.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createGuestShopper, createOperator } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../../helpers/staff.ts';

const BOT_TOKEN = '123456789:AAH-test-bot-token-for-minishop-tests';
const OTHER_BOT_TOKEN = '987654321:AAH-another-bot-token-not-ours-xyz';

/** initData exactly as Telegram builds it (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app). */
function telegramInitData(botToken: string, fields: Record<string, string>): string {
  const secretKey = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  const hash = createHmac('sha256', secretKey).update(dataCheckString).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}

function telegramFields(user: Record<string, unknown>, authDateSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { query_id: 'AAHdF6IQAAAAAN0XohDhrOrc', user: JSON.stringify(user), auth_date: String(authDateSeconds), signature: 'c2lnbmF0dXJl' };
}

/** An HS256 JWT built by hand, as a host chat's backend would. */
function hostToken(secret: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

let testApp: TestApp;

beforeAll(async () => {
  testApp = await buildTestApp({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: '3600' });
});
afterAll(() => testApp.close());

async function counts() {
  const { rows } = await testApp.database.pool.query(
    'select (select count(*)::int from shopper) as shoppers, (select count(*)::int from shopper_identity) as identities',
  );
  return rows[0] as { shoppers: number; identities: number };
}

function startSession(payload: Record<string, unknown>) {
  return testApp.app.inject({ method: 'POST', url: '/api/store/sessions', payload });
}

describe('POST /api/store/sessions with Telegram initData', () => {
  const ada = { id: 424242, first_name: 'Ada', last_name: 'Lovelace', username: 'ada', language_code: 'en' };

  it('signs a Telegram user in and answers the session with their name', async () => {
    const response = await startSession({ provider: 'telegram', initData: telegramInitData(BOT_TOKEN, telegramFields(ada)) });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({ accessToken: expect.any(String), expiresInSeconds: testApp.config.shoppers.sessionTtlSeconds, shopper: { id: expect.any(String), displayName: 'Ada Lovelace' } });
    const { rows } = await testApp.database.pool.query('select shopper_id, subject, chat_host_id from shopper_identity where provider = $1', ['telegram']);
    expect(rows).toEqual([{ shopper_id: body.shopper.id, subject: '424242', chat_host_id: null }]);
  });

  it('signs the same Telegram user in as the same shopper and keeps their name current', async () => {
    const first = (await startSession({ provider: 'telegram', initData: telegramInitData(BOT_TOKEN, telegramFields(ada)) })).json();
    const renamed = await startSession({ provider: 'telegram', initData: telegramInitData(BOT_TOKEN, telegramFields({ ...ada, last_name: 'King' })) });
    expect(renamed.statusCode).toBe(201);
    expect(renamed.json().shopper).toEqual({ id: first.shopper.id, displayName: 'Ada King' });
    expect(await counts()).toMatchObject({ shoppers: 1, identities: 1 });
  });

  it('refuses tampered initData with 401 telegram_signature_invalid and creates nothing', async () => {
    const before = await counts();
    const genuine = telegramInitData(BOT_TOKEN, telegramFields({ id: 777, first_name: 'Mallory' }));
    const tampered = new URLSearchParams(genuine);
    tampered.set('user', JSON.stringify({ id: 424242, first_name: 'Mallory' }));
    const response = await startSession({ provider: 'telegram', initData: tampered.toString() });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ type: 'unauthorized', code: 'telegram_signature_invalid' });
    expect(await counts()).toEqual(before);
  });

  it("refuses initData signed for another bot with 401 telegram_signature_invalid", async () => {
    const before = await counts();
    const response = await startSession({ provider: 'telegram', initData: telegramInitData(OTHER_BOT_TOKEN, telegramFields({ id: 778, first_name: 'Eve' })) });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('telegram_signature_invalid');
    expect(await counts()).toEqual(before);
  });

  it('refuses initData older than the maximum age with 401 telegram_init_data_expired', async () => {
    const before = await counts();
    const stale = telegramInitData(BOT_TOKEN, telegramFields({ id: 779, first_name: 'Old' }, nowSeconds() - 3601));
    const response = await startSession({ provider: 'telegram', initData: stale });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('telegram_init_data_expired');
    expect(await counts()).toEqual(before);
  });

  it('refuses initData without a hash, without a user, or without initData at all', async () => {
    const before = await counts();
    const noHash = await startSession({ provider: 'telegram', initData: new URLSearchParams(telegramFields({ id: 780, first_name: 'No' })).toString() });
    expect(noHash.statusCode).toBe(401);
    expect(noHash.json().code).toBe('telegram_init_data_malformed');
    const { user: _user, ...withoutUser } = telegramFields({ id: 781 });
    const noUser = await startSession({ provider: 'telegram', initData: telegramInitData(BOT_TOKEN, withoutUser) });
    expect(noUser.statusCode).toBe(401);
    expect(noUser.json().code).toBe('telegram_user_missing');
    const missing = await startSession({ provider: 'telegram' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual({ initData: 'is required for provider telegram' });
    expect(await counts()).toEqual(before);
  });

  it('answers 422 provider_disabled when no bot token is configured', async () => {
    const withoutBot = await buildTestApp({ TELEGRAM_BOT_TOKEN: '' });
    try {
      const response = await withoutBot.app.inject({
        method: 'POST',
        url: '/api/store/sessions',
        payload: { provider: 'telegram', initData: telegramInitData(BOT_TOKEN, telegramFields(ada)) },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ type: 'business_rule', code: 'provider_disabled' });
      const { rows } = await withoutBot.database.pool.query('select count(*)::int as count from shopper');
      expect(rows[0].count).toBe(0);
    } finally {
      await withoutBot.close();
    }
  });
});

describe('POST /api/store/sessions with a host chat token', () => {
  const secret = 'host-secret-'.padEnd(48, 'x');
  let hostId: string;
  let operatorHeaders: { authorization: string };

  beforeAll(async () => {
    operatorHeaders = (await createOperator(testApp.app)).headers;
    const created = await testApp.app.inject({ method: 'POST', url: '/api/admin/operator/chat-hosts', headers: operatorHeaders, payload: { name: 'Lotus Chat', secret } });
    expect(created.statusCode).toBe(201);
    hostId = created.json().id;
  });

  it('signs a host user in as one shopper per (host, sub), named by the token', async () => {
    const token = hostToken(secret, { sub: 'user-17', name: 'Grace Hopper', exp: nowSeconds() + 300 });
    const first = await startSession({ provider: 'host', hostId, token });
    expect(first.statusCode).toBe(201);
    expect(first.json().shopper.displayName).toBe('Grace Hopper');
    const again = await startSession({ provider: 'host', hostId, token: hostToken(secret, { sub: 'user-17', exp: nowSeconds() + 300 }) });
    expect(again.json().shopper).toEqual(first.json().shopper);

    const otherSecret = 'other-host-secret-'.padEnd(40, 'y');
    const otherHost = (
      await testApp.app.inject({ method: 'POST', url: '/api/admin/operator/chat-hosts', headers: operatorHeaders, payload: { name: 'Other Chat', secret: otherSecret } })
    ).json();
    const sameSubElsewhere = await startSession({ provider: 'host', hostId: otherHost.id, token: hostToken(otherSecret, { sub: 'user-17', exp: nowSeconds() + 300 }) });
    expect(sameSubElsewhere.statusCode).toBe(201);
    expect(sameSubElsewhere.json().shopper.id).not.toBe(first.json().shopper.id);
  });

  it('refuses an expired token, a token signed with another key, alg none and a token without exp, creating nothing', async () => {
    const before = await counts();
    const cases: [string, string][] = [
      [hostToken(secret, { sub: 'user-18', exp: nowSeconds() - 120 }), 'host_token_expired'],
      [hostToken('not-the-host-secret-'.padEnd(40, 'z'), { sub: 'user-18', exp: nowSeconds() + 300 }), 'host_token_invalid'],
      [hostToken(secret, { sub: 'user-18', exp: nowSeconds() + 300 }, { alg: 'none', typ: 'JWT' }).split('.').slice(0, 2).join('.') + '.', 'host_token_invalid'],
      [hostToken(secret, { sub: 'user-18', exp: nowSeconds() + 300 }, { alg: 'HS512', typ: 'JWT' }), 'host_token_invalid'],
      [hostToken(secret, { sub: 'user-18' }), 'host_token_invalid'],
      [hostToken(secret, { sub: 42, exp: nowSeconds() + 300 }), 'host_token_invalid'],
      ['not-a-jwt', 'host_token_invalid'],
    ];
    for (const [token, code] of cases) {
      const response = await startSession({ provider: 'host', hostId, token });
      expect(response.statusCode, code).toBe(401);
      expect(response.json().code, token).toBe(code);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses tokens of a suspended host and of an unknown host', async () => {
    const suspended = (
      await testApp.app.inject({ method: 'POST', url: '/api/admin/operator/chat-hosts', headers: operatorHeaders, payload: { name: 'Suspended Chat', secret, status: 'suspended' } })
    ).json();
    const before = await counts();
    const token = hostToken(secret, { sub: 'user-19', exp: nowSeconds() + 300 });
    const refused = await startSession({ provider: 'host', hostId: suspended.id, token });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('chat_host_suspended');
    const unknown = await startSession({ provider: 'host', hostId: '00000000-0000-7000-8000-000000000000', token });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('chat_host_unknown');
    const missing = await startSession({ provider: 'host', token });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual({ hostId: 'is required for provider host' });
    expect(await counts()).toEqual(before);
  });
});

describe('POST /api/store/sessions as a guest', () => {
  it('binds a guest to its device: the same device id is the same shopper, another is another', async () => {
    const deviceId = randomBytes(16).toString('base64url');
    const first = await createGuestShopper(testApp.app, deviceId);
    const again = await createGuestShopper(testApp.app, deviceId);
    const elsewhere = await createGuestShopper(testApp.app);
    expect(again.shopperId).toBe(first.shopperId);
    expect(elsewhere.shopperId).not.toBe(first.shopperId);
    const { rows } = await testApp.database.pool.query('select subject from shopper_identity where shopper_id = $1', [first.shopperId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].subject).not.toContain(deviceId);
    expect(rows[0].subject).toMatch(/^[0-9a-f]{64}$/);
  });

  it('creates exactly one shopper when one new device signs in many times at once', async () => {
    const deviceId = randomBytes(16).toString('base64url');
    const sessions = await Promise.all(Array.from({ length: 8 }, () => createGuestShopper(testApp.app, deviceId)));
    expect(new Set(sessions.map((session) => session.shopperId)).size).toBe(1);
    const { rows } = await testApp.database.pool.query('select count(*)::int as count from shopper_identity where shopper_id = $1', [sessions[0]!.shopperId]);
    expect(rows[0].count).toBe(1);
  });

  it('refuses a short or strange device id, an unknown provider and unknown fields with 400 naming them', async () => {
    const before = await counts();
    for (const [payload, field] of [
      [{ provider: 'guest', deviceId: 'short' }, 'deviceId'],
      [{ provider: 'guest', deviceId: 'has spaces in it and is long enough' }, 'deviceId'],
      [{ provider: 'guest' }, 'deviceId'],
      [{ provider: 'facebook', deviceId: randomBytes(16).toString('hex') }, 'provider'],
    ] as const) {
      const response = await startSession(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(response.json().errors), JSON.stringify(payload)).toContain(field);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('shopper session tokens', () => {
  it('open shopper routes and say who is signed in', async () => {
    const guest = await createGuestShopper(testApp.app);
    const response = await testApp.app.inject({ method: 'GET', url: '/api/store/sessions/current', headers: guest.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ shopper: { id: guest.shopperId, displayName: 'Guest' }, provider: 'guest' });
  });

  it('are required on shopper routes: none, malformed, forged or expired answer 401', async () => {
    const guest = await createGuestShopper(testApp.app);
    const expired = (await new ShopperSessionTokens(testApp.config.auth.jwtSecret, 60).issue(guest.shopperId, 'guest', nowSeconds() - 120)).accessToken;
    for (const [headers, code] of [
      [{}, 'missing_token'],
      [{ authorization: `Token ${guest.accessToken}` }, 'malformed_authorization'],
      [{ authorization: `Bearer ${guest.accessToken.slice(0, -2)}xx` }, 'invalid_shopper_token'],
      [{ authorization: `Bearer ${expired}` }, 'invalid_shopper_token'],
    ] as const) {
      const response = await testApp.app.inject({ method: 'GET', url: '/api/store/sessions/current', headers });
      expect(response.statusCode, code).toBe(401);
      expect(response.json().code).toBe(code);
    }
  });

  it('and staff tokens never pass as each other', async () => {
    const guest = await createGuestShopper(testApp.app);
    const owner = await createMerchantWithStaff(testApp.app, 'owner');
    const shopperOnAdmin = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: guest.headers });
    expect(shopperOnAdmin.statusCode).toBe(401);
    expect(shopperOnAdmin.json().type).toBe('unauthorized');
    const staffOnStore = await testApp.app.inject({ method: 'GET', url: '/api/store/sessions/current', headers: owner.headers });
    expect(staffOnStore.statusCode).toBe(401);
    expect(staffOnStore.json().code).toBe('invalid_shopper_token');
    const operator = await createOperator(testApp.app);
    const operatorOnStore = await testApp.app.inject({ method: 'GET', url: '/api/store/sessions/current', headers: operator.headers });
    expect(operatorOnStore.statusCode).toBe(401);
  });
});
