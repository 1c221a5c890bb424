import { loadConfig } from '../db/src/config.ts';
import { DEMO_PASSWORD } from '../db/src/seeds/demo-catalog.ts';
import { DEMO_SHOPPER_DEVICE_ID } from '../db/src/seeds/demo-orders.ts';
import { exitOnStartupFailure } from '../db/src/startup-errors.ts';

/**
 * `npm run demo:courier` (with `npm start` running): a simulated courier of Lotus Trading Co. rides
 * through the real courier API, so you can watch an order go to delivered (in the console's API, on
 * /courier, and on every subscriber of its events). It signs in as the demo owner and takes, in this
 * order: the seeded delivery that is out for delivery (its courier gets a fresh token and rides on from
 * its last position to the shopper's door); else the newest paid order with something left to ship (a
 * new courier and shipment); else it places an order as the demo shopper, paid from the wallet the
 * seed credited. Everything goes through the product's routes. DEMO_COURIER_STEP_MS (default 2000) is
 * the pause between two positions.
 */
const config = loadConfig();
const BASE_URL = config.http.publicUrl;
const STEP_MS = Number(process.env.DEMO_COURIER_STEP_MS ?? 2000);
const OWNER_EMAIL = 'owner@demo.minishop.dev';
const DEMO_SHOP = 'lotus-tea-house';
const EN_ROUTE = ['picked_up', 'in_transit', 'out_for_delivery', 'attempted_delivery', 'delayed'];

// For an order without a destination of its own: from near Notre-Dame to the Louvre.
const START = { latitude: 48.853, longitude: 2.3499 };
const DESTINATION = { latitude: 48.8606, longitude: 2.3376 };
const STEPS = 10;

type Position = { latitude: number; longitude: number };
type Shipment = { id: string; orderId: string; status: string; courierId: string | null; destination: Position | null; lastPosition: Position | null };

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

const listQuery = (filter: object) => `filter=${encodeURIComponent(JSON.stringify(filter))}&sort=${encodeURIComponent('["createdAt","DESC"]')}&range=${encodeURIComponent('[0,19]')}`;

/** An order of the demo shopper (the seed's guest), paid from the wallet the seed credited. */
async function placeDemoShopperOrder(): Promise<string> {
  const session = (await call('POST', '/api/store/sessions', { body: { provider: 'guest', deviceId: DEMO_SHOPPER_DEVICE_ID } })).body;
  const token = session.accessToken as string;
  const products = (await call('GET', `/api/store/shops/${DEMO_SHOP}/products?pageSize=50`)).body.items as { id: string; available: boolean; title: string }[];
  const product = products.find((item) => item.available);
  if (!product) throw new Error(`${DEMO_SHOP} has nothing in stock to order.`);
  const variant = ((await call('GET', `/api/store/shops/${DEMO_SHOP}/products/${product.id}`)).body.variants as { id: string; available: number }[]).find((item) => item.available > 0);
  const placed = (await call('POST', `/api/store/shops/${DEMO_SHOP}/orders`, { token, body: { source: 'buy_now', variantId: variant?.id, quantity: 1 } })).body;
  const paid = await call('POST', `/api/store/orders/${placed.id}/pay`, { token, body: { method: 'wallet' }, allow: [422] });
  if (paid.status !== 200) throw new Error(`The demo shopper cannot pay order #${placed.number} (${paid.body.code}): top the wallet up (POST /api/store/wallet/top-ups) or reseed an empty database.`);
  say(`placed and paid order #${placed.number} (${product.title}) as the demo shopper`);
  return placed.id;
}

/** The seeded delivery on its way, if it is still en route: its own courier rides on with a fresh token. */
async function seededShipmentEnRoute(staff: string): Promise<{ shipment: Shipment; courierToken: string } | null> {
  const shipments = (await call('GET', `/api/admin/shipments?${listQuery({ status: EN_ROUTE })}`, { token: staff })).body as Shipment[];
  const shipment = shipments.find((item) => item.courierId);
  if (!shipment?.courierId) return null;
  const { courier, token } = (await call('POST', `/api/admin/couriers/${shipment.courierId}/token`, { token: staff })).body;
  say(`courier "${courier.name}" carries order ${shipment.orderId}, ${shipment.status.replaceAll('_', ' ')}; a fresh token for them (paste it on ${BASE_URL}/courier to watch): ${token}`);
  return { shipment, courierToken: token };
}

/** A new courier and a shipment of the newest paid order with something to ship (or one the demo shopper places). */
async function newShipment(staff: string): Promise<{ shipment: Shipment; courierToken: string }> {
  const courier = (await call('POST', '/api/admin/couriers', { token: staff, body: { name: `Demo Courier ${new Date().toISOString().slice(11, 19)}` } })).body;
  const { token } = (await call('POST', `/api/admin/couriers/${courier.id}/token`, { token: staff })).body;
  say(`created courier "${courier.name}"; their token (paste it on ${BASE_URL}/courier to watch): ${token}`);
  const candidates = (await call('GET', `/api/admin/orders?${listQuery({ status: ['paid', 'packed'] })}`, { token: staff })).body as { id: string }[];
  for (const orderId of [...candidates.map((order) => order.id), null]) {
    const id = orderId ?? (await placeDemoShopperOrder());
    const created = await call('POST', `/api/admin/orders/${id}/shipments`, { token: staff, body: { courierId: courier.id, destination: DESTINATION, note: 'demo:courier' }, allow: [422] });
    if (created.status === 201) {
      const courierToken = token as string;
      await call('POST', `/api/courier/shipments/${created.body.id}/status`, { token: courierToken, body: { status: 'picked_up', recordedAt: new Date().toISOString() } });
      return { shipment: { ...created.body, status: 'picked_up' }, courierToken };
    }
  }
  throw new Error('Could not create a shipment.');
}

async function main(): Promise<number> {
  say(`API at ${BASE_URL}`);
  const login = await call('POST', '/api/auth/login', { body: { email: OWNER_EMAIL, password: DEMO_PASSWORD }, allow: [401] });
  if (login.status !== 200) throw new Error(`Cannot sign in as ${OWNER_EMAIL}: is the demo seed loaded (npm start seeds an empty database)?`);
  const staff = login.body.accessToken as string;
  say(`signed in as ${OWNER_EMAIL}`);

  const { shipment, courierToken } = (await seededShipmentEnRoute(staff)) ?? (await newShipment(staff));
  const order = () => call('GET', `/api/admin/orders/${shipment.orderId}`, { token: staff }).then((response) => response.body);
  say(`riding shipment ${shipment.id} of order #${(await order()).number}: order is ${(await order()).status}`);

  const courierCall = (path: string, body: object) => call('POST', `/api/courier${path}`, { token: courierToken, body });
  const destination = shipment.destination ?? DESTINATION;
  const start = shipment.lastPosition ?? (shipment.destination ? { latitude: destination.latitude - 0.01, longitude: destination.longitude - 0.01 } : START);
  for (let step = 1; step <= STEPS; step += 1) {
    const fraction = step / STEPS;
    const position = { latitude: start.latitude + (destination.latitude - start.latitude) * fraction, longitude: start.longitude + (destination.longitude - start.longitude) * fraction };
    if (step === Math.floor(STEPS / 2) && shipment.status !== 'out_for_delivery') {
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
