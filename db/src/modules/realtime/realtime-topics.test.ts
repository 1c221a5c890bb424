import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.ts';
import { ORDERS_TOPIC, orderTopic, parseTopic, paymentCodeChargesTopic, subscriptionKey, teamTopic, topicEventsOf } from './realtime-topics.ts';

const merchantId = newId();

function message(type: string, payload: Record<string, unknown>, aggregateType = 'order', aggregateId = newId()) {
  return { type, aggregateType, aggregateId, merchantId, payload, publishedSequence: 42, occurredAt: '2026-12-02T10:00:00.123Z' };
}

describe('the mapping of outbox events to topics', () => {
  it('announces a placed order as created on the merchant stream and on its own topic', () => {
    const orderId = newId();
    const events = topicEventsOf(message('order.placed', { orderId, status: 'pending_payment', fromStatus: null }, 'order', orderId));
    expect(events.map((routed) => [routed.event.topic, routed.event.type])).toEqual([
      [ORDERS_TOPIC, 'created'],
      [orderTopic(orderId), 'created'],
    ]);
    expect(events[0]).toMatchObject({ position: 42, merchantId, event: { eventId: '42', payload: { ids: [orderId], event: 'order.placed', status: 'pending_payment' } } });
  });

  it('turns every other event about an order into updated, with its status when it has one', () => {
    const orderId = newId();
    const [stream, own] = topicEventsOf(message('order.packed', { orderId, status: 'packed', fromStatus: 'paid' }, 'order', orderId));
    expect(stream?.event).toEqual({
      topic: ORDERS_TOPIC,
      type: 'updated',
      payload: { ids: [orderId], event: 'order.packed', status: 'packed', fromStatus: 'paid' },
      eventId: '42',
      occurredAt: '2026-12-02T10:00:00.123Z',
    });
    expect(own?.event.topic).toBe(orderTopic(orderId));
    const refund = topicEventsOf(message('order_refund.created', { orderId, refundId: newId(), amountMinor: 100 }));
    expect(refund.map((routed) => [routed.event.type, routed.event.payload])).toEqual([
      ['updated', { ids: [orderId], event: 'order_refund.created' }],
      ['updated', { ids: [orderId], event: 'order_refund.created' }],
    ]);
  });

  it("sends a shipment's tracking event with its position to the order's topic only", () => {
    const orderId = newId();
    const shipmentId = newId();
    const payload = {
      orderId,
      shopperId: newId(),
      merchantId,
      shipmentId,
      trackingEventId: newId(),
      status: 'in_transit',
      happenedAt: '2026-12-02T10:00:00.000Z',
      message: 'Left the depot',
      position: { latitude: 48.85, longitude: 2.35 },
      etaAt: null,
    };
    const events = topicEventsOf(message('shipment.tracking_event_recorded', payload, 'shipment', shipmentId));
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toEqual({
      topic: orderTopic(orderId),
      type: 'tracking',
      payload: { ids: [orderId], shipmentId, trackingEventId: payload.trackingEventId, status: 'in_transit', happenedAt: payload.happenedAt, message: 'Left the depot', position: payload.position, etaAt: null },
      eventId: '42',
      occurredAt: '2026-12-02T10:00:00.123Z',
    });
  });

  it("puts a counter charge on its shopper's own topic, a charge waiting for consent as created", () => {
    const shopperId = newId();
    const chargeId = newId();
    const shopId = newId();
    const waiting = topicEventsOf(
      message('payment_code_charge.awaiting_confirmation', { chargeId, shopId, shopperId, amountMinor: 1500, currency: 'EUR', status: 'awaiting_confirmation', orderId: null, confirmBy: null }, 'payment_code_charge', chargeId),
    );
    expect(waiting.map((routed) => routed.event)).toEqual([
      {
        topic: paymentCodeChargesTopic(shopperId),
        type: 'created',
        payload: { ids: [chargeId], event: 'payment_code_charge.awaiting_confirmation', status: 'awaiting_confirmation', shopId, amountMinor: 1500, currency: 'EUR', confirmBy: null },
        eventId: '42',
        occurredAt: '2026-12-02T10:00:00.123Z',
      },
    ]);
    // A charge that paid a counter order is also news on the order's topics.
    const orderId = newId();
    const succeeded = topicEventsOf(message('payment_code_charge.succeeded', { chargeId, shopId, shopperId, amountMinor: 1500, currency: 'EUR', status: 'succeeded', orderId }, 'payment_code_charge', chargeId));
    expect(succeeded.map((routed) => [routed.event.topic, routed.event.type])).toEqual([
      [paymentCodeChargesTopic(shopperId), 'updated'],
      [ORDERS_TOPIC, 'updated'],
      [orderTopic(orderId), 'updated'],
    ]);
  });

  it("sends a group-buy team's joins, formation and expiry to the team's own topic only", () => {
    const teamId = newId();
    const joined = topicEventsOf(message('group_buy.team_joined', { teamId, memberCount: 2, teamSize: 3 }, 'group_buy_team', teamId));
    expect(joined.map((routed) => routed.event)).toEqual([
      {
        topic: teamTopic(teamId),
        type: 'updated',
        payload: { ids: [teamId], event: 'group_buy.team_joined', memberCount: 2, teamSize: 3, status: 'open' },
        eventId: '42',
        occurredAt: '2026-12-02T10:00:00.123Z',
      },
    ]);
    const formed = topicEventsOf(message('group_buy.team_formed', { teamId, memberCount: 3, orders: [] }, 'group_buy_team', teamId));
    expect(formed.map((routed) => [routed.event.topic, routed.event.payload.status])).toEqual([[teamTopic(teamId), 'formed']]);
    expect(parseTopic(teamTopic(teamId))).toEqual({ kind: 'team', teamId });
    expect(parseTopic('resource/group-buy-teams/not-an-id')).toBeNull();
  });

  it('ignores events about no order', () => {
    expect(topicEventsOf(message('payout.paid', { payoutId: newId() }, 'payout'))).toEqual([]);
  });

  it('knows its topics and nothing else, and files the merchant stream per merchant', () => {
    const orderId = newId();
    expect(parseTopic('resource/orders')).toEqual({ kind: 'orders' });
    expect(parseTopic(`resource/orders/${orderId}`)).toEqual({ kind: 'order', orderId });
    expect(parseTopic(paymentCodeChargesTopic(orderId))).toEqual({ kind: 'payment-code-charges', shopperId: orderId });
    for (const bad of ['resource/products', 'resource/orders/', 'resource/orders/not-an-id', `resource/orders/${orderId}/x`, 'resource/payment-code-charges', 'resource/payment-code-charges/x', 42, null]) expect(parseTopic(bad)).toBeNull();
    expect(subscriptionKey(ORDERS_TOPIC, merchantId)).not.toBe(subscriptionKey(ORDERS_TOPIC, newId()));
    expect(subscriptionKey(orderTopic(orderId), merchantId)).toBe(orderTopic(orderId));
  });
});
