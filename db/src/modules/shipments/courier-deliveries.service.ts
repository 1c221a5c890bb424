import type { Actor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../errors.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import type { CourierIdentity } from './couriers.service.ts';
import { deliveryAddressForCourier, type DeliveryAddress } from './delivery-address.ts';
import { lockShipmentWithOrder } from './shipment-locks.ts';
import { SHIPMENT_SELECT, shipmentLines, toShipment, type Shipment, type ShipmentLine, type ShipmentRow } from './shipment-records.ts';
import { EN_ROUTE_STATUSES, isFinal } from './shipment-statuses.ts';
import type { CourierPositionInput, CourierStatusInput } from './shipments.schemas.ts';
import { ShipmentFinalError, ShipmentNotFoundError } from './shipments.errors.ts';
import { recordTrackingEvent, type RecordedTrackingEvent } from './tracking-events.ts';

export type CourierShipment = Shipment & { lines: ShipmentLine[]; orderNumber: number; deliveryAddress: DeliveryAddress | null };

type CourierShipmentRow = ShipmentRow & { orderNumber: number };

/** A phone's clock may run a little ahead; a fix further in the future than this is refused. */
const CLOCK_SKEW_MS = 2 * 60_000;

function recordedAtOf(text: string): Date {
  const recordedAt = new Date(text);
  if (recordedAt.getTime() > Date.now() + CLOCK_SKEW_MS) throw new ValidationError({ recordedAt: 'is in the future' });
  return recordedAt;
}

/**
 * The courier's side: their shipments (only those assigned to them: another courier's is a 404),
 * positions and status changes. Every update becomes a tracking event through recordTrackingEvent, so
 * the rules on stale updates and the order following its shipments are the carriers' rules too.
 */
export class CourierDeliveriesService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'delivery'>,
  ) {}

  async listMine(courier: CourierIdentity): Promise<CourierShipment[]> {
    // Open shipments first, then what was delivered or returned in the last day.
    const { rows } = await this.database.pool.query<CourierShipmentRow>(
      `select ${SHIPMENT_SELECT}, o.number as "orderNumber" from shipment s join shop_order o on o.id = s.order_id
        where s.courier_id = $1 and (s.status not in ('delivered', 'returned') or s.status_at > now() - interval '1 day')
        order by s.status in ('delivered', 'returned'), s.created_at desc limit 100`,
      [courier.courierId],
    );
    return this.withDetails(this.database.pool, rows);
  }

  async getMine(courier: CourierIdentity, id: string): Promise<CourierShipment> {
    const { rows } = await this.database.pool.query<CourierShipmentRow>(
      `select ${SHIPMENT_SELECT}, o.number as "orderNumber" from shipment s join shop_order o on o.id = s.order_id where s.id = $1 and s.courier_id = $2`,
      [id, courier.courierId],
    );
    if (!rows[0]) throw new ShipmentNotFoundError(id);
    return (await this.withDetails(this.database.pool, rows))[0] as CourierShipment;
  }

  /**
   * A position for one shipment, or (without a shipment id) for every shipment the courier has en
   * route. A fix not newer than the shipment's last known position is accepted (the phone need not
   * retry) but moves nothing and is not recorded.
   */
  async postPosition(courier: CourierIdentity, input: CourierPositionInput, shipmentId?: string): Promise<{ applied: boolean; shipments: Shipment[] }> {
    const recordedAt = recordedAtOf(input.recordedAt);
    const ids = shipmentId ? [shipmentId] : await this.enRouteShipmentIds(courier);
    let applied = false;
    const shipments: Shipment[] = [];
    for (const id of ids) {
      const result = await withPoolTransaction(this.database.pool, async (client) => {
        const { order, shipment } = await lockShipmentWithOrder(client, id, { courierId: courier.courierId });
        if (isFinal(shipment.status)) {
          if (shipmentId) throw new ShipmentFinalError(shipment.status);
          return { applied: false, shipment };
        }
        if (shipment.lastPosition && recordedAt.getTime() <= shipment.lastPosition.recordedAt.getTime()) return { applied: false, shipment };
        const recorded = await recordTrackingEvent(
          client,
          order,
          shipment,
          {
            status: shipment.status,
            happenedAt: recordedAt,
            position: { latitude: input.latitude, longitude: input.longitude, accuracyMeters: input.accuracyMeters ?? null },
            source: 'courier',
            sourceEventId: `${courier.courierId}:position:${shipment.id}:${recordedAt.getTime()}`,
          },
          this.context(courier),
        );
        return { applied: !recorded.duplicate && recorded.event.applied, shipment: recorded.shipment };
      });
      applied ||= result.applied;
      shipments.push(result.shipment);
    }
    return { applied, shipments };
  }

  async postStatus(courier: CourierIdentity, id: string, input: CourierStatusInput): Promise<RecordedTrackingEvent> {
    const recordedAt = recordedAtOf(input.recordedAt);
    if ((input.latitude === undefined) !== (input.longitude === undefined)) {
      throw new ValidationError({ [input.latitude === undefined ? 'latitude' : 'longitude']: 'is required with the other coordinate' });
    }
    const position = input.latitude !== undefined && input.longitude !== undefined ? { latitude: input.latitude, longitude: input.longitude } : null;
    return withPoolTransaction(this.database.pool, async (client) => {
      const { order, shipment } = await lockShipmentWithOrder(client, id, { courierId: courier.courierId });
      return recordTrackingEvent(
        client,
        order,
        shipment,
        {
          status: input.status,
          happenedAt: recordedAt,
          message: input.message ?? '',
          position,
          source: 'courier',
          sourceEventId: `${courier.courierId}:status:${shipment.id}:${input.status}:${recordedAt.getTime()}`,
        },
        this.context(courier),
      );
    });
  }

  private context(courier: CourierIdentity) {
    const actor: Actor = { type: 'system', process: 'courier' };
    return { averageSpeedKmh: this.config.delivery.courierAverageSpeedKmh, actor, transition: { note: `by courier ${courier.name}`, data: { courierId: courier.courierId } } };
  }

  private async enRouteShipmentIds(courier: CourierIdentity): Promise<string[]> {
    const { rows } = await this.database.pool.query<{ id: string }>(`select id from shipment where courier_id = $1 and status = any($2::text[]) order by created_at`, [
      courier.courierId,
      EN_ROUTE_STATUSES,
    ]);
    return rows.map((row) => row.id);
  }

  private async withDetails(client: Queryable, rows: CourierShipmentRow[]): Promise<CourierShipment[]> {
    const lines = await shipmentLines(client, rows.map((row) => row.id));
    return Promise.all(
      rows.map(async ({ orderNumber, ...row }) => {
        const shipment = toShipment(row);
        return { ...shipment, orderNumber, lines: lines.get(shipment.id) ?? [], deliveryAddress: await deliveryAddressForCourier(client, shipment) };
      }),
    );
  }
}
