import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Hourly: removes auth records past their lifetime. Idempotent, so a retry or a late run is harmless. */
export const authPurgeExpired: Processor<JobPayload<'auth.purge_expired'>> = async (_payload, { services }) => services.auth.purgeExpired(new Date());
