import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Every hour: the daily balance snapshots of the last midnight, written once (later runs find them done). */
export const ledgerSnapshotBalances: Processor<JobPayload<'ledger.snapshot_balances'>> = async (_payload, { services }) => services.finance.takeBalanceSnapshots(new Date());
