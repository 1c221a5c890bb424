import type pg from 'pg';
import { accountFromRow, type AccountRow } from './ledger-accounts.ts';
import { decideTransfers, UUID_PATTERN, type EngineOutcome, type EngineState } from './ledger-engine.ts';
import type { CorrectionTarget, LedgerAccount, LedgerTransfer, PendingState, TransferInput, TransferKind, TransferResult } from './ledger.types.ts';

/** Anything that runs SQL on one connection: a pooled client holding a transaction open. */
export type LedgerClient = Pick<pg.PoolClient, 'query'>;

export interface TransferRow {
  id: string;
  sequence: number;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  amount_minor: number;
  currency: string;
  pending_id: string | null;
  timeout_seconds: number;
  linked: boolean;
  reason: string;
  reference_type: string | null;
  reference_id: string | null;
  corrects_id: string | null;
  metadata: Record<string, unknown>;
  body_hash: string;
  previous_hash: string;
  hash: string;
  created_at: Date;
}

export const TRANSFER_COLUMNS =
  'id, sequence, kind, debit_account_id, credit_account_id, amount_minor, currency, pending_id, timeout_seconds, linked, reason, ' +
  'reference_type, reference_id, corrects_id, metadata, body_hash, previous_hash, hash, created_at';

export function transferFromRow(row: TransferRow): LedgerTransfer {
  return {
    id: row.id,
    sequence: row.sequence,
    kind: row.kind,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amountMinor: row.amount_minor,
    currency: row.currency,
    pendingId: row.pending_id,
    timeoutSeconds: row.timeout_seconds,
    linked: row.linked,
    reason: row.reason,
    referenceType: row.reference_type,
    referenceId: row.reference_id,
    correctsId: row.corrects_id,
    metadata: row.metadata,
    bodyHash: row.body_hash,
    previousHash: row.previous_hash,
    hash: row.hash,
    createdAt: row.created_at,
  };
}

function uuidsOf(values: Iterable<unknown>): string[] {
  const unique = new Set<string>();
  for (const value of values) if (typeof value === 'string' && UUID_PATTERN.test(value)) unique.add(value.toLowerCase());
  return [...unique];
}

interface PendingRow {
  transfer_id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount_minor: number;
  currency: string;
  timeout_at: Date | null;
  status: PendingState['status'];
  posted_amount_minor: number;
  resolved_by_id: string | null;
  resolved_at: Date | null;
  reason: string;
  reference_type: string | null;
  reference_id: string | null;
}

export interface LedgerHead {
  sequence: number;
  hash: string;
}

/**
 * The ledger's head lock: one row that every ledger writer in every process locks first (taken together
 * with the state load, see lockHeadAndLoadState).
 */
const HEAD_LOCK_SQL = 'select last_sequence, last_hash from ledger_head where id = 1 for update';

function headFromResult(result: pg.QueryResult): LedgerHead {
  const row = result.rows[0] as { last_sequence: number; last_hash: string } | undefined;
  if (!row) throw new Error('Invariant violated: ledger_head has no row; run the migrations.');
  return { sequence: row.last_sequence, hash: row.last_hash };
}

// Everything the rules look at, in one round trip: every account involved (also those of the pendings
// named) as plain rows, and one extra row whose `loaded` column carries, as JSON, the existing ids, the
// pendings and the corrected transfers (usually few). Accounts stay out of the JSON because building
// JSON per row costs more than the rows themselves once batches grow. Runs after the head lock, so
// that its snapshot includes every earlier writer's commit.
const LOAD_STATE_SQL = `
  with wanted_pending as (
    select p.transfer_id, p.debit_account_id, p.credit_account_id, p.amount_minor, p.currency, p.timeout_at, p.status, p.posted_amount_minor,
           p.resolved_by_id, p.resolved_at, t.reason, t.reference_type, t.reference_id
      from ledger_pending p join ledger_transfer t on t.id = p.transfer_id
     where p.transfer_id = any($3::uuid[])
  )
  select null::json as loaded, a.id, a.kind, a.currency, a.owner_type, a.owner_id, a.merchant_id, a.debits_must_not_exceed_credits,
         a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending, a.created_at
    from ledger_account a
   where a.id in (select unnest($2::uuid[]) union select debit_account_id from wanted_pending union select credit_account_id from wanted_pending)
  union all
  select json_build_object(
           'transfers', (select coalesce(json_agg(t), '[]'::json) from (select ${TRANSFER_COLUMNS} from ledger_transfer where id = any($1::uuid[])) t),
           'pendings', (select coalesce(json_agg(w), '[]'::json) from wanted_pending w),
           'corrections', (select coalesce(json_agg(c), '[]'::json) from (
              select t.id, t.kind, t.debit_account_id, t.credit_account_id, t.amount_minor,
                     coalesce((select sum(r.amount_minor) from ledger_transfer r where r.corrects_id = t.id), 0)::bigint as reversed_minor
                from ledger_transfer t where t.id = any($4::uuid[])) c)),
         null, null, null, null, null, null, null, null, null, null, null, null`;

type JsonRow<Row> = { [Key in keyof Row]: Row[Key] extends Date ? string : Row[Key] extends Date | null ? string | null : Row[Key] };

function dateOrNull(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

type LoadedRow = AccountRow & {
  loaded: {
    transfers: JsonRow<TransferRow>[];
    pendings: JsonRow<PendingRow>[];
    corrections: { id: string; kind: TransferKind; debit_account_id: string; credit_account_id: string; amount_minor: number; reversed_minor: number }[];
  } | null;
};

/**
 * The state query is a session-level prepared statement (`PREPARE`), so that it can follow the head
 * lock in the SAME round trip as a second statement of one simple query: the head is then held for one
 * round trip less per ledger write (lock -> load used to be two trips, each waiting on the API's event
 * loop while every other writer queued behind the head). Prepared statements outlive the transaction
 * that prepared them, even a rolled-back one; which connections have it is remembered per client object
 * and, for a client object not seen before, asked of pg_prepared_statements first (before any lock), so
 * a PREPARE never fails on "already exists" inside a caller's transaction.
 */
const LOAD_STATE_STATEMENT = 'ledger_load_state_v1';
const preparedClients = new WeakSet<object>();

async function prepareLoadState(client: LedgerClient): Promise<void> {
  if (preparedClients.has(client)) return;
  const existing = await client.query({ name: 'ledger_load_state_prepared', text: 'select 1 from pg_prepared_statements where name = $1', values: [LOAD_STATE_STATEMENT] });
  if (!existing.rows.length) await client.query(`prepare ${LOAD_STATE_STATEMENT} (uuid[], uuid[], uuid[], uuid[]) as ${LOAD_STATE_SQL}`);
  preparedClients.add(client);
}

/** A uuid[] literal; every element already matched UUID_PATTERN (uuidsOf), so nothing else can get in. */
function uuidArrayLiteral(ids: string[]): string {
  return `'{${ids.join(',')}}'::uuid[]`;
}

/**
 * Takes the head lock and loads everything the batch's rules look at, in one round trip: two statements
 * of one simple query (three with `begin`). Under READ COMMITTED each statement takes its own snapshot,
 * so the load, which runs once the lock is granted, sees every earlier writer's commit.
 */
async function lockHeadAndLoadState(client: LedgerClient, transfers: readonly TransferInput[], begin: boolean): Promise<EngineState> {
  await prepareLoadState(client);
  const parameters = [
    uuidsOf(transfers.map((transfer) => transfer.id)),
    uuidsOf(transfers.flatMap((transfer) => [transfer.debitAccountId, transfer.creditAccountId])),
    uuidsOf(transfers.map((transfer) => transfer.pendingId)),
    uuidsOf(transfers.map((transfer) => transfer.correctsId)),
  ].map(uuidArrayLiteral);
  const results = (await client.query(`${begin ? 'begin; ' : ''}${HEAD_LOCK_SQL}; execute ${LOAD_STATE_STATEMENT}(${parameters.join(', ')})`)) as unknown as pg.QueryResult[];
  const head = headFromResult(results[results.length - 2]!);
  return stateFromRows(results[results.length - 1]!.rows as LoadedRow[], head);
}

function stateFromRows(rows: LoadedRow[], head: LedgerHead): EngineState {
  const loaded = { rows };
  const row = loaded.rows.find((candidate) => candidate.loaded !== null)?.loaded;
  if (!row) throw new Error('Invariant violated: the ledger state query returned no state row');
  const existing = new Map<string, LedgerTransfer>();
  for (const transfer of row.transfers) existing.set(transfer.id, transferFromRow({ ...transfer, created_at: new Date(transfer.created_at) }));
  const pendings = new Map<string, PendingState>();
  for (const pending of row.pendings) {
    pendings.set(pending.transfer_id, {
      transferId: pending.transfer_id,
      debitAccountId: pending.debit_account_id,
      creditAccountId: pending.credit_account_id,
      amountMinor: pending.amount_minor,
      currency: pending.currency,
      timeoutAtMs: dateOrNull(pending.timeout_at)?.getTime() ?? null,
      status: pending.status,
      postedAmountMinor: pending.posted_amount_minor,
      resolvedById: pending.resolved_by_id,
      resolvedAtMs: dateOrNull(pending.resolved_at)?.getTime() ?? null,
      reason: pending.reason,
      referenceType: pending.reference_type,
      referenceId: pending.reference_id,
    });
  }
  const corrections = new Map<string, CorrectionTarget>();
  for (const correction of row.corrections) {
    corrections.set(correction.id, {
      id: correction.id,
      kind: correction.kind,
      debitAccountId: correction.debit_account_id,
      creditAccountId: correction.credit_account_id,
      amountMinor: correction.amount_minor,
      reversedMinor: correction.reversed_minor,
    });
  }
  const accounts = new Map<string, LedgerAccount>();
  for (const account of loaded.rows) if (account.loaded === null) accounts.set(account.id, accountFromRow(account));
  return { existing, accounts, pendings, corrections, head };
}

function timestampOrNull(milliseconds: number | null): Date | null {
  return milliseconds === null ? null : new Date(milliseconds);
}

/** Writes a decided batch with one statement: transfers, pendings, account totals and the head. */
async function writeOutcome(client: LedgerClient, outcome: EngineOutcome, state: EngineState, now: Date): Promise<void> {
  const created = outcome.created;
  const accountIds = [...outcome.touchedAccountIds].sort();
  const accounts = accountIds.map((id) => state.accounts.get(id)!);
  const newPendings = [...outcome.newPendings.values()];
  const resolvedPendings = [...outcome.resolvedPendings.values()];
  await client.query({
    name: 'ledger_write_outcome',
    text: `with inserted as (
       insert into ledger_transfer (${TRANSFER_COLUMNS})
       select t.*, $19::timestamptz from unnest($1::uuid[], $2::bigint[], $3::text[], $4::uuid[], $5::uuid[], $6::bigint[], $7::text[], $8::uuid[],
         $9::integer[], $10::boolean[], $11::text[], $12::text[], $13::text[], $14::uuid[], $15::jsonb[], $16::text[], $17::text[], $18::text[]) as t
     ), accounts as (
       update ledger_account a
          set debits_posted = u.debits_posted, credits_posted = u.credits_posted, debits_pending = u.debits_pending, credits_pending = u.credits_pending
         from unnest($20::uuid[], $21::bigint[], $22::bigint[], $23::bigint[], $24::bigint[]) as u (id, debits_posted, credits_posted, debits_pending, credits_pending)
        where a.id = u.id
     ), new_pendings as (
       insert into ledger_pending (transfer_id, debit_account_id, credit_account_id, amount_minor, currency, timeout_at, status, resolved_by_id, posted_amount_minor, resolved_at)
       select * from unnest($25::uuid[], $26::uuid[], $27::uuid[], $28::bigint[], $29::text[], $30::timestamptz[], $31::text[], $32::uuid[], $33::bigint[], $34::timestamptz[])
     ), resolved_pendings as (
       update ledger_pending p set status = r.status, resolved_by_id = r.resolved_by_id, posted_amount_minor = r.posted_amount_minor, resolved_at = $19::timestamptz
         from unnest($35::uuid[], $36::text[], $37::uuid[], $38::bigint[]) as r (transfer_id, status, resolved_by_id, posted_amount_minor)
        where p.transfer_id = r.transfer_id
     )
     update ledger_head set last_sequence = $39, last_hash = $40 where id = 1`,
    values: [
      created.map((transfer) => transfer.id),
      created.map((transfer) => transfer.sequence),
      created.map((transfer) => transfer.kind),
      created.map((transfer) => transfer.debitAccountId),
      created.map((transfer) => transfer.creditAccountId),
      created.map((transfer) => transfer.amountMinor),
      created.map((transfer) => transfer.currency),
      created.map((transfer) => transfer.pendingId),
      created.map((transfer) => transfer.timeoutSeconds),
      created.map((transfer) => transfer.linked),
      created.map((transfer) => transfer.reason),
      created.map((transfer) => transfer.referenceType),
      created.map((transfer) => transfer.referenceId),
      created.map((transfer) => transfer.correctsId),
      created.map((transfer) => JSON.stringify(transfer.metadata)),
      created.map((transfer) => transfer.bodyHash),
      created.map((transfer) => transfer.previousHash),
      created.map((transfer) => transfer.hash),
      now,
      accountIds,
      accounts.map((account) => account.debitsPosted),
      accounts.map((account) => account.creditsPosted),
      accounts.map((account) => account.debitsPending),
      accounts.map((account) => account.creditsPending),
      newPendings.map((pending) => pending.transferId),
      newPendings.map((pending) => pending.debitAccountId),
      newPendings.map((pending) => pending.creditAccountId),
      newPendings.map((pending) => pending.amountMinor),
      newPendings.map((pending) => pending.currency),
      newPendings.map((pending) => timestampOrNull(pending.timeoutAtMs)),
      newPendings.map((pending) => pending.status),
      newPendings.map((pending) => pending.resolvedById),
      newPendings.map((pending) => pending.postedAmountMinor),
      newPendings.map((pending) => timestampOrNull(pending.resolvedAtMs)),
      resolvedPendings.map((pending) => pending.transferId),
      resolvedPendings.map((pending) => pending.status),
      resolvedPendings.map((pending) => pending.resolvedById),
      resolvedPendings.map((pending) => pending.postedAmountMinor),
      outcome.head.sequence,
      outcome.head.hash,
    ],
  });
}

/**
 * The one write path of the ledger. Runs inside a transaction on `client`: takes the head lock (which
 * serialises every ledger writer in every process, orders the chain and rules out deadlocks) and
 * loads what the rules need in the same round trip, decides in memory, then writes with one statement. With
 * `begin: true` it opens the transaction itself (the caller commits); otherwise the caller's is used.
 */
export async function applyTransfers(client: LedgerClient, transfers: readonly TransferInput[], now: Date, options: { begin?: boolean } = {}): Promise<TransferResult[]> {
  const state = await lockHeadAndLoadState(client, transfers, options.begin === true);
  const outcome = decideTransfers(transfers, state, now);
  if (outcome.created.length) await writeOutcome(client, outcome, state, now);
  return outcome.results;
}
