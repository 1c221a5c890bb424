import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Every few minutes: verification runs the database says are owed get their job again (through the outbox). */
export const ledgerVerifySweep: Processor<JobPayload<'ledger.verify_sweep'>> = async (_payload, { services }) => services.ledgerVerifications.resumeStale(new Date());
