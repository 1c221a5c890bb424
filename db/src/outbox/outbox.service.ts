import type { Database } from '../database.ts';
import { OutboxRelay } from './outbox-relay.ts';

const KEEP_PUBLISHED_MS = 7 * 24 * 60 * 60 * 1_000;

/** Housekeeping and health of the outbox, for jobs and operators. */
export class OutboxService {
  constructor(private readonly database: Database) {}

  /** The outbox is a conveyor, not an archive: published rows go after a week. */
  async purgePublished(now: Date = new Date()): Promise<{ deleted: number }> {
    return { deleted: await OutboxRelay.purgePublished(this.database.pool, new Date(now.getTime() - KEEP_PUBLISHED_MS)) };
  }

  /** How far behind the relay is: unpublished rows and the age of the oldest. */
  async backlog(): Promise<{ unpublished: number; oldestCreatedAt: Date | null }> {
    const { rows } = await this.database.pool.query<{ unpublished: number; oldestCreatedAt: Date | null }>(
      `select count(*)::int as unpublished, min(created_at) as "oldestCreatedAt" from outbox where published_at is null`,
    );
    return rows[0] as { unpublished: number; oldestCreatedAt: Date | null };
  }
}
