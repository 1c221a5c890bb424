import type pg from 'pg';
import type Stripe from 'stripe';
import type { PaymentAttempt } from './payment-attempt.entity.ts';

export type PaymentEventType = Stripe.Event.Type;
export type PaymentEventOf<Type extends PaymentEventType> = Extract<Stripe.Event, { type: Type }>;

/** What a handler of one Stripe event gets. */
export interface PaymentEventContext<Type extends PaymentEventType = PaymentEventType> {
  event: PaymentEventOf<Type>;
  /** `event.data.object`: the payment intent, charge or refund as Stripe sent it. */
  object: PaymentEventOf<Type>['data']['object'];
  /** The event's `created` at Stripe: events arrive out of order, and this is how to tell. */
  createdAt: Date;
  /**
   * The open transaction the event is processed in. Do every write through it (the ledger's
   * `applyInTransaction(transaction, ...)` takes it as is): your effects, the projection and the event's
   * processed mark commit together, or none of them does and Stripe's next delivery runs you again.
   */
  transaction: pg.PoolClient;
  /** Our payment attempt for the payment intent the event is about, if it is one of ours. */
  attempt: PaymentAttempt | null;
  /** False when a newer event about the same payment intent was already applied: this one is stale. */
  isLatest: boolean;
}

export type PaymentEventHandler<Type extends PaymentEventType = PaymentEventType> = (context: PaymentEventContext<Type>) => Promise<void> | void;

/** Handlers by event type, run in the order they were registered. */
export class PaymentEventHandlers {
  private readonly handlersByType = new Map<string, PaymentEventHandler[]>();

  /** Registers a handler; returns a function that removes it again. */
  on<Type extends PaymentEventType>(type: Type, handler: PaymentEventHandler<Type>): () => void {
    const handlers = this.handlersByType.get(type) ?? [];
    handlers.push(handler as unknown as PaymentEventHandler);
    this.handlersByType.set(type, handlers);
    return () => {
      const index = handlers.indexOf(handler as unknown as PaymentEventHandler);
      if (index !== -1) handlers.splice(index, 1);
    };
  }

  for(type: string): readonly PaymentEventHandler[] {
    return [...(this.handlersByType.get(type) ?? [])];
  }
}
