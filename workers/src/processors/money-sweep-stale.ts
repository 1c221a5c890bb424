import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/**
 * Every minute: the stale refunds, payouts and top-ups, read from the database (not from Redis), are
 * finished through their services' idempotent calls, or flagged for an operator (docs/payments.md).
 */
export const moneySweepStale: Processor<JobPayload<'money.sweep_stale'>> = async (_payload, { services }) => services.moneySweeper.sweep(new Date());
