import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createOperator } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../../helpers/staff.ts';

let testApp: TestApp;
let operatorHeaders: { authorization: string };

beforeAll(async () => {
  testApp = await buildTestApp();
  operatorHeaders = (await createOperator(testApp.app)).headers;
});
afterAll(() => testApp.close());

const url = '/api/admin/operator/chat-hosts';

function hostToken(secret: string, sub: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, exp: Math.floor(Date.now() / 1000) + 300 })}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

async function hostCount(): Promise<number> {
  const { rows } = await testApp.database.pool.query('select count(*)::int as count from chat_host');
  return rows[0].count;
}

describe('/api/admin/operator/chat-hosts', () => {
  it('registers a host with a generated secret shown once, then lists and shows it without the secret', async () => {
    const created = await testApp.app.inject({ method: 'POST', url, headers: operatorHeaders, payload: { name: 'Lotus Chat' } });
    expect(created.statusCode).toBe(201);
    const host = created.json();
    expect(host).toMatchObject({ name: 'Lotus Chat', status: 'active', secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });

    const shown = await testApp.app.inject({ method: 'GET', url: `${url}/${host.id}`, headers: operatorHeaders });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({ id: host.id, name: 'Lotus Chat', status: 'active', notificationUrl: null, createdAt: host.createdAt, updatedAt: host.updatedAt });

    const list = await testApp.app.inject({ method: 'GET', url: `${url}?filter={"q":"lotus"}&range=[0,9]`, headers: operatorHeaders });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-range']).toBe('chat-hosts 0-0/1');
    expect(list.json()[0]).not.toHaveProperty('secret');
    const { rows } = await testApp.database.pool.query('select secret from chat_host where id = $1', [host.id]);
    expect(rows[0].secret).toBe(host.secret);
  });

  it('accepts a secret chosen by the operator and refuses one shorter than 32 characters', async () => {
    const chosen = 'a-secret-the-host-already-has-0123456789';
    const created = await testApp.app.inject({ method: 'POST', url, headers: operatorHeaders, payload: { name: 'Own Key Chat', secret: chosen } });
    expect(created.statusCode).toBe(201);
    expect(created.json().secret).toBe(chosen);

    const before = await hostCount();
    const short = await testApp.app.inject({ method: 'POST', url, headers: operatorHeaders, payload: { name: 'Weak Chat', secret: 'too-short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toHaveProperty('secret');
    const nameless = await testApp.app.inject({ method: 'POST', url, headers: operatorHeaders, payload: { name: '' } });
    expect(nameless.statusCode).toBe(400);
    expect(nameless.json().errors).toHaveProperty('name');
    expect(await hostCount()).toBe(before);
  });

  it('suspends a host and re-keys it: tokens under the old key stop working at once', async () => {
    const oldSecret = 'old-secret-'.padEnd(40, 'o');
    const newSecret = 'new-secret-'.padEnd(40, 'n');
    const host = (await testApp.app.inject({ method: 'POST', url, headers: operatorHeaders, payload: { name: 'Rekey Chat', secret: oldSecret } })).json();
    const signIn = (secret: string) =>
      testApp.app.inject({ method: 'POST', url: '/api/store/sessions', payload: { provider: 'host', hostId: host.id, token: hostToken(secret, 'user-1') } });
    expect((await signIn(oldSecret)).statusCode).toBe(201);

    const rekeyed = await testApp.app.inject({ method: 'PUT', url: `${url}/${host.id}`, headers: operatorHeaders, payload: { secret: newSecret } });
    expect(rekeyed.statusCode).toBe(200);
    expect(rekeyed.json()).not.toHaveProperty('secret');
    expect((await signIn(oldSecret)).json().code).toBe('host_token_invalid');
    expect((await signIn(newSecret)).statusCode).toBe(201);

    const suspended = await testApp.app.inject({ method: 'PUT', url: `${url}/${host.id}`, headers: operatorHeaders, payload: { status: 'suspended', name: 'Rekey Chat (paused)' } });
    expect(suspended.json()).toMatchObject({ status: 'suspended', name: 'Rekey Chat (paused)' });
    expect((await signIn(newSecret)).json().code).toBe('chat_host_suspended');
  });

  it('refuses a bad status with 400 and changes nothing', async () => {
    const host = (await testApp.app.inject({ method: 'POST', url, headers: operatorHeaders, payload: { name: 'Steady Chat' } })).json();
    const response = await testApp.app.inject({ method: 'PUT', url: `${url}/${host.id}`, headers: operatorHeaders, payload: { status: 'deleted', name: 'Changed' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toHaveProperty('status');
    const { rows } = await testApp.database.pool.query('select name, status from chat_host where id = $1', [host.id]);
    expect(rows[0]).toEqual({ name: 'Steady Chat', status: 'active' });
  });

  it('answers 404 for an unknown host', async () => {
    const missing = '00000000-0000-7000-8000-000000000001';
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/${missing}`, headers: operatorHeaders })).statusCode).toBe(404);
    expect((await testApp.app.inject({ method: 'PUT', url: `${url}/${missing}`, headers: operatorHeaders, payload: { name: 'x' } })).statusCode).toBe(404);
  });

  it('is for operators only: merchant staff get 403, anonymous callers 401', async () => {
    const owner = await createMerchantWithStaff(testApp.app, 'owner');
    const before = await hostCount();
    const forbidden = await testApp.app.inject({ method: 'POST', url, headers: owner.headers, payload: { name: 'Sneaky Chat' } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('operator_only');
    expect((await testApp.app.inject({ method: 'GET', url, headers: owner.headers })).statusCode).toBe(403);
    expect((await testApp.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect(await hostCount()).toBe(before);
  });

  it('sets where a host takes notifications: the first URL and each rotation answer a new notification secret once', async () => {
    const host = (await testApp.app.inject({ method: 'POST', url, headers: operatorHeaders, payload: { name: 'Notified Chat' } })).json();
    expect(host.notificationUrl).toBeNull();
    expect(host).not.toHaveProperty('notificationSecret');

    const set = await testApp.app.inject({ method: 'PUT', url: `${url}/${host.id}`, headers: operatorHeaders, payload: { notificationUrl: 'https://chat.example.com/minishop/notify' } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ notificationUrl: 'https://chat.example.com/minishop/notify', notificationSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const renamed = await testApp.app.inject({ method: 'PUT', url: `${url}/${host.id}`, headers: operatorHeaders, payload: { name: 'Notified Chat 2' } });
    expect(renamed.json()).not.toHaveProperty('notificationSecret');
    const rotated = await testApp.app.inject({ method: 'PUT', url: `${url}/${host.id}`, headers: operatorHeaders, payload: { rotateNotificationSecret: true } });
    expect(rotated.json().notificationSecret).toEqual(expect.any(String));
    expect(rotated.json().notificationSecret).not.toBe(set.json().notificationSecret);
    const { rows } = await testApp.database.pool.query('select notification_secret from chat_host where id = $1', [host.id]);
    expect(rows[0].notification_secret).toBe(rotated.json().notificationSecret);

    const refused = await testApp.app.inject({ method: 'PUT', url: `${url}/${host.id}`, headers: operatorHeaders, payload: { notificationUrl: 'http://chat.example.com/notify' } });
    expect(refused.statusCode).toBe(400);
    expect(Object.keys(refused.json().errors)).toEqual(['notificationUrl']);
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/${host.id}`, headers: operatorHeaders })).json().notificationUrl).toBe('https://chat.example.com/minishop/notify');
    const cleared = await testApp.app.inject({ method: 'PUT', url: `${url}/${host.id}`, headers: operatorHeaders, payload: { notificationUrl: null } });
    expect(cleared.json().notificationUrl).toBeNull();
  });
});
