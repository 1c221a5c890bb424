import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { DomainError, NotFoundError } from '../../errors.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { newId } from '../../ids.ts';
import { adapterFor } from './carrier-adapters.ts';
import { lockShipmentWithOrder } from './shipment-locks.ts';
import { CarrierPayloadError } from './shipments.errors.ts';
import { recordTrackingEvent } from './tracking-events.ts';

export type CarrierEventOutcome = 'recorded' | 'duplicate' | 'stale' | 'shipment_not_found' | 'ignored';

export interface CarrierWebhookReceipt {
  eventId: string;
  /** The same carrier event id had been received before: stored once, processed once. */
  duplicate: boolean;
}

/**
 * Carrier webhooks (docs/delivery.md §5): verified on the raw body, stored in an inbox unique per
 * (carrier, event id) and handed to the `carrier.process_event` job through the outbox, all before the
 * 2xx; the job maps the carrier's status to ours and records the tracking event. A sweeper processes
 * whatever the inbox still holds unprocessed, so losing Redis loses no event.
 */
export class CarrierWebhooksService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'delivery'>,
  ) {}

  async receive(carrier: string, rawBody: Buffer, headers: IncomingHttpHeaders, now: Date = new Date()): Promise<CarrierWebhookReceipt> {
    const secret = this.config.delivery.carrierWebhookSecrets[carrier];
    if (!secret) throw new NotFoundError('carrier');
    const adapter = adapterFor(carrier);
    adapter.verify(rawBody, headers, secret, this.config.delivery.carrierWebhookToleranceSeconds, now);
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new CarrierPayloadError('body', 'must be JSON');
    }
    // Parsed now so that a malformed event is refused (400) rather than stored and failed later.
    const event = adapter.parse(payload, carrier);
    return withPoolTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<{ id: string; inserted: boolean }>(
        `insert into carrier_webhook_event (id, carrier, event_id, payload) values ($1, $2, $3, $4::jsonb)
         on conflict (carrier, event_id) do update
            set delivery_count = carrier_webhook_event.delivery_count + 1, last_delivered_at = now()
         returning id, (xmax = 0) as inserted`,
        [newId(), carrier, event.eventId, JSON.stringify(payload)],
      );
      const row = rows[0] as { id: string; inserted: boolean };
      if (row.inserted) {
        await addToOutbox(client, {
          type: 'carrier_event.received',
          aggregateType: 'carrier_webhook_event',
          aggregateId: row.id,
          payload: { carrierWebhookEventId: row.id, carrier, eventId: event.eventId },
          jobs: [{ name: 'carrier.process_event', key: row.id, payload: { carrierWebhookEventId: row.id } }],
        });
      }
      return { eventId: event.eventId, duplicate: !row.inserted };
    });
  }

  /** The job: idempotent; an event already processed answers its first outcome. */
  async process(inboxId: string): Promise<{ outcome: CarrierEventOutcome }> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<{ carrier: string; payload: unknown; receivedAt: Date; processedAt: Date | null; outcome: CarrierEventOutcome | null }>(
        `select carrier, payload, received_at as "receivedAt", processed_at as "processedAt", outcome from carrier_webhook_event where id = $1 for update`,
        [inboxId],
      );
      const stored = rows[0];
      if (!stored) throw new NotFoundError('carrier_webhook_event', inboxId);
      if (stored.processedAt) return { outcome: stored.outcome as CarrierEventOutcome };

      const event = adapterFor(stored.carrier).parse(stored.payload, stored.carrier);
      let outcome: CarrierEventOutcome = 'ignored';
      if (event.status) {
        const found = await client.query<{ id: string }>(`select id from shipment where lower(carrier) = lower($1) and tracking_number = $2`, [event.carrier, event.trackingNumber]);
        const shipmentId = found.rows[0]?.id;
        if (!shipmentId) outcome = 'shipment_not_found';
        else {
          const { order, shipment } = await lockShipmentWithOrder(client, shipmentId, {});
          const recorded = await recordTrackingEvent(
            client,
            order,
            shipment,
            {
              status: event.status,
              // A carrier's clock (or a checkpoint time without its offset) ahead of ours must not pin the
              // status: an event cannot have happened after we received it.
              happenedAt: new Date(Math.min(event.happenedAt.getTime(), stored.receivedAt.getTime())),
              message: event.message,
              position: event.position,
              etaAt: event.etaAt,
              source: `carrier:${stored.carrier}`,
              sourceEventId: event.eventId,
            },
            { averageSpeedKmh: this.config.delivery.courierAverageSpeedKmh, actor: { type: 'system', process: `carrier:${stored.carrier}` } },
          );
          outcome = recorded.duplicate ? 'duplicate' : recorded.event.applied ? 'recorded' : 'stale';
        }
      }
      await client.query(`update carrier_webhook_event set processed_at = now(), outcome = $2, last_error = null where id = $1`, [inboxId, outcome]);
      return { outcome };
    });
  }

  /** The safety net behind the jobs: every event left unprocessed for a while, oldest first. */
  async processPending(olderThanMs = 30_000, limit = 100): Promise<{ processed: number; failed: number }> {
    const { rows } = await this.database.pool.query<{ id: string }>(
      `select id from carrier_webhook_event where processed_at is null and received_at <= now() - make_interval(secs => $1::double precision / 1000) order by received_at limit $2`,
      [olderThanMs, limit],
    );
    let processed = 0;
    let failed = 0;
    for (const row of rows) {
      try {
        await this.process(row.id);
        processed += 1;
      } catch (error) {
        failed += 1;
        const message = error instanceof DomainError ? `${error.code}: ${error.message}` : String(error);
        await this.database.pool.query('update carrier_webhook_event set last_error = $2 where id = $1', [row.id, message.slice(0, 2000)]);
      }
    }
    return { processed, failed };
  }
}
