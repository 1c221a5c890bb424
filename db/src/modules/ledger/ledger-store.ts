import type pg from 'pg';
import { accountFromRow, type AccountRow } from './ledger-accounts.ts';
import { decideTransfers, UUID_PATTERN, type EngineOutcome, type EngineState } from './ledger-engine.ts';
import type { CorrectionTarget, LedgerAccount, LedgerTransfer, PendingState, TransferInput, TransferKind, TransferResult } from './ledger.types.ts';

/** Anything that runs SQL on one connection: a pooled client holding a transaction open. */
export type LedgerClient = Pick<pg.PoolClient, 'query'>;

export interface TransferRow {
  id: string;
  sequence: number | null;
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
  previous_hash: string | null;
  hash: string | null;
  created_at: Date;
}

export const TRANSFER_COLUMNS =
  'id, sequence, kind, debit_account_id, credit_account_id, amount_minor, currency, pending_id, timeout_seconds, linked, reason, ' +
  'reference_type, reference_id, corrects_id, metadata, body_hash, previous_hash, hash, created_at';

/** What a writer inserts; `sequence`, `previous_hash` and `hash` stay null until the sealer fills them in. */
const UNSEALED_TRANSFER_COLUMNS =
  'id, kind, debit_account_id, credit_account_id, amount_minor, currency, pending_id, timeout_seconds, linked, reason, ' +
  'reference_type, reference_id, corrects_id, metadata, body_hash, created_at';

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

/**
 * The account locks of a ledger write (docs/ledger.md §5): every account the batch names, and the accounts
 * of the pendings it resolves, locked in id order by one statement. Every rule reads state that belongs
 * to an account the transfer touches, so these locks serialise exactly the writers that could conflict
 * (and one ledger call never deadlocks another: both lock in the same order). Writers of unrelated
 * accounts proceed side by side; nothing global is taken (the chain is sealed after commit).
 * `for no key update` is the lock the row's UPDATE takes anyway: it queues writers of the account but not
 * the key-share locks of foreign keys (a caller's row that references the account, inserted earlier in
 * the same transaction, must not make two such callers deadlock). `= any(array(...))`: the ids are
 * computed once, then each row is found through the primary key.
 */
const ACCOUNT_LOCK_SQL = `
  select id from ledger_account
   where id = any(array(select unnest($1::uuid[])
                        union select debit_account_id from ledger_pending where transfer_id = any($2::uuid[])
                        union select credit_account_id from ledger_pending where transfer_id = any($2::uuid[])))
   order by id for no key update`;

// Everything the rules look at, in one round trip: every account involved (also those of the pendings
// named) as plain rows, and one extra row whose `loaded` column carries, as JSON, the existing ids, the
// pendings and the corrected transfers (usually few). Accounts stay out of the JSON because building
// JSON per row costs more than the rows themselves once batches grow. Runs after the account locks, so
// that its snapshot includes the commit of every earlier writer of those accounts.
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
 * The lock and the state query are session-level prepared statements (`PREPARE`), so that both go in the
 * SAME round trip as two statements of one simple query (`execute lock; execute load`), each planned once
 * per connection: the locks are then held for one round trip less per ledger write (lock -> load would be
 * two trips, each waiting on the API's event loop while the other writers of those accounts queue).
 * Prepared statements outlive the transaction that prepared them, even a rolled-back one; which
 * connections have them is remembered per client object and, for a client object not seen before, asked
 * of pg_prepared_statements first (before any lock), so a PREPARE never fails on "already exists" inside
 * a caller's transaction.
 */
const LOCK_ACCOUNTS_STATEMENT = 'ledger_lock_accounts_v1';
const LOAD_STATE_STATEMENT = 'ledger_load_state_v1';
const SESSION_STATEMENTS: Record<string, string> = {
  [LOCK_ACCOUNTS_STATEMENT]: `prepare ${LOCK_ACCOUNTS_STATEMENT} (uuid[], uuid[]) as ${ACCOUNT_LOCK_SQL}`,
  [LOAD_STATE_STATEMENT]: `prepare ${LOAD_STATE_STATEMENT} (uuid[], uuid[], uuid[], uuid[]) as ${LOAD_STATE_SQL}`,
};
const preparedClients = new WeakSet<object>();

async function prepareSessionStatements(client: LedgerClient): Promise<void> {
  if (preparedClients.has(client)) return;
  const existing = await client.query<{ name: string }>({
    name: 'ledger_session_statements_prepared',
    text: 'select name from pg_prepared_statements where name = any($1)',
    values: [Object.keys(SESSION_STATEMENTS)],
  });
  const present = new Set(existing.rows.map((row) => row.name));
  for (const [name, statement] of Object.entries(SESSION_STATEMENTS)) if (!present.has(name)) await client.query(statement);
  preparedClients.add(client);
}

/** A uuid[] literal; every element already matched UUID_PATTERN (uuidsOf), so nothing else can get in. */
function uuidArrayLiteral(ids: string[]): string {
  return `'{${ids.join(',')}}'::uuid[]`;
}

/**
 * Locks the accounts involved and loads everything the batch's rules look at, in one round trip: two
 * statements of one simple query (three with `begin`). Under READ COMMITTED each statement takes its own
 * snapshot, so the load, which runs once the locks are granted, sees every earlier writer's commit on
 * those accounts (its transfers, its pendings' new state, its reversals).
 */
async function lockAccountsAndLoadState(client: LedgerClient, transfers: readonly TransferInput[], begin: boolean): Promise<EngineState> {
  await prepareSessionStatements(client);
  const parameters = [
    uuidsOf(transfers.map((transfer) => transfer.id)),
    uuidsOf(transfers.flatMap((transfer) => [transfer.debitAccountId, transfer.creditAccountId])),
    uuidsOf(transfers.map((transfer) => transfer.pendingId)),
    uuidsOf(transfers.map((transfer) => transfer.correctsId)),
  ].map(uuidArrayLiteral);
  const lock = `execute ${LOCK_ACCOUNTS_STATEMENT}(${parameters[1]}, ${parameters[2]})`;
  const results = (await client.query(`${begin ? 'begin; ' : ''}${lock}; execute ${LOAD_STATE_STATEMENT}(${parameters.join(', ')})`)) as unknown as pg.QueryResult[];
  return stateFromRows(results[results.length - 1]!.rows as LoadedRow[]);
}

function stateFromRows(rows: LoadedRow[]): EngineState {
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
  return { existing, accounts, pendings, corrections };
}

function timestampOrNull(milliseconds: number | null): Date | null {
  return milliseconds === null ? null : new Date(milliseconds);
}

/** Writes a decided batch with one statement: transfers (unsealed), pendings and account totals. */
async function writeOutcome(client: LedgerClient, outcome: EngineOutcome, state: EngineState, now: Date): Promise<void> {
  const created = outcome.created;
  const accountIds = [...outcome.touchedAccountIds].sort();
  const accounts = accountIds.map((id) => state.accounts.get(id)!);
  const newPendings = [...outcome.newPendings.values()];
  const resolvedPendings = [...outcome.resolvedPendings.values()];
  // Rows are inserted in batch order, so `append_order` (their default) keeps a pending before its post
  // and an original before its correction within one batch too: the sealer seals in that order.
  await client.query({
    name: 'ledger_write_outcome_v2',
    text: `with inserted as (
       insert into ledger_transfer (${UNSEALED_TRANSFER_COLUMNS})
       select t.id, t.kind, t.debit_account_id, t.credit_account_id, t.amount_minor, t.currency, t.pending_id, t.timeout_seconds, t.linked, t.reason,
              t.reference_type, t.reference_id, t.corrects_id, t.metadata, t.body_hash, $16::timestamptz
         from unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::bigint[], $6::text[], $7::uuid[], $8::integer[], $9::boolean[], $10::text[],
                     $11::text[], $12::text[], $13::uuid[], $14::jsonb[], $15::text[]) with ordinality
              as t (id, kind, debit_account_id, credit_account_id, amount_minor, currency, pending_id, timeout_seconds, linked, reason,
                    reference_type, reference_id, corrects_id, metadata, body_hash, position)
        order by t.position
     ), accounts as (
       update ledger_account a
          set debits_posted = u.debits_posted, credits_posted = u.credits_posted, debits_pending = u.debits_pending, credits_pending = u.credits_pending
         from unnest($17::uuid[], $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[]) as u (id, debits_posted, credits_posted, debits_pending, credits_pending)
        where a.id = u.id
     ), new_pendings as (
       insert into ledger_pending (transfer_id, debit_account_id, credit_account_id, amount_minor, currency, timeout_at, status, resolved_by_id, posted_amount_minor, resolved_at)
       select * from unnest($22::uuid[], $23::uuid[], $24::uuid[], $25::bigint[], $26::text[], $27::timestamptz[], $28::text[], $29::uuid[], $30::bigint[], $31::timestamptz[])
     )
     update ledger_pending p set status = r.status, resolved_by_id = r.resolved_by_id, posted_amount_minor = r.posted_amount_minor, resolved_at = $16::timestamptz
       from unnest($32::uuid[], $33::text[], $34::uuid[], $35::bigint[]) as r (transfer_id, status, resolved_by_id, posted_amount_minor)
      where p.transfer_id = r.transfer_id`,
    values: [
      created.map((transfer) => transfer.id),
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
    ],
  });
}

/** A batch decided under its accounts' locks; `write()` sends its write at once (nothing if nothing was created). */
export interface DecidedBatch {
  results: TransferResult[];
  write(): Promise<void>;
}

/**
 * The one write path of the ledger, in two halves. Runs inside a transaction on `client`: locks the accounts
 * involved (in id order, in the same round trip as the load of what the rules need) and decides in memory;
 * the decided batch's `write()` then writes with one statement, and the caller may send more behind it in
 * the same round trip (the commit, the seal). Nothing global is locked: the transfers are appended unsealed
 * and get their place in the hash chain from the sealer after commit (ledger-sealer.ts). With `begin: true`
 * it opens the transaction itself (the caller commits); otherwise the caller's is used.
 */
export async function lockAndDecide(client: LedgerClient, transfers: readonly TransferInput[], now: Date, options: { begin?: boolean } = {}): Promise<DecidedBatch> {
  const state = await lockAccountsAndLoadState(client, transfers, options.begin === true);
  const outcome = decideTransfers(transfers, state, now);
  return {
    results: outcome.results,
    write: async () => {
      if (outcome.created.length) await writeOutcome(client, outcome, state, now);
    },
  };
}
