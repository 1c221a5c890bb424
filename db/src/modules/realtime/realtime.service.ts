import type { Actor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { OUTBOX_PUBLISH_LOCK_KEY } from '../../outbox/outbox-relay.ts';
import type { OutboxMessage } from '../../outbox/outbox.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { OrderNotFoundError } from '../orders/orders.errors.ts';
import { roleAllows } from '../staff/permissions.ts';
import { ChargesStreamForbiddenError, MerchantStreamForbiddenError, RealtimeViewerForbiddenError } from './realtime.errors.ts';
import { NotFoundError } from '../../errors.ts';
import { ORDERS_TOPIC, PAYMENT_CODE_CHARGE_AGGREGATE, orderTopic, paymentCodeChargesTopic, teamTopic, topicEventsOf, type Topic, type TopicEvent } from './realtime-topics.ts';

/** Who follows topics: a merchant's staff (or API key) with `orders.read`, or a shopper. */
export type RealtimeViewer = { type: 'merchant'; merchantId: string } | { type: 'shopper'; shopperId: string };

/** How a subscription starts: the position it is current at, and what to send first. */
export interface SubscriptionStart {
  topic: string;
  /** The last position already accounted for: live events at or below it are not sent again. */
  position: number;
  /** The current state (a new subscriber), or the events missed since the given id (a resume). */
  events: TopicEvent[];
  /** False when a resume could not be exact (too old, too many, or an unknown id): refetch. */
  resumed: boolean;
}

type ReplayRow = Pick<OutboxMessage, 'type' | 'aggregateType' | 'aggregateId' | 'merchantId' | 'payload' | 'publishedSequence'> & { createdAt: Date };

const REPLAY_COLUMNS = `type, aggregate_type as "aggregateType", aggregate_id as "aggregateId", merchant_id as "merchantId", payload,
                        published_sequence as "publishedSequence", created_at as "createdAt"`;

interface ShipmentStateRow {
  shipmentId: string;
  status: string;
  statusAt: Date;
  latitude: number | null;
  longitude: number | null;
  accuracyMeters: number | null;
  positionAt: Date | null;
  etaAt: Date | null;
  deliveredAt: Date | null;
}

/** One shipment in a snapshot: where it is (its last known position), its status and ETA. */
type ShipmentState = ReturnType<typeof shipmentState>;

function shipmentState(row: ShipmentStateRow) {
  const positionAt = row.positionAt && row.latitude !== null && row.longitude !== null ? row.positionAt : null;
  // The shipment's latest news: its status or its last fix, whichever came later.
  const happenedAt = positionAt && positionAt > row.statusAt ? positionAt : row.statusAt;
  return {
    shipmentId: row.shipmentId,
    status: row.status,
    statusAt: row.statusAt.toISOString(),
    happenedAt: happenedAt.toISOString(),
    position: positionAt ? { latitude: Number(row.latitude), longitude: Number(row.longitude), accuracyMeters: row.accuracyMeters === null ? null : Number(row.accuracyMeters), recordedAt: positionAt.toISOString() } : null,
    etaAt: row.etaAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

/** A row read back from the outbox, shaped as the relay published it. */
function asMessage(row: ReplayRow) {
  return { ...row, publishedSequence: Number(row.publishedSequence), occurredAt: row.createdAt.toISOString() };
}

/**
 * The database side of live updates (docs/realtime.md): who may follow a topic, the current state of an
 * order, and replay of the events a reconnecting subscriber missed, from the published outbox rows.
 */
export class RealtimeService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'realtime'>,
  ) {}

  /** The viewer an authenticated actor follows orders as; operators and the system follow nothing. */
  viewerOf(actor: Actor): RealtimeViewer {
    if (actor.type === 'shopper') return { type: 'shopper', shopperId: actor.shopperId };
    if (actor.type === 'staff' || actor.type === 'api_key') {
      if (!roleAllows(actor.role, 'orders.read')) throw new RealtimeViewerForbiddenError();
      return { type: 'merchant', merchantId: actor.merchantId };
    }
    throw new RealtimeViewerForbiddenError();
  }

  /**
   * Checks that the viewer may follow the topic (another merchant's or shopper's order does not exist for
   * them) and returns how the subscription starts. Runs under the relay's publishing lock in shared mode:
   * no pass is between publishing and committing, so every position up to the one read here is in the
   * database, and everything after it is still to come on Redis.
   */
  async start(viewer: RealtimeViewer, topic: Topic, lastEventId: number | null): Promise<SubscriptionStart> {
    if (topic.kind === 'orders' && viewer.type !== 'merchant') throw new MerchantStreamForbiddenError();
    if (topic.kind === 'payment-code-charges' && (viewer.type !== 'shopper' || viewer.shopperId !== topic.shopperId)) throw new ChargesStreamForbiddenError();
    return withPoolTransaction(this.database.pool, async (client) => {
      await client.query('select pg_advisory_xact_lock_shared($1)', [OUTBOX_PUBLISH_LOCK_KEY]);
      const order = topic.kind === 'order' ? await this.visibleOrder(client, viewer, topic.orderId) : null;
      const team = topic.kind === 'team' ? await this.visibleTeam(client, viewer, topic.teamId) : null;
      const { rows } = await client.query<{ position: string; oldest: string | null }>(
        `select (select case when is_called then last_value else 0 end from outbox_published_sequence) as position,
                (select min(published_sequence) from outbox) as oldest`,
      );
      const position = Number(rows[0]?.position ?? 0);
      const oldest = rows[0]?.oldest === null || rows[0]?.oldest === undefined ? null : Number(rows[0].oldest);
      const topicName =
        topic.kind === 'orders' ? ORDERS_TOPIC : topic.kind === 'order' ? orderTopic(topic.orderId) : topic.kind === 'team' ? teamTopic(topic.teamId) : paymentCodeChargesTopic(topic.shopperId);
      const merchantId = viewer.type === 'merchant' ? viewer.merchantId : null;

      if (lastEventId !== null) {
        // An id from the future (another database) or older than what is kept cannot be resumed exactly.
        const kept = lastEventId <= position && (oldest === null || lastEventId >= oldest - 1);
        const replay = kept ? await this.replay(client, topic, topicName, merchantId, lastEventId) : null;
        if (replay) return { topic: topicName, position, events: replay, resumed: true };
      }
      const events = order ? [await this.snapshot(client, order, topicName, position)] : team ? [teamSnapshot(team, topicName, position)] : [];
      return { topic: topicName, position, events, resumed: lastEventId === null };
    });
  }

  private async visibleOrder(client: import('pg').PoolClient, viewer: RealtimeViewer, orderId: string) {
    const { rows } = await client.query<{ id: string; number: number | null; status: string; merchantId: string; shopperId: string; updatedAt: Date }>(
      `select id, number, status, merchant_id as "merchantId", shopper_id as "shopperId", updated_at as "updatedAt" from shop_order where id = $1`,
      [orderId],
    );
    const order = rows[0];
    const visible = order && (viewer.type === 'merchant' ? order.merchantId === viewer.merchantId : order.shopperId === viewer.shopperId);
    if (!order || !visible) throw new OrderNotFoundError(orderId);
    return order;
  }

  /** A group-buy team is seen by whoever has its link (it is shared into chats), and by its merchant's staff. */
  private async visibleTeam(client: import('pg').PoolClient, viewer: RealtimeViewer, teamId: string): Promise<TeamState> {
    const { rows } = await client.query<TeamState & { merchantId: string }>(
      `select id, status, member_count as "memberCount", team_size as "teamSize", merchant_id as "merchantId", updated_at as "updatedAt" from group_buy_team where id = $1`,
      [teamId],
    );
    const team = rows[0];
    if (!team || (viewer.type === 'merchant' && team.merchantId !== viewer.merchantId)) throw new NotFoundError('group_buy_team', teamId);
    return team;
  }

  /** The events of the topic after `lastEventId`, in order; null when there are more than a replay may hold. */
  private async replay(client: import('pg').PoolClient, topic: Topic, topicName: string, merchantId: string | null, lastEventId: number): Promise<TopicEvent[] | null> {
    const limit = this.config.realtime.replayMaxEvents;
    const { rows } =
      topic.kind === 'team'
        ? await client.query<ReplayRow>(
            `select ${REPLAY_COLUMNS} from outbox where aggregate_type = 'group_buy_team' and aggregate_id = $1 and published_sequence > $2 order by published_sequence limit $3`,
            [topic.teamId, lastEventId, limit + 1],
          )
        : topic.kind === 'order'
        ? await client.query<ReplayRow>(
            `select ${REPLAY_COLUMNS} from outbox where payload ->> 'orderId' = $1 and published_sequence > $2 order by published_sequence limit $3`,
            [topic.orderId, lastEventId, limit + 1],
          )
        : topic.kind === 'payment-code-charges'
        ? await client.query<ReplayRow>(
            `select ${REPLAY_COLUMNS} from outbox where aggregate_type = $1 and payload ->> 'shopperId' = $2 and published_sequence > $3 order by published_sequence limit $4`,
            [PAYMENT_CODE_CHARGE_AGGREGATE, topic.shopperId, lastEventId, limit + 1],
          )
        : await client.query<ReplayRow>(`select ${REPLAY_COLUMNS} from outbox where merchant_id = $1 and published_sequence > $2 order by published_sequence limit $3`, [
            merchantId,
            lastEventId,
            limit + 1,
          ]);
    if (rows.length > limit) return null;
    return rows.flatMap((row) =>
      topicEventsOf(asMessage(row))
        .filter((routed) => routed.event.topic === topicName && (topic.kind !== 'orders' || routed.merchantId === merchantId))
        .map((routed) => routed.event),
    );
  }

  /**
   * The order as it is now: its status and, per shipment, the last known position, status and ETA, read
   * from the shipments table (which keeps only the newest fix: docs/delivery.md §4), not from the events
   * that led there. `tracking` is the shipment that moved last, in the shape of a live `tracking` event;
   * `shipments` lists every shipment of the order, oldest first.
   */
  private async snapshot(
    client: import('pg').PoolClient,
    order: { id: string; number: number | null; status: string; updatedAt: Date },
    topicName: string,
    position: number,
  ): Promise<TopicEvent> {
    const { rows } = await client.query<ShipmentStateRow>(
      `select id as "shipmentId", status, status_at as "statusAt", last_latitude as latitude, last_longitude as longitude,
              last_accuracy_meters as "accuracyMeters", last_position_at as "positionAt", eta_at as "etaAt", delivered_at as "deliveredAt"
         from shipment where order_id = $1 order by created_at, id`,
      [order.id],
    );
    const shipments = rows.map(shipmentState);
    const latest = shipments.reduce<ShipmentState | null>((newest, shipment) => (!newest || Date.parse(shipment.happenedAt) > Date.parse(newest.happenedAt) ? shipment : newest), null);
    return {
      topic: topicName,
      type: 'snapshot',
      payload: {
        ids: [order.id],
        order: { id: order.id, number: order.number, status: order.status, updatedAt: order.updatedAt.toISOString() },
        tracking: latest ? { shipmentId: latest.shipmentId, status: latest.status, happenedAt: latest.happenedAt, position: latest.position, etaAt: latest.etaAt } : null,
        shipments,
      },
      eventId: String(position),
      occurredAt: order.updatedAt.toISOString(),
    };
  }
}

interface TeamState {
  id: string;
  status: string;
  memberCount: number;
  teamSize: number;
  updatedAt: Date;
}

/** The team as it is now, in the shape of its live events. */
function teamSnapshot(team: TeamState, topicName: string, position: number): TopicEvent {
  return {
    topic: topicName,
    type: 'snapshot',
    payload: { ids: [team.id], status: team.status, memberCount: team.memberCount, teamSize: team.teamSize },
    eventId: String(position),
    occurredAt: team.updatedAt.toISOString(),
  };
}
