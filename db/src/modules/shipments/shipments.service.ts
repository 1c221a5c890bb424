import type pg from 'pg';
import type { Actor, MerchantActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { SqlParameters } from '../../sql-parameters.ts';
import type { Order } from '../orders/order.entity.ts';
import type { OrderLine } from '../orders/order-line.entity.ts';
import { lockOrderWithLines, recordTransition } from '../orders/order-records.ts';
import { findOrder } from '../orders/order-reads.ts';
import { assertTransition } from '../orders/order-states.ts';
import { OrderNotFoundError } from '../orders/orders.errors.ts';
import type { ShipInput } from '../orders/orders.schemas.ts';
import { assertCourierOfMerchant, createShipment } from './shipment-creation.ts';
import { lockShipmentWithOrder } from './shipment-locks.ts';
import { findShipment, SHIPMENT_SELECT, shipmentsOfOrder, shipmentLines, toShipment, trackingEventsOf, type Shipment, type ShipmentLine, type ShipmentRow, type TrackingEvent } from './shipment-records.ts';
import { isFinal } from './shipment-statuses.ts';
import type { CourierAssignInput, ShipmentCreateInput, ShipmentListFilterInput, TrackingEventCreateInput } from './shipments.schemas.ts';
import { ShipmentFinalError, ShipmentNotFoundError } from './shipments.errors.ts';
import { recordTrackingEvent, type RecordedTrackingEvent, type TrackingContext } from './tracking-events.ts';

export type ShipmentDetail = Shipment & { lines: ShipmentLine[]; events: TrackingEvent[] };

const SORT_COLUMNS: Record<string, string> = { id: 's.id', createdAt: 's.created_at', updatedAt: 's.updated_at', status: 's.status', statusAt: 's.status_at', etaAt: 's.eta_at' };

/**
 * The merchant's side of delivery: shipments of an order (list, show, create, assign a courier, add a
 * tracking event by hand), and the ship verb of the orders module, which creates one shipment of
 * everything left. Every change goes through recordTrackingEvent, so the order follows its shipments.
 */
export class ShipmentsService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'delivery'>,
  ) {}

  context(actor: Actor): TrackingContext {
    return { averageSpeedKmh: this.config.delivery.courierAverageSpeedKmh, actor };
  }

  async list(actor: MerchantActor, query: ListQuery<ShipmentListFilterInput>): Promise<ListPage<Shipment>> {
    const parameters = new SqlParameters();
    const conditions = [`s.merchant_id = ${parameters.add(actor.merchantId, 'uuid')}`];
    const { filter } = query;
    if (filter.id) conditions.push(`s.id = any(${parameters.add(filter.id, 'uuid[]')})`);
    if (filter.orderId) conditions.push(`s.order_id = ${parameters.add(filter.orderId, 'uuid')}`);
    if (filter.courierId) conditions.push(`s.courier_id = ${parameters.add(filter.courierId, 'uuid')}`);
    if (filter.status) conditions.push(`s.status = any(${parameters.add([filter.status].flat(), 'text[]')})`);
    if (filter.carrier) conditions.push(`lower(s.carrier) = lower(${parameters.add(filter.carrier, 'text')})`);
    if (filter.q !== undefined) conditions.push(`s.tracking_number = ${parameters.add(filter.q.trim(), 'text')}`);
    const where = conditions.join(' and ');
    const order = `${SORT_COLUMNS[query.sortField] ?? 's.created_at'} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'} nulls last, s.id`;
    const [page, count] = await Promise.all([
      this.database.pool.query<ShipmentRow>(`select ${SHIPMENT_SELECT} from shipment s where ${where} order by ${order} limit ${Number(query.limit)} offset ${Number(query.offset)}`, parameters.values),
      this.database.pool.query<{ total: number }>(`select count(*)::int as total from shipment s where ${where}`, parameters.values),
    ]);
    return { items: page.rows.map(toShipment), total: count.rows[0]?.total ?? 0, offset: query.offset };
  }

  async get(actor: MerchantActor, id: string): Promise<ShipmentDetail> {
    const shipment = await findShipment(this.database.pool, id, { merchantId: actor.merchantId });
    if (!shipment) throw new ShipmentNotFoundError(id);
    return this.detail(shipment);
  }

  /**
   * The shipments of one order with their lines and the tracking events that moved them (a shopper's
   * view: events kept only as history are left out), newest shipment last. Scoped to the merchant or
   * the shopper; another one's order is a 404.
   */
  async listForOrder(scope: { merchantId: string } | { shopperId: string }, orderId: string): Promise<ShipmentDetail[]> {
    const order = await findOrder(this.database.pool, orderId, scope);
    if (!order) throw new OrderNotFoundError(orderId);
    const shipments = await shipmentsOfOrder(this.database.pool, orderId);
    const details = await Promise.all(shipments.map((shipment) => this.detail(shipment)));
    return details.map((detail) => ({ ...detail, events: detail.events.filter((event) => event.applied) }));
  }

  async create(actor: MerchantActor, orderId: string, input: ShipmentCreateInput): Promise<ShipmentDetail> {
    const shipment = await withPoolTransaction(this.database.pool, async (client) => {
      const order = await this.lockOrder(client, actor, orderId);
      await assertCourierOfMerchant(client, actor.merchantId, input.courierId);
      const { shipment: created } = await createShipment(
        client,
        order,
        {
          lines: input.lines,
          carrier: input.carrier,
          trackingNumber: input.trackingNumber,
          trackingUrl: input.trackingUrl,
          courierId: input.courierId,
          destination: input.destination,
          status: input.status ?? 'label_created',
          message: input.note ?? '',
        },
        this.context(actor),
      );
      return created;
    });
    return this.detail(shipment);
  }

  /**
   * The orders module's ship verb: the whole remainder of a packed order in one shipment that has left
   * (in transit), and the order `shipped` with the carrier and tracking number in its event, as before
   * shipments existed. An order whose every unit is already in a shipment still ships (a shipment
   * without lines), so the verb keeps its old meaning.
   */
  async shipOrder(actor: MerchantActor, orderId: string, input: ShipInput): Promise<void> {
    await withPoolTransaction(this.database.pool, async (client) => {
      const locked = await this.lockOrder(client, actor, orderId);
      assertTransition(locked, 'shipped');
      const data = { ...(input.carrier ? { carrier: input.carrier } : {}), ...(input.trackingNumber ? { trackingNumber: input.trackingNumber } : {}) };
      const shipped = await recordTransition(client, locked, 'shipped', actor, { note: input.note ?? '', data });
      await createShipment(
        client,
        { ...shipped, lines: locked.lines },
        { carrier: input.carrier?.trim() || undefined, trackingNumber: input.trackingNumber?.trim() || undefined, status: 'in_transit', message: input.note || 'Shipped by the shop', allowEmpty: true },
        this.context(actor),
      );
    });
  }

  async assignCourier(actor: MerchantActor, id: string, input: CourierAssignInput): Promise<ShipmentDetail> {
    const shipment = await withPoolTransaction(this.database.pool, async (client) => {
      const { shipment: locked } = await lockShipmentWithOrder(client, id, { merchantId: actor.merchantId });
      if (isFinal(locked.status)) throw new ShipmentFinalError(locked.status);
      await assertCourierOfMerchant(client, actor.merchantId, input.courierId);
      await client.query('update shipment set courier_id = $2, updated_at = now() where id = $1', [id, input.courierId]);
      return (await findShipment(client, id, {})) as Shipment;
    });
    return this.detail(shipment);
  }

  async addTrackingEvent(actor: MerchantActor, id: string, input: TrackingEventCreateInput): Promise<RecordedTrackingEvent> {
    const happenedAt = input.happenedAt ? new Date(input.happenedAt) : new Date();
    if (happenedAt.getTime() > Date.now() + 5 * 60_000) throw new ValidationError({ happenedAt: 'is in the future' });
    return withPoolTransaction(this.database.pool, async (client) => {
      const { order, shipment } = await lockShipmentWithOrder(client, id, { merchantId: actor.merchantId });
      return recordTrackingEvent(
        client,
        order,
        shipment,
        {
          status: input.status,
          happenedAt,
          message: input.message ?? '',
          position: input.position ?? null,
          etaAt: input.etaAt ? new Date(input.etaAt) : null,
          source: 'merchant',
          sourceEventId: input.sourceEventId ? `${shipment.id}:${input.sourceEventId}` : newId(),
        },
        this.context(actor),
      );
    });
  }

  async detail(shipment: Shipment): Promise<ShipmentDetail> {
    const [lines, events] = await Promise.all([shipmentLines(this.database.pool, [shipment.id]), trackingEventsOf(this.database.pool, shipment.id)]);
    return { ...shipment, lines: lines.get(shipment.id) ?? [], events };
  }

  private async lockOrder(client: pg.PoolClient, actor: MerchantActor, orderId: string): Promise<Order & { lines: OrderLine[] }> {
    const order = await lockOrderWithLines(client, orderId, { merchantId: actor.merchantId });
    if (!order) throw new OrderNotFoundError(orderId);
    return order;
  }
}
