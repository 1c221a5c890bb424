import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { ADDRESS_BOOK_LIMIT } from '../../../../db/src/modules/fulfilment/address-book.service.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createGuestShopper, type ShopperSession } from '../../helpers/shoppers.ts';

let testApp: TestApp;
let shopper: ShopperSession;
let stranger: ShopperSession;

beforeAll(async () => {
  testApp = await buildTestApp();
  shopper = await createGuestShopper(testApp.app);
  stranger = await createGuestShopper(testApp.app);
});
afterAll(() => testApp?.close());

const home = {
  recipient: 'Ada Lovelace',
  phone: '+49 30 1234567',
  line1: 'Invalidenstraße 116',
  line2: '3rd floor',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
  position: { latitude: 52.5311, longitude: 13.3845 },
};

function request(session: ShopperSession, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path = '', payload?: object) {
  return testApp.app.inject({ method, url: `/api/store/addresses${path}`, headers: session.headers, ...(payload ? { payload } : {}) });
}

async function addressRows(shopperId: string): Promise<number> {
  const { rows } = await testApp.database.pool.query<{ count: number }>('select count(*)::int as count from shopper_address where shopper_id = $1', [shopperId]);
  return rows[0]?.count ?? 0;
}

describe('the address book (/api/store/addresses)', () => {
  it('creates, lists, shows, changes and deletes an address of the signed-in shopper', async () => {
    const created = await request(shopper, 'POST', '', home);
    expect(created.statusCode).toBe(201);
    const address = created.json();
    expect(address).toMatchObject({ ...home, id: expect.any(String) });
    expect(address).not.toHaveProperty('shopperId');

    expect((await request(shopper, 'GET')).json().items).toEqual([address]);
    expect((await request(shopper, 'GET', `/${address.id}`)).json()).toEqual(address);

    const changed = await request(shopper, 'PUT', `/${address.id}`, { line2: '', position: null, postalCode: '10117' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ ...home, line2: '', position: null, postalCode: '10117' });

    const deleted = await request(shopper, 'DELETE', `/${address.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await request(shopper, 'GET')).json().items).toEqual([]);
    expect((await request(shopper, 'DELETE', `/${address.id}`)).statusCode).toBe(404);
  });

  it('refuses bad fields with 400 naming each one, and stores nothing', async () => {
    const cases: [object, string][] = [
      [{ ...home, phone: 'call me' }, 'phone'],
      [{ ...home, phone: '+49 1 000000' }, 'phone'],
      [{ ...home, phone: '12345' }, 'phone'],
      [{ ...home, country: 'de' }, 'country'],
      [{ ...home, country: 'ZZ' }, 'country'],
      [{ ...home, postalCode: '' }, 'postalCode'],
      [{ ...home, recipient: '   ' }, 'recipient'],
      [{ ...home, position: { latitude: 91, longitude: 0 } }, 'position.latitude'],
      [{ ...home, position: { latitude: 10 } }, 'position.longitude'],
      [{ ...home, line1: undefined }, 'line1'],
    ];
    for (const [payload, field] of cases) {
      const response = await request(shopper, 'POST', '', payload);
      expect(response.statusCode, field).toBe(400);
      expect(response.json().errors, field).toHaveProperty([field]);
    }
    const created = (await request(shopper, 'POST', '', home)).json();
    const badChange = await request(shopper, 'PUT', `/${created.id}`, { country: 'XX' });
    expect(badChange.statusCode).toBe(400);
    expect(badChange.json().errors).toEqual({ country: 'is not an ISO 3166-1 alpha-2 country code' });
    expect((await request(shopper, 'PUT', `/${created.id}`, {})).statusCode).toBe(400);
    expect((await request(shopper, 'GET', `/${created.id}`)).json()).toEqual(created);
    expect(await addressRows(shopper.shopperId)).toBe(1);
    await request(shopper, 'DELETE', `/${created.id}`);
  });

  it('reads a national phone number in the address country and keeps it in international format', async () => {
    const created = await request(shopper, 'POST', '', { ...home, phone: '030 1234567' });
    expect(created.statusCode).toBe(201);
    expect(created.json().phone).toBe('+49 30 1234567');
    const abroad = await request(shopper, 'PUT', `/${created.json().id}`, { phone: '+44 20 7946 0000' });
    expect(abroad.json().phone).toBe('+44 20 7946 0000');
    const wrongCountry = await request(shopper, 'PUT', `/${created.json().id}`, { country: 'GB', phone: '030 1234567' });
    expect(wrongCountry.statusCode).toBe(400);
    expect(wrongCountry.json().errors).toEqual({ phone: expect.stringMatching(/not a valid phone number in GB/) });
    await request(shopper, 'DELETE', `/${created.json().id}`);
  });

  it("answers 404 for another shopper's address on every verb, and leaves it as it was", async () => {
    const theirs = (await request(stranger, 'POST', '', home)).json();
    expect((await request(shopper, 'GET')).json().items).toEqual([]);
    expect((await request(shopper, 'GET', `/${theirs.id}`)).statusCode).toBe(404);
    const change = await request(shopper, 'PUT', `/${theirs.id}`, { recipient: 'Mallory' });
    expect(change.statusCode).toBe(404);
    expect(change.json().code).toBe('address_not_found');
    expect((await request(shopper, 'DELETE', `/${theirs.id}`)).statusCode).toBe(404);
    expect((await request(shopper, 'GET', `/${newId()}`)).statusCode).toBe(404);
    expect((await request(stranger, 'GET', `/${theirs.id}`)).json()).toEqual(theirs);
  });

  it('requires a shopper session', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/store/addresses' });
    expect(response.statusCode).toBe(401);
  });

  it(`keeps at most ${ADDRESS_BOOK_LIMIT} addresses per shopper and refuses one more with 422`, async () => {
    const collector = await createGuestShopper(testApp.app);
    for (let index = 0; index < ADDRESS_BOOK_LIMIT; index += 1) {
      expect((await request(collector, 'POST', '', { ...home, line1: `Street ${index}` })).statusCode).toBe(201);
    }
    const oneMore = await request(collector, 'POST', '', home);
    expect(oneMore.statusCode).toBe(422);
    expect(oneMore.json().code).toBe('address_book_full');
    expect(await addressRows(collector.shopperId)).toBe(ADDRESS_BOOK_LIMIT);
  });
});
