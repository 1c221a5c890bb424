import { EntitySchema } from '@mikro-orm/core';

/** One Stripe event as received, verified and kept: the inbox that makes redelivery harmless. */
export interface PaymentWebhookEvent {
  /** Stripe's event id, `evt_...`: the key that turns a redelivery into a no-op. */
  id: string;
  type: string;
  /** The id of `data.object` (`pi_...`, `ch_...`), when it has one. */
  objectId: string | null;
  livemode: boolean;
  apiVersion: string | null;
  /** The event's own `created` time at Stripe, which orders events about the same object. */
  eventCreatedAt: Date;
  payload: Record<string, unknown>;
  deliveryCount: number;
  receivedAt: Date;
  lastDeliveredAt: Date;
  /** Set in the same transaction as the handlers' effects; null until they have all committed. */
  processedAt: Date | null;
  lastError: string | null;
  lastFailedAt: Date | null;
}

export const PaymentWebhookEventEntity = new EntitySchema<PaymentWebhookEvent>({
  name: 'PaymentWebhookEvent',
  tableName: 'payment_webhook_event',
  properties: {
    id: { type: 'string', primary: true },
    type: { type: 'string' },
    objectId: { type: 'string', nullable: true },
    livemode: { type: 'boolean' },
    apiVersion: { type: 'string', nullable: true },
    eventCreatedAt: { type: 'Date' },
    payload: { type: 'json' },
    deliveryCount: { type: 'integer' },
    receivedAt: { type: 'Date' },
    lastDeliveredAt: { type: 'Date' },
    processedAt: { type: 'Date', nullable: true },
    lastError: { type: 'text', nullable: true },
    lastFailedAt: { type: 'Date', nullable: true },
  },
});
