import { containsPattern } from '../../search-pattern.ts';
import type { FilterQuery } from '@mikro-orm/postgresql';
import { v5 as uuidv5 } from 'uuid';
import { actorId, isOperator, type Actor } from '../../actor.ts';
import { DEFAULT_LEDGER_ESCROW_SHARDS } from '../../config.ts';
import type { Database } from '../../database.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { afterCommit } from '../../pool-transaction.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import type { CurrencyCode } from '../../money.ts';
import { LedgerAccountEntity } from './ledger-account.entity.ts';
import { accountBalances, accountFromRow, KIND_RULES, mustNotGoBelowZero, type AccountBalances, type AccountRow } from './ledger-accounts.ts';
import { UUID_PATTERN } from './ledger-engine.ts';
import { orderPaymentEscrowAccountId } from './ledger-escrow.ts';
import { LedgerRecipes } from './ledger-recipes.ts';
import { LedgerSealer } from './ledger-sealer.ts';
import { lockAndDecide, TRANSFER_COLUMNS, transferFromRow, type DecidedBatch, type LedgerClient, type TransferRow } from './ledger-store.ts';
import { LedgerTransferEntity } from './ledger-transfer.entity.ts';
import { verifyLedger, type LedgerVerification } from './ledger-verify.ts';
import { LedgerWriter } from './ledger-writer.ts';
import { AccountNotKnownYet, LedgerBatchTooLargeError, LedgerTransferError } from './ledger.errors.ts';
import { MAX_TRANSFERS_PER_SUBMISSION, type AccountListFilterInput, type TransferListFilterInput } from './ledger.schemas.ts';
import type { AccountKind, DecidedTransfers, LedgerAccount, LedgerTransfer, OpenAccountInput, TransferInput, TransferResult } from './ledger.types.ts';

/** Two: one batch's round trips overlap the other's, while the pool keeps connections for the rest of the API. */
const DEFAULT_CONCURRENT_BATCHES = 2;

export interface LedgerServiceOptions {
  /** The ledger's clock: creation times, timeouts and expiry. Tests pass a fake one. */
  now?: () => Date;
  lingerMs?: number;
  maxBatchTransfers?: number;
  /** Ledger writer batches in flight at once (ledger-writer.ts). */
  maxConcurrentBatches?: number;
  /** The verifier's bound on the unsealed tail (docs/ledger.md §4). */
  sealMaxLagSeconds?: number;
  /** Escrow sub-accounts per currency that payments spread over by order id (docs/ledger.md §5). */
  escrowShards?: number;
}

export type LedgerAccountView = LedgerAccount & AccountBalances;

/** Namespace of the ids of expiry transfers: one id per pending transfer, so that workers racing agree. */
const EXPIRY_NAMESPACE = '6b0d2f3e-8a41-4c7b-b5d9-1e2f3a4b5c6d';
const ACCOUNT_CACHE_LIMIT = 50_000;
/** Highest escrow sub-account number (LEDGER_ESCROW_SHARDS at most 1,024). */
const MAX_ESCROW_SHARD = 1_023;

/** Operators (db/src/actor.ts) and the platform's own processes see and post across every merchant. */
function isPlatformWide(actor: Actor): boolean {
  return actor.type === 'system' || isOperator(actor);
}

function assertOperator(actor: Actor): void {
  if (!isPlatformWide(actor)) throw new ForbiddenError('operator_only', 'Only platform operators may do this.');
}

/** Adds keys to a transfer's metadata; metadata that is not an object is left for the engine to refuse, naming the field. */
function withMetadata(transfer: TransferInput, added: Record<string, unknown>): TransferInput {
  const { metadata } = transfer;
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) return transfer;
  // Object.assign, not a spread with a key added: see unsealedTransfer in ledger-engine.ts.
  return Object.assign({}, transfer, { metadata: Object.assign({}, metadata, added) });
}

function withBalances(account: LedgerAccount): LedgerAccountView {
  return { ...account, ...accountBalances(account) };
}

/** An account's identity (kind, currency, owner, shard) checked, and the key it is cached under. */
function accountIdentity(input: OpenAccountInput): { key: string; rule: (typeof KIND_RULES)[AccountKind]; ownerId: string | null; shard: number } {
  const rule = KIND_RULES[input.kind];
  if (!rule) throw new ValidationError({ kind: 'is not an account kind' });
  if (rule.ownerType === 'platform' && input.ownerId) throw new ValidationError({ ownerId: `a ${input.kind} account belongs to the platform; send no owner` });
  if (rule.ownerType !== 'platform' && !input.ownerId) throw new ValidationError({ ownerId: `a ${input.kind} account needs its ${rule.ownerType} id` });
  const shard = input.shard ?? 0;
  if (!Number.isInteger(shard) || shard < 0 || shard > MAX_ESCROW_SHARD) throw new ValidationError({ shard: `must be an integer from 0 to ${MAX_ESCROW_SHARD}` });
  if (shard > 0 && input.kind !== 'escrow') throw new ValidationError({ shard: 'only escrow is split into sub-accounts' });
  const ownerId = input.ownerId?.toLowerCase() ?? null;
  return { key: `${input.kind}:${input.currency}:${ownerId ?? ''}:${shard}`, rule, ownerId, shard };
}

/**
 * The wallet ledger (docs/ledger.md is the contract). Writes go through one path, ledger-store.ts's
 * lockAndDecide and its write, either via the in-process micro-batching writer (`submit`) or inside a
 * caller's own transaction (`applyInTransaction` and its kin). MikroORM serves only the read-side lists.
 */
export class LedgerService {
  readonly recipes: LedgerRecipes;
  /**
   * The recipes without I/O, for a transaction that already holds locks and must not wait for a second
   * pooled connection: every account comes from this process's cache of opened accounts, and one not
   * there yet is thrown as AccountNotKnownYet, for the caller to open (outside) and try again.
   */
  readonly knownAccountRecipes: Pick<LedgerRecipes, 'walletPayment'>;
  /** This process's sealer (chain positions after commit); the workers' ledger.seal job is the safety net. */
  readonly sealer: LedgerSealer;
  /** Escrow sub-accounts per currency that payments spread over (docs/ledger.md §5). */
  readonly escrowShards: number;
  private readonly writer: LedgerWriter;
  private readonly now: () => Date;
  private readonly sealMaxLagSeconds: number | undefined;
  private readonly accountIds = new Map<string, LedgerAccount>();

  constructor(
    private readonly database: Database,
    options: LedgerServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.escrowShards = options.escrowShards ?? DEFAULT_LEDGER_ESCROW_SHARDS;
    this.sealer = new LedgerSealer(database.pool);
    this.sealMaxLagSeconds = options.sealMaxLagSeconds;
    this.writer = new LedgerWriter(database.pool, this.sealer, {
      maxBatchTransfers: options.maxBatchTransfers ?? MAX_TRANSFERS_PER_SUBMISSION,
      lingerMs: options.lingerMs ?? 0,
      maxConcurrentBatches: options.maxConcurrentBatches ?? DEFAULT_CONCURRENT_BATCHES,
      now: this.now,
    });
    this.recipes = new LedgerRecipes({
      openAccount: (input) => this.openAccount(input),
      getTransferById: (id) => this.getTransferById(id),
      orderPaymentEscrowAccountId: (orderId) => orderPaymentEscrowAccountId(this.database.pool, orderId),
      escrowShards: this.escrowShards,
    });
    const readsNothing = async (): Promise<never> => {
      throw new Error('Invariant violated: known-account recipes read nothing');
    };
    this.knownAccountRecipes = new LedgerRecipes({
      openAccount: async (input) => this.knownAccount(input),
      getTransferById: readsNothing,
      orderPaymentEscrowAccountId: readsNothing,
      escrowShards: this.escrowShards,
    });
  }

  /** Finds or creates the account of (kind, currency, owner); safe to call concurrently. */
  async openAccount(input: OpenAccountInput): Promise<LedgerAccount> {
    const { key, rule, ownerId, shard } = accountIdentity(input);
    const cached = this.accountIds.get(key);
    if (cached) return cached;
    // Shard 0 stands for all of escrow's sub-accounts in finance (docs/ledger.md §5), so it exists before any other.
    if (shard > 0) await this.openAccount({ kind: input.kind, currency: input.currency });
    const merchantId = rule.ownerType === 'merchant' ? ownerId : (input.merchantId?.toLowerCase() ?? null);
    const inserted = await this.database.pool.query<AccountRow>(
      `insert into ledger_account (id, kind, currency, owner_type, owner_id, merchant_id, debits_must_not_exceed_credits, shard)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict on constraint ledger_account_identity do nothing
       returning *`,
      [newId(), input.kind, input.currency, rule.ownerType, ownerId, merchantId, mustNotGoBelowZero(input.kind), shard],
    );
    const row =
      inserted.rows[0] ??
      (
        await this.database.pool.query<AccountRow>('select * from ledger_account where kind = $1 and currency = $2 and owner_id is not distinct from $3 and shard = $4', [
          input.kind,
          input.currency,
          ownerId,
          shard,
        ])
      ).rows[0];
    if (!row) throw new Error(`Invariant violated: ledger account ${key} neither inserted nor found`);
    const account = accountFromRow(row);
    if (this.accountIds.size >= ACCOUNT_CACHE_LIMIT) this.accountIds.clear();
    // Only the identity is cached; balances of a cached account are stale by design.
    this.accountIds.set(key, account);
    return account;
  }

  /** An account this process has opened or found before, without I/O (knownAccountRecipes); else AccountNotKnownYet. */
  private knownAccount(input: OpenAccountInput): LedgerAccount {
    const account = this.accountIds.get(accountIdentity(input).key);
    if (!account) throw new AccountNotKnownYet(input);
    return account;
  }

  async getAccountById(id: string): Promise<LedgerAccountView | null> {
    if (!UUID_PATTERN.test(id)) return null;
    const row = (await this.database.pool.query<AccountRow>('select * from ledger_account where id = $1', [id])).rows[0];
    return row ? withBalances(accountFromRow(row)) : null;
  }

  async getTransferById(id: string): Promise<LedgerTransfer | null> {
    if (!UUID_PATTERN.test(id)) return null;
    const row = (await this.database.pool.query<TransferRow>(`select ${TRANSFER_COLUMNS} from ledger_transfer where id = $1`, [id])).rows[0];
    return row ? transferFromRow(row) : null;
  }

  /** Applies transfers through the process's batching writer; one result per transfer, in order. */
  async submit(transfers: readonly TransferInput[]): Promise<TransferResult[]> {
    if (transfers.length > MAX_TRANSFERS_PER_SUBMISSION) throw new LedgerBatchTooLargeError(MAX_TRANSFERS_PER_SUBMISSION);
    return this.writer.submit(transfers);
  }

  /**
   * Applies transfers inside the caller's open transaction on `client`, so that they commit with the
   * caller's own state. Holds the locks of the accounts it touched until that transaction ends: post
   * last, commit soon. The transfers come back unsealed (`sequence: null`); once the transaction commits,
   * withPoolTransaction has this process's sealer seal them before it returns.
   */
  async applyInTransaction(client: LedgerClient, transfers: readonly TransferInput[]): Promise<TransferResult[]> {
    const decided = await this.lockAndDecideInTransaction(client, transfers);
    await decided.write();
    return decided.results;
  }

  /**
   * recordInTransaction in two steps, for a caller whose transaction ends with these transfers: the
   * accounts are locked and the transfers decided (the first failure is thrown, nothing is written); then
   * `write()` sends the write, and the caller, once every other check of its own has passed, can send its
   * commit in the same round trip (commitBehind, db/src/pool-transaction.ts).
   */
  async decideInTransaction(client: LedgerClient, transfers: readonly TransferInput[]): Promise<DecidedTransfers> {
    const decided = await this.lockAndDecideInTransaction(client, transfers);
    return { transfers: LedgerService.transfersOrThrow(decided.results), write: decided.write };
  }

  private async lockAndDecideInTransaction(client: LedgerClient, transfers: readonly TransferInput[]): Promise<DecidedBatch> {
    if (transfers.length > MAX_TRANSFERS_PER_SUBMISSION) throw new LedgerBatchTooLargeError(MAX_TRANSFERS_PER_SUBMISSION);
    if (!transfers.length) return { results: [], write: async () => undefined };
    const decided = await lockAndDecide(client, transfers, this.now());
    if (decided.results.some((result) => result.status === 'created')) afterCommit(client, this.sealSoon);
    return decided;
  }

  /**
   * After a caller's commit (its locks already released): a seal within the sealer's linger, shared with
   * the other commits of that window; the caller does not wait for it (readers that order by the chain
   * seal first, docs/ledger.md §4). A failure is the ledger.seal job's to make up.
   */
  private readonly sealSoon = (): void => this.sealer.sealSoon();

  /** Seals every committed transfer (the workers' ledger.seal job; tests). */
  async seal(): Promise<number> {
    return this.sealer.seal();
  }

  /** Like submit, for callers that want the transfers or one DomainError (the first failure). */
  async record(transfers: readonly TransferInput[]): Promise<LedgerTransfer[]> {
    return LedgerService.transfersOrThrow(await this.submit(transfers));
  }

  /** Like applyInTransaction, throwing the first failure so that the caller's transaction rolls back. */
  async recordInTransaction(client: LedgerClient, transfers: readonly TransferInput[]): Promise<LedgerTransfer[]> {
    const decided = await this.decideInTransaction(client, transfers);
    await decided.write();
    return decided.transfers;
  }

  private static transfersOrThrow(results: TransferResult[]): LedgerTransfer[] {
    // The failure that caused a linked chain to fail says more than "linked_event_failed".
    const failures = results.filter((result) => result.status === 'failed');
    const cause = failures.find((result) => result.code !== 'linked_event_failed') ?? failures[0];
    if (cause) throw new LedgerTransferError(cause);
    return results.map((result) => (result as Extract<TransferResult, { transfer: LedgerTransfer }>).transfer);
  }

  /**
   * Expires pending transfers whose timeout has passed. Each expiry's id derives from its pending
   * transfer, so several workers running at once create one expiry each, never two.
   */
  async expirePendingTransfers(now: Date = this.now(), limit = 1_000): Promise<{ expired: number; skipped: number }> {
    const due = await this.database.pool.query<{ transfer_id: string }>(
      `select transfer_id from ledger_pending where status = 'pending' and timeout_at <= $1 order by timeout_at limit $2`,
      [now, limit],
    );
    if (!due.rows.length) return { expired: 0, skipped: 0 };
    const results = await this.submit(
      due.rows.map((row) => ({ id: uuidv5(row.transfer_id, EXPIRY_NAMESPACE), kind: 'expire_pending' as const, pendingId: row.transfer_id, reason: 'pending_expired' })),
    );
    const expired = results.filter((result) => result.status === 'created').length;
    return { expired, skipped: results.length - expired };
  }

  /** Runs the verifier here and now (npm run ledger:verify, tests); operators start runs in the workers (LedgerVerificationRuns). */
  async verify(): Promise<LedgerVerification> {
    return verifyLedger(this.database.pool, this.sealMaxLagSeconds === undefined ? {} : { sealMaxLagSeconds: this.sealMaxLagSeconds });
  }

  // The actor-facing verbs used by the HTTP routes.

  async createAccount(actor: Actor, input: OpenAccountInput): Promise<LedgerAccountView> {
    assertOperator(actor);
    const account = await this.openAccount(input);
    return (await this.getAccountById(account.id))!;
  }

  /**
   * An operator's own postings record who made them: the operator's staff user id goes into each
   * transfer's metadata (`postedByStaffUserId`), so the transfer API, the hash chain and the journal
   * exports all carry it. Whatever a caller put under that key is replaced.
   */
  async createTransfers(actor: Actor, input: { transfers: TransferInput[] }): Promise<TransferResult[]> {
    assertOperator(actor);
    const postedBy = actor.type === 'system' ? { postedBySystem: actor.process } : { postedByStaffUserId: actorId(actor) };
    return this.submit(input.transfers.map((transfer) => withMetadata(transfer, postedBy)));
  }

  async listAccounts(actor: Actor, query: ListQuery<AccountListFilterInput>): Promise<ListPage<LedgerAccountView>> {
    const where: FilterQuery<LedgerAccount> = {};
    if (!isPlatformWide(actor)) {
      if (!('merchantId' in actor)) throw new ForbiddenError('merchant_required', 'Sign in to a merchant to do this.');
      where.merchantId = actor.merchantId;
    }
    const { filter } = query;
    if (filter.id) where.id = { $in: filter.id };
    if (filter.kind) where.kind = filter.kind as AccountKind;
    if (filter.currency) where.currency = filter.currency as CurrencyCode;
    if (filter.ownerType) where.ownerType = filter.ownerType as LedgerAccount['ownerType'];
    if (filter.ownerId) where.ownerId = filter.ownerId;
    if (filter.merchantId) where.merchantId = filter.merchantId;
    if (filter.q) where.$or = [{ kind: { $ilike: containsPattern(filter.q) } }, { currency: { $ilike: containsPattern(filter.q) } }] as FilterQuery<LedgerAccount>[];
    const page = await findPage(this.database.orm.em.fork(), LedgerAccountEntity, where, query);
    return { ...page, items: page.items.map(withBalances) };
  }

  async getAccount(actor: Actor, id: string): Promise<LedgerAccountView> {
    const account = await this.getAccountById(id);
    if (!account || (!isPlatformWide(actor) && (!('merchantId' in actor) || account.merchantId !== actor.merchantId))) throw new NotFoundError('ledger_account', id);
    return account;
  }

  async listTransfers(actor: Actor, query: ListQuery<TransferListFilterInput>): Promise<ListPage<LedgerTransfer>> {
    assertOperator(actor);
    await this.sealer.sealBeforeRead();
    const where: FilterQuery<LedgerTransfer> = {};
    const { filter } = query;
    if (filter.id) where.id = { $in: filter.id };
    if (filter.accountId) where.$or = [{ debitAccountId: filter.accountId }, { creditAccountId: filter.accountId }];
    if (filter.kind) where.kind = filter.kind as LedgerTransfer['kind'];
    if (filter.currency) where.currency = filter.currency;
    if (filter.reason) where.reason = filter.reason;
    if (filter.referenceType) where.referenceType = filter.referenceType;
    if (filter.referenceId) where.referenceId = filter.referenceId;
    if (filter.pendingId) where.pendingId = filter.pendingId;
    if (filter.correctsId) where.correctsId = filter.correctsId;
    if (filter.from || filter.to) where.createdAt = { ...(filter.from ? { $gte: new Date(filter.from) } : {}), ...(filter.to ? { $lt: new Date(filter.to) } : {}) };
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      where.$and = [{ $or: [{ reason: { $ilike: pattern } }, { referenceId: { $ilike: pattern } }] }];
    }
    return findPage(this.database.orm.em.fork(), LedgerTransferEntity, where, query);
  }

  async getTransfer(actor: Actor, id: string): Promise<LedgerTransfer> {
    assertOperator(actor);
    await this.sealer.sealBeforeRead();
    const transfer = await this.getTransferById(id);
    if (!transfer) throw new NotFoundError('ledger_transfer', id);
    return transfer;
  }

  /** Finishes what is queued; later submissions are refused. */
  async close(): Promise<void> {
    await this.writer.close();
    await this.sealer.idle();
  }
}
