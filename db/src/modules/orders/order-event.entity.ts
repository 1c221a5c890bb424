import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from '../../entity-columns.ts';
import type { ActorType } from '../catalog/stock-movement.entity.ts';
import type { OrderStatus } from './order.entity.ts';

/** refund_requested / refund_failed: a card refund asked for and refused; the order changes only with `refunded`. */
export type OrderEventType = 'status_changed' | 'refunded' | 'refund_requested' | 'refund_failed';

/** The order's history: every transition (and every refund) with who made it and when. Append-only. */
export interface OrderEvent {
  id: string;
  orderId: string;
  merchantId: string;
  type: OrderEventType;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus;
  actorType: ActorType;
  actorId: string | null;
  note: string;
  data: Record<string, unknown>;
  createdAt: Opt<Date>;
}

export const OrderEventEntity = new EntitySchema<OrderEvent>({
  name: 'OrderEvent',
  tableName: 'order_event',
  properties: {
    id: idColumn,
    orderId: { type: 'uuid' },
    merchantId: { type: 'uuid' },
    type: { type: 'string' },
    fromStatus: { type: 'string', nullable: true },
    toStatus: { type: 'string' },
    actorType: { type: 'string' },
    actorId: { type: 'uuid', nullable: true },
    note: { type: 'text' },
    data: { type: 'json' },
    createdAt: createdAtColumn,
  },
});
