import type { FastifyInstance } from 'fastify';
import { checkout, fundWallet, pay } from './orders.ts';
import type { ShopperSession, StoreFixture } from './shoppers.ts';
import type { StaffSession } from './staff.ts';

/** Delivery test helpers: couriers, tokens and shipments through the real admin and courier routes. */

export interface CourierSession {
  id: string;
  token: string;
  headers: { authorization: string };
}

export async function createCourier(app: FastifyInstance, staff: StaffSession, name = 'Ada Rider'): Promise<CourierSession> {
  const created = await app.inject({ method: 'POST', url: '/api/admin/couriers', headers: staff.headers, payload: { name, phone: '+33 6 00 00 00 00' } });
  if (created.statusCode !== 201) throw new Error(`courier creation answered ${created.statusCode}: ${created.body}`);
  const issued = await app.inject({ method: 'POST', url: `/api/admin/couriers/${created.json().id}/token`, headers: staff.headers });
  if (issued.statusCode !== 201) throw new Error(`courier token answered ${issued.statusCode}: ${issued.body}`);
  const { token } = issued.json();
  return { id: created.json().id, token, headers: { authorization: `Bearer ${token}` } };
}

/** A paid cart order of the given variants and quantities, through the store routes. */
export async function placePaidCartOrder(app: FastifyInstance, shopper: ShopperSession, shop: StoreFixture, quantities: [string, number][]) {
  for (const [variantId, quantity] of quantities) {
    const put = await app.inject({ method: 'PUT', url: `/api/store/shops/${shop.slug}/cart/lines/${variantId}`, headers: shopper.headers, payload: { quantity } });
    if (put.statusCode !== 200) throw new Error(`cart answered ${put.statusCode}: ${put.body}`);
  }
  const placed = (await checkout(app, shopper, shop.slug, { source: 'cart' })).json();
  await fundWallet(app, shopper.shopperId, placed.totalMinor);
  const paid = await pay(app, shopper, placed.id);
  if (paid.statusCode !== 200) throw new Error(`pay answered ${paid.statusCode}: ${paid.body}`);
  return paid.json() as { id: string; status: string; lines: { id: string; variantId: string; quantity: number }[] };
}

export function createShipment(app: FastifyInstance, staff: StaffSession, orderId: string, payload: object) {
  return app.inject({ method: 'POST', url: `/api/admin/orders/${orderId}/shipments`, headers: staff.headers, payload });
}

export function postPosition(app: FastifyInstance, courier: CourierSession, shipmentId: string, payload: object) {
  return app.inject({ method: 'POST', url: `/api/courier/shipments/${shipmentId}/positions`, headers: courier.headers, payload });
}

export function postStatus(app: FastifyInstance, courier: CourierSession, shipmentId: string, payload: object) {
  return app.inject({ method: 'POST', url: `/api/courier/shipments/${shipmentId}/status`, headers: courier.headers, payload });
}

export async function orderRow(app: FastifyInstance, orderId: string): Promise<{ status: string; shipped_at: Date | null; delivered_at: Date | null }> {
  const { rows } = await app.database.pool.query('select status, shipped_at, delivered_at from shop_order where id = $1', [orderId]);
  return rows[0];
}

export interface TableCounts {
  shipments: number;
  lines: number;
  events: number;
  outbox: number;
  orderEvents: number;
  inbox: number;
}

/** Row counts of the tables delivery writes, to show that a refused request changed nothing. */
export async function tableCounts(app: FastifyInstance): Promise<TableCounts> {
  const { rows } = await app.database.pool.query<TableCounts>(
    `select (select count(*)::int from shipment) as shipments, (select count(*)::int from shipment_line) as lines,
            (select count(*)::int from tracking_event) as events, (select count(*)::int from outbox) as outbox,
            (select count(*)::int from order_event) as "orderEvents", (select count(*)::int from carrier_webhook_event) as inbox`,
  );
  return rows[0] as TableCounts;
}

/** `seconds` after a fixed past instant, so that test events have a clear order in time. */
export function at(base: Date, seconds: number): string {
  return new Date(base.getTime() + seconds * 1000).toISOString();
}
