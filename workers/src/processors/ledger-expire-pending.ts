import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/**
 * Every few seconds: expires the pending transfers past their timeout. Each expiry's id derives from its
 * pending, and writers of the pending's accounts queue on those accounts' locks, so each expiry happens
 * once even when several workers run this at the same moment.
 */
export const ledgerExpirePending: Processor<JobPayload<'ledger.expire_pending'>> = async (_payload, { services }) =>
  // Kept as the job's result: how many holds this run expired, and how many another run got to first.
  services.ledger.expirePendingTransfers(new Date());
