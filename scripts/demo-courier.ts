import { randomBytes } from 'node:crypto';
import { loadConfig } from '../db/src/config.ts';
import { connectDatabase } from '../db/src/database.ts';
import { newId } from '../db/src/ids.ts';
import { LedgerService } from '../db/src/modules/ledger/ledger.service.ts';
import type { CurrencyCode } from '../db/src/money.ts';
import { DEMO_PASSWORD } from '../db/src/seeds/demo-catalog.ts';
import { exitOnStartupFailure } from '../db/src/startup-errors.ts';

/**
 * `npm run demo:courier` (with `npm start` running): a simulated courier of Lotus Trading Co. rides a
 * route across Paris through the real courier API, so you can watch an order go from paid to shipped to
 * delivered (in the console's API, on /courier, and on every subscriber of its events). It signs in as
 * the demo owner, takes the newest paid order that still has something to ship (or, on a development
 * database without one, places one for a guest shopper), creates a courier and a shipment, and rides.
 * DEMO_COURIER_STEP_MS (default 2000) is the pause between two positions.
 */
const config = loadConfig();
const BASE_URL = config.http.publicUrl;
const STEP_MS = Number(process.env.DEMO_COURIER_STEP_MS ?? 2000);
const OWNER_EMAIL = 'owner@demo.minishop.dev';
const DEMO_SHOP = 'lotus-tea-house';

// From near Notre-Dame to the Louvre: ten fixes, each closer to the door.
const START = { latitude: 48.853, longitude: 2.3499 };
const DESTINATION = { latitude: 48.8606, longitude: 2.3376 };
const STEPS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (text: string) => console.log(`[demo:courier] ${text}`);

async function call<Body = any>(method: string, path: string, options: { token?: string; body?: unknown; allow?: number[] } = {}): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: options.body !== undefined ? JSON.stringify(options.body) : null,
  });
  const text = await response.text();
  const body = (text ? JSON.parse(text) : null) as Body;
  if (!response.ok && !(options.allow ?? []).includes(response.status)) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return { status: response.status, body };
}

/** A paid order for a guest shopper, on a development database only: its wallet is topped up directly. */
async function placeDemoOrder(): Promise<string> {
  if (config.environment === 'production') throw new Error('No paid order to deliver, and demo orders are never placed in production.');
  const session = (await call('POST', '/api/store/sessions', { body: { provider: 'guest', deviceId: `demo-courier-${randomBytes(8).toString('hex')}` } })).body;
  const shopper = { token: session.accessToken as string, id: session.shopper.id as string };
  const products = (await call('GET', `/api/store/shops/${DEMO_SHOP}/products?pageSize=50`)).body.items as { id: string; available: boolean; title: string }[];
  const product = products.find((item) => item.available);
  if (!product) throw new Error(`${DEMO_SHOP} has nothing in stock to order.`);
  const variant = ((await call('GET', `/api/store/shops/${DEMO_SHOP}/products/${product.id}`)).body.variants as { id: string; available: number }[]).find((item) => item.available > 0);
  const placed = (await call('POST', `/api/store/shops/${DEMO_SHOP}/orders`, { token: shopper.token, body: { source: 'buy_now', variantId: variant?.id, quantity: 1 } })).body;
  // The only development shortcut here: the guest's wallet gets the money a card top-up would bring.
  const database = await connectDatabase(config);
  try {
    const ledger = new LedgerService(database);
    await ledger.record(await ledger.recipes.topUp({ eventId: newId(), shopperId: shopper.id, currency: placed.currency as CurrencyCode, amountMinor: placed.totalMinor, source: 'world' }));
  } finally {
    await database.close();
  }
  await call('POST', `/api/store/orders/${placed.id}/pay`, { token: shopper.token, body: { method: 'wallet' } });
  say(`placed and paid order #${placed.number} (${product.title}) for a guest shopper`);
  return placed.id;
}

async function main(): Promise<number> {
  say(`API at ${BASE_URL}`);
  const login = await call('POST', '/api/auth/login', { body: { email: OWNER_EMAIL, password: DEMO_PASSWORD }, allow: [401] });
  if (login.status !== 200) throw new Error(`Cannot sign in as ${OWNER_EMAIL}: is the demo seed loaded (npm start seeds an empty database)?`);
  const staff = login.body.accessToken as string;
  say(`signed in as ${OWNER_EMAIL}`);

  const courier = (await call('POST', '/api/admin/couriers', { token: staff, body: { name: `Demo Courier ${new Date().toISOString().slice(11, 19)}` } })).body;
  const { token } = (await call('POST', `/api/admin/couriers/${courier.id}/token`, { token: staff })).body;
  say(`created courier "${courier.name}"; their token (paste it on ${BASE_URL}/courier to watch): ${token}`);

  const filter = encodeURIComponent(JSON.stringify({ status: ['paid', 'packed'] }));
  const candidates = (await call('GET', `/api/admin/orders?filter=${filter}&sort=${encodeURIComponent('["createdAt","DESC"]')}&range=${encodeURIComponent('[0,19]')}`, { token: staff })).body as { id: string }[];
  let shipment: { id: string; orderId: string } | null = null;
  for (const orderId of [...candidates.map((order) => order.id), null]) {
    const id = orderId ?? (await placeDemoOrder());
    const created = await call('POST', `/api/admin/orders/${id}/shipments`, { token: staff, body: { courierId: courier.id, destination: DESTINATION, note: 'demo:courier' }, allow: [422] });
    if (created.status === 201) {
      shipment = created.body;
      break;
    }
  }
  if (!shipment) throw new Error('Could not create a shipment.');
  const order = () => call('GET', `/api/admin/orders/${shipment?.orderId}`, { token: staff }).then((response) => response.body);
  say(`shipment ${shipment.id} created for order #${(await order()).number}; order is ${(await order()).status}`);

  const courierCall = (path: string, body: object) => call('POST', `/api/courier${path}`, { token, body });
  await courierCall(`/shipments/${shipment.id}/status`, { status: 'picked_up', recordedAt: new Date().toISOString() });
  say(`courier picked it up: order is ${(await order()).status}`);

  for (let step = 0; step <= STEPS; step += 1) {
    const fraction = step / STEPS;
    const position = { latitude: START.latitude + (DESTINATION.latitude - START.latitude) * fraction, longitude: START.longitude + (DESTINATION.longitude - START.longitude) * fraction };
    if (step === Math.floor(STEPS / 2)) {
      await courierCall(`/shipments/${shipment.id}/status`, { status: 'out_for_delivery', recordedAt: new Date().toISOString() });
      say('courier is out for delivery');
    }
    const result = (await courierCall(`/shipments/${shipment.id}/positions`, { ...position, accuracyMeters: 8, recordedAt: new Date().toISOString() })).body;
    const eta = result.shipments[0]?.etaAt ? new Date(result.shipments[0].etaAt) : null;
    say(`position ${step}/${STEPS} at ${position.latitude.toFixed(5)}, ${position.longitude.toFixed(5)}; ETA ${eta ? `${Math.max(0, Math.round((eta.getTime() - Date.now()) / 1000))} s` : 'unknown'}`);
    await sleep(STEP_MS);
  }

  await courierCall(`/shipments/${shipment.id}/status`, { status: 'delivered', recordedAt: new Date().toISOString(), message: 'Handed to the customer' });
  const final = await order();
  say(`delivered: order #${final.number} is ${final.status}`);
  return final.status === 'delivered' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof TypeError && String(error.cause ?? '').includes('ECONNREFUSED')) {
      console.error(`[demo:courier] Nothing answers at ${BASE_URL}: start the platform first (npm start).`);
      process.exit(1);
    }
    if (error instanceof Error && !('code' in error)) {
      console.error(`[demo:courier] ${error.message}`);
      process.exit(1);
    }
    exitOnStartupFailure(error);
  },
);
