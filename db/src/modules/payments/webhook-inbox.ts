import type pg from 'pg';
import type Stripe from 'stripe';
import type { Database } from '../../database.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { silentLogger, type ServiceLogger } from '../../service-logger.ts';
import type { PaymentAttempt } from './payment-attempt.entity.ts';
import { findAttemptForIntent, updateAttemptFromIntent } from './payment-attempt-rows.ts';
import type { PaymentEventHandlers } from './payment-event-handlers.ts';
import { applyChargeEvent, applyPaymentIntentEvent } from './payment-intent-projection.ts';
import { WebhookHandlerFailedError } from './payments.errors.ts';
import type { StripeGateway } from './stripe-gateway.ts';

export interface WebhookReceipt {
  eventId: string;
  type: string;
  /** The event had been processed before: nothing was done again. */
  duplicate: boolean;
}

interface Applied {
  attempt: PaymentAttempt | null;
  isLatest: boolean;
}

function objectOf(event: Stripe.Event): { id?: unknown; object?: unknown } {
  return event.data.object as { id?: unknown; object?: unknown };
}

function objectIdOf(event: Stripe.Event): string | null {
  const id = objectOf(event).id;
  return typeof id === 'string' ? id : null;
}

function describe(error: unknown): string {
  const cause = error instanceof WebhookHandlerFailedError ? error.cause : error;
  return (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)).slice(0, 2000);
}

/**
 * The verified inbox for Stripe's webhooks. An event is stored under Stripe's event id, applied to our
 * projections and handed to the registered handlers, all in one transaction with the mark that it was
 * processed: a crash anywhere loses nothing (Stripe delivers again), and a redelivery of a processed
 * event does nothing.
 */
export class StripeWebhookInbox {
  constructor(
    private readonly database: Database,
    private readonly gateway: StripeGateway,
    private readonly handlers: PaymentEventHandlers,
    private readonly logger: ServiceLogger = silentLogger,
  ) {}

  async receive(rawBody: Buffer | string, signatureHeader: string | string[] | undefined): Promise<WebhookReceipt> {
    // Verified before anything is written: an unsigned or tampered payload leaves no trace.
    const event = this.gateway.constructEvent(rawBody, signatureHeader);
    try {
      return await withPoolTransaction(this.database.pool, (transaction) => this.process(transaction, event));
    } catch (error) {
      const failure = error instanceof WebhookHandlerFailedError ? error : new WebhookHandlerFailedError(event.id, event.type, error);
      this.logger.error({ eventId: event.id, eventType: event.type, err: failure }, 'Stripe webhook could not be processed; Stripe will deliver it again');
      await this.recordFailure(event, failure).catch((recordError: unknown) => {
        // Recording is for people looking at the inbox; Stripe redelivers whether or not it worked.
        this.logger.error({ eventId: event.id, err: recordError }, 'the failed Stripe webhook could not be recorded in the inbox');
      });
      throw failure;
    }
  }

  private async process(transaction: pg.PoolClient, event: Stripe.Event): Promise<WebhookReceipt> {
    // The upsert locks the row, so a concurrent delivery of the same event waits here and then sees it processed.
    const { rows } = await transaction.query<{ processed_at: Date | null }>(
      `insert into payment_webhook_event (id, type, object_id, livemode, api_version, event_created_at, payload)
       values ($1, $2, $3, $4, $5, to_timestamp($6), $7::jsonb)
       on conflict (id) do update
          set delivery_count = payment_webhook_event.delivery_count + 1, last_delivered_at = now()
       returning processed_at`,
      [event.id, event.type, objectIdOf(event), event.livemode, event.api_version, event.created, JSON.stringify(event)],
    );
    if (rows[0]?.processed_at) return { eventId: event.id, type: event.type, duplicate: true };

    const { attempt, isLatest } = await this.applyToProjections(transaction, event);
    for (const handler of this.handlers.for(event.type)) {
      try {
        await handler({ event, object: event.data.object, createdAt: new Date(event.created * 1000), transaction, attempt, isLatest } as never);
      } catch (error) {
        throw new WebhookHandlerFailedError(event.id, event.type, error);
      }
    }
    await transaction.query('update payment_webhook_event set processed_at = now(), last_error = null where id = $1', [event.id]);
    return { eventId: event.id, type: event.type, duplicate: false };
  }

  private async applyToProjections(transaction: pg.PoolClient, event: Stripe.Event): Promise<Applied> {
    const object = objectOf(event);
    if (object.object === 'payment_intent') {
      const intent = object as Stripe.PaymentIntent;
      const isLatest = await applyPaymentIntentEvent(transaction, event, intent);
      const attempt = isLatest ? await updateAttemptFromIntent(transaction, event.type, intent) : await findAttemptForIntent(transaction, intent.id, intent.metadata);
      return { attempt, isLatest };
    }
    if (object.object === 'charge') {
      const charge = object as Stripe.Charge;
      const isLatest = await applyChargeEvent(transaction, event, charge);
      const paymentIntentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      return { attempt: paymentIntentId ? await findAttemptForIntent(transaction, paymentIntentId, charge.metadata) : null, isLatest };
    }
    if (object.object === 'refund') {
      const refund = object as Stripe.Refund;
      const paymentIntentId = typeof refund.payment_intent === 'string' ? refund.payment_intent : refund.payment_intent?.id;
      return { attempt: paymentIntentId ? await findAttemptForIntent(transaction, paymentIntentId, null) : null, isLatest: true };
    }
    // Not about payments we track (or a type we do not know yet): stored and acknowledged all the same.
    return { attempt: null, isLatest: true };
  }

  /** Keeps the failed event, unprocessed, with its error: Stripe's next delivery processes it. */
  private async recordFailure(event: Stripe.Event, error: unknown): Promise<void> {
    await this.database.pool.query(
      `insert into payment_webhook_event (id, type, object_id, livemode, api_version, event_created_at, payload, last_error, last_failed_at)
       values ($1, $2, $3, $4, $5, to_timestamp($6), $7::jsonb, $8, now())
       on conflict (id) do update
          set delivery_count = payment_webhook_event.delivery_count + 1, last_delivered_at = now(),
              last_error = excluded.last_error, last_failed_at = now()
        where payment_webhook_event.processed_at is null`,
      [event.id, event.type, objectIdOf(event), event.livemode, event.api_version, event.created, JSON.stringify(event), describe(error)],
    );
  }
}
