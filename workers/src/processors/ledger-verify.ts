import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** An operator's verification run: the verifier reads one snapshot here, in the workers, not in the API. */
export const ledgerVerify: Processor<JobPayload<'ledger.verify'>> = async ({ runId }, { services }) => {
  const run = await services.ledgerVerifications.run(runId);
  return run ? { status: run.status, ok: run.ok } : null;
};
