import type { OutboxMessage } from '../../outbox/outbox.ts';

/**
 * Topics of GET /ws, in react-admin's realtime shape, and the ONE mapping from outbox events to them
 * (docs/realtime.md). The socket layer, the Redis fan-out and the database replay all go through
 * `topicEventsOf`, so an event reaches a topic live exactly when it would be replayed to it.
 */
export const ORDERS_TOPIC = 'resource/orders';
const ORDER_TOPIC_PATTERN = /^resource\/orders\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const PAYMENT_CODE_CHARGES_TOPIC = 'resource/payment-code-charges';
const PAYMENT_CODE_CHARGES_TOPIC_PATTERN = /^resource\/payment-code-charges\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const GROUP_BUY_TEAMS_TOPIC = 'resource/group-buy-teams';
const TEAM_TOPIC_PATTERN = /^resource\/group-buy-teams\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * `resource/orders`: every order of one merchant (staff); `resource/orders/<id>`: one order;
 * `resource/payment-code-charges/<shopper id>`: the counter charges of one shopper's payment codes (that shopper only);
 * `resource/group-buy-teams/<id>`: one group-buy team (joins, formed, expired; docs/social.md §2).
 */
export type Topic =
  | { kind: 'orders' }
  | { kind: 'order'; orderId: string }
  | { kind: 'payment-code-charges'; shopperId: string }
  | { kind: 'team'; teamId: string };

export function parseTopic(text: unknown): Topic | null {
  if (text === ORDERS_TOPIC) return { kind: 'orders' };
  if (typeof text !== 'string') return null;
  const charges = PAYMENT_CODE_CHARGES_TOPIC_PATTERN.exec(text);
  if (charges) return { kind: 'payment-code-charges', shopperId: charges[1] as string };
  const team = TEAM_TOPIC_PATTERN.exec(text);
  if (team) return { kind: 'team', teamId: team[1] as string };
  const match = ORDER_TOPIC_PATTERN.exec(text);
  return match ? { kind: 'order', orderId: match[1] as string } : null;
}

export function paymentCodeChargesTopic(shopperId: string): string {
  return `${PAYMENT_CODE_CHARGES_TOPIC}/${shopperId}`;
}

/** The outbox events of counter charges: `payment_code_charge.<status>` (db/src/modules/qr-payments). */
export const PAYMENT_CODE_CHARGE_AGGREGATE = 'payment_code_charge';

/** The outbox events of group-buy teams: `group_buy.team_<opened|joined|formed|expired>` (db/src/modules/group-buys). */
const GROUP_BUY_TEAM_AGGREGATE = 'group_buy_team';

export function teamTopic(teamId: string): string {
  return `${GROUP_BUY_TEAMS_TOPIC}/${teamId}`;
}

export function orderTopic(orderId: string): string {
  return `${ORDERS_TOPIC}/${orderId}`;
}

export type TopicEventType = 'created' | 'updated' | 'deleted' | 'tracking' | 'snapshot';

/**
 * What a subscriber receives; `eventId` is the published position, its resume point; `occurredAt` is when
 * the change was recorded (its transaction's time; for a snapshot, the order's last change).
 */
export interface TopicEvent {
  topic: string;
  type: TopicEventType;
  payload: { ids: string[] } & Record<string, unknown>;
  eventId: string;
  occurredAt: string;
}

/** A topic event with what the fan-out needs: whose it is and its position as a number. */
export interface RoutedTopicEvent {
  event: TopicEvent;
  position: number;
  merchantId: string | null;
}

/**
 * Where subscribers of a topic are filed: one order's topic is the same for everyone allowed to see it;
 * the merchant-wide stream is one per merchant.
 */
export function subscriptionKey(topic: string, merchantId: string | null): string {
  return topic === ORDERS_TOPIC ? `${ORDERS_TOPIC}@${merchantId ?? ''}` : topic;
}

const TRACKING_EVENT = 'shipment.tracking_event_recorded';

function stringOr(value: unknown, fallback: string | null): string | null {
  return typeof value === 'string' ? value : fallback;
}

type TopicMessage = Pick<OutboxMessage, 'type' | 'aggregateType' | 'aggregateId' | 'merchantId' | 'payload' | 'publishedSequence' | 'occurredAt'>;

/** The topic events one published outbox event makes: about an order, a shopper's counter charge, or a group-buy team. */
export function topicEventsOf(message: TopicMessage): RoutedTopicEvent[] {
  if (message.aggregateType === GROUP_BUY_TEAM_AGGREGATE) return teamEventsOf(message);
  return [...chargeEventsOf(message), ...orderEventsOf(message)];
}

function router(message: TopicMessage) {
  const eventId = String(message.publishedSequence);
  return (event: Omit<TopicEvent, 'eventId' | 'occurredAt'>): RoutedTopicEvent => ({
    // The event is a fresh literal of its caller's: completed in place, not copied by a spread with keys
    // added (garbage for the full collector on Node 20, docs/performance.md "Spreads").
    event: Object.assign(event, { eventId, occurredAt: message.occurredAt }),
    position: message.publishedSequence,
    merchantId: message.merchantId,
  });
}

/**
 * A counter charge of a shopper's payment code, on that shopper's own topic: the widget asks for consent
 * the moment a charge is `awaiting_confirmation`, instead of asking the API again and again.
 */
function chargeEventsOf(message: TopicMessage): RoutedTopicEvent[] {
  const payload = message.payload;
  const shopperId = stringOr(payload.shopperId, null);
  if (message.aggregateType !== PAYMENT_CODE_CHARGE_AGGREGATE || !shopperId) return [];
  return [
    router(message)({
      topic: paymentCodeChargesTopic(shopperId),
      type: message.type === 'payment_code_charge.awaiting_confirmation' ? 'created' : 'updated',
      payload: {
        ids: [message.aggregateId],
        event: message.type,
        status: payload.status ?? null,
        shopId: payload.shopId ?? null,
        amountMinor: payload.amountMinor ?? null,
        currency: payload.currency ?? null,
        confirmBy: payload.confirmBy ?? null,
      },
    }),
  ];
}

/** A team's joins, formation and expiry go to the team's own topic, which its members' widgets follow. */
function teamEventsOf(message: TopicMessage): RoutedTopicEvent[] {
  const payload = message.payload;
  return [
    router(message)({
      topic: teamTopic(message.aggregateId),
      type: message.type === 'group_buy.team_opened' ? 'created' : 'updated',
      payload: {
        ids: [message.aggregateId],
        event: message.type,
        memberCount: payload.memberCount ?? null,
        teamSize: payload.teamSize ?? null,
        status: message.type === 'group_buy.team_formed' ? 'formed' : message.type === 'group_buy.team_expired' ? 'expired' : 'open',
      },
    }),
  ];
}

function orderEventsOf(message: TopicMessage): RoutedTopicEvent[] {
  const payload = message.payload;
  const orderId = stringOr(payload.orderId, message.aggregateType === 'order' ? message.aggregateId : null);
  if (!orderId) return [];
  const route = router(message);

  if (message.type === TRACKING_EVENT) {
    // Positions go to the order's own topic only: the merchant-wide list would drown in them.
    return [
      route({
        topic: orderTopic(orderId),
        type: 'tracking',
        payload: {
          ids: [orderId],
          shipmentId: payload.shipmentId ?? null,
          trackingEventId: payload.trackingEventId ?? null,
          status: payload.status ?? null,
          happenedAt: payload.happenedAt ?? null,
          message: payload.message ?? null,
          position: payload.position ?? null,
          etaAt: payload.etaAt ?? null,
        },
      }),
    ];
  }

  const type: TopicEventType = message.type === 'order.placed' ? 'created' : 'updated';
  const eventPayload = {
    ids: [orderId],
    event: message.type,
    ...(typeof payload.status === 'string' ? { status: payload.status } : {}),
    ...(typeof payload.fromStatus === 'string' ? { fromStatus: payload.fromStatus } : {}),
  };
  return [route({ topic: ORDERS_TOPIC, type, payload: eventPayload }), route({ topic: orderTopic(orderId), type, payload: eventPayload })];
}
