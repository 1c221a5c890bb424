import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/**
 * Every second: gives committed ledger transfers that are still unsealed their place in the hash chain
 * (docs/ledger.md §4). The API seals right after its own commits; this job is what the database is owed
 * when an API process died between its commit and its seal. Several runs at once queue on the head and
 * seal each row once. The result is how many rows this run sealed (0 when the API kept up).
 */
export const ledgerSeal: Processor<JobPayload<'ledger.seal'>> = async (_payload, { services }) => ({ sealed: await services.ledger.seal() });
