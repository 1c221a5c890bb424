import { describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS, notificationKind } from './notification-events.ts';
import { messageLanguage, notificationText } from './notification-messages.ts';

describe('which events tell the shopper something', () => {
  const order = { orderId: '01a2384f-d3dc-7728-9daf-5f2c5df22f9c' };

  it('maps payment, shipping, delivery and refunds, and the delivery milestones of tracking events by status', () => {
    expect(notificationKind('order.paid', order)).toBe('order_paid');
    expect(notificationKind('order.shipped', order)).toBe('order_shipped');
    expect(notificationKind('order.delivered', order)).toBe('order_delivered');
    expect(notificationKind('order_refund.succeeded', order)).toBe('refund_created');
    expect(notificationKind('order_refund.created', order)).toBeNull();
    expect(notificationKind('shipment.tracking_event_recorded', { ...order, status: 'out_for_delivery' })).toBe('out_for_delivery');
    expect(notificationKind('shipment.tracking_event_recorded', { ...order, status: 'attempted_delivery' })).toBe('attempted_delivery');
  });

  it('stays quiet for other events and statuses, and for events about no order', () => {
    expect(notificationKind('order.packed', order)).toBeNull();
    expect(notificationKind('order.placed', order)).toBeNull();
    expect(notificationKind('shipment.tracking_event_recorded', { ...order, status: 'in_transit' })).toBeNull();
    // Delivered is told once, by order.delivered, not per parcel.
    expect(notificationKind('shipment.tracking_event_recorded', { ...order, status: 'delivered' })).toBeNull();
    expect(notificationKind('order.paid', {})).toBeNull();
  });
});

describe('notification messages', () => {
  const facts = { orderNumber: 1042, shopName: 'Lotus Tea House', currency: 'EUR', amountMinor: 1_250, note: 'Nobody at home' };

  it('reads Simplified Chinese for zh, zh-CN, zh-hans and zh-SG, and English otherwise', () => {
    expect(['zh', 'zh-CN', 'zh-hans', 'zh-Hans-CN', 'zh-SG'].map(messageLanguage)).toEqual(['zh-Hans', 'zh-Hans', 'zh-Hans', 'zh-Hans', 'zh-Hans']);
    expect(['en', 'de', 'zh-TW', null, undefined].map(messageLanguage)).toEqual(['en', 'en', 'en', 'en', 'en']);
  });

  it('has a short text for every kind in both languages, naming the order', () => {
    for (const kind of NOTIFICATION_KINDS) {
      for (const language of ['en', 'zh-Hans'] as const) {
        const text = notificationText(kind, language, facts);
        expect(text).toContain('#1042');
        expect(text.length).toBeLessThan(160);
      }
    }
    expect(notificationText('order_paid', 'en', facts)).toBe('Payment received: €12.50 for order #1042 at Lotus Tea House. We will tell you when it ships.');
    expect(notificationText('attempted_delivery', 'en', facts)).toBe('We tried to deliver order #1042 but could not. Nobody at home');
    expect(notificationText('refund_created', 'zh-Hans', facts)).toBe('Lotus Tea House 订单 #1042 的退款 €12.50 已发起。');
  });
});
