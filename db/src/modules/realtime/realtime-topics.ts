import type { OutboxMessage } from '../../outbox/outbox.ts';

/**
 * Topics of GET /ws, in react-admin's realtime shape, and the ONE mapping from outbox events to them
 * (docs/realtime.md). The socket layer, the Redis fan-out and the database replay all go through
 * `topicEventsOf`, so an event reaches a topic live exactly when it would be replayed to it.
 */
export const ORDERS_TOPIC = 'resource/orders';
const ORDER_TOPIC_PATTERN = /^resource\/orders\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const GROUP_BUY_TEAMS_TOPIC = 'resource/group-buy-teams';
const TEAM_TOPIC_PATTERN = /^resource\/group-buy-teams\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * `resource/orders`: every order of one merchant (staff); `resource/orders/<id>`: one order;
 * `resource/group-buy-teams/<id>`: one group-buy team (joins, formed, expired; docs/social.md §2).
 */
export type Topic = { kind: 'orders' } | { kind: 'order'; orderId: string } | { kind: 'team'; teamId: string };

export function parseTopic(text: unknown): Topic | null {
  if (text === ORDERS_TOPIC) return { kind: 'orders' };
  if (typeof text !== 'string') return null;
  const team = TEAM_TOPIC_PATTERN.exec(text);
  if (team) return { kind: 'team', teamId: team[1] as string };
  const match = ORDER_TOPIC_PATTERN.exec(text);
  return match ? { kind: 'order', orderId: match[1] as string } : null;
}

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

/** The topic events one published outbox event makes; events about no order make none. */
export function topicEventsOf(message: Pick<OutboxMessage, 'type' | 'aggregateType' | 'aggregateId' | 'merchantId' | 'payload' | 'publishedSequence' | 'occurredAt'>): RoutedTopicEvent[] {
  const payload = message.payload;
  const eventId = String(message.publishedSequence);
  const route = (event: Omit<TopicEvent, 'eventId' | 'occurredAt'>): RoutedTopicEvent => ({
    event: { ...event, eventId, occurredAt: message.occurredAt },
    position: message.publishedSequence,
    merchantId: message.merchantId,
  });
  if (message.aggregateType === 'group_buy_team') {
    // A team's joins, formation and expiry go to the team's own topic, which its members' widgets follow.
    return [
      route({
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
  const orderId = stringOr(payload.orderId, message.aggregateType === 'order' ? message.aggregateId : null);
  if (!orderId) return [];

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
