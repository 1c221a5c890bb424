import { containsPattern } from '../../search-pattern.ts';
import type { FilterQuery } from '@mikro-orm/postgresql';
import { actorId, type Actor, type MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import { crashPoint } from '../../crash-points.ts';
import { IdempotencyRaceLost, isUniqueViolation, runIdempotent, type EarlierRequest } from '../../idempotency/idempotency.ts';
import { sha256Hex } from '../../secrets.ts';
import { describeError, silentLogger, type ServiceLogger } from '../../service-logger.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { assertPlatformScope, financeScope } from '../finance/finance-scope.ts';
import { accountBalances, accountFromRow, type AccountRow } from '../ledger/ledger-accounts.ts';
import { canonicalValue } from '../ledger/ledger-hash.ts';
import type { LedgerRecipes } from '../ledger/ledger-recipes.ts';
import type { LedgerClient } from '../ledger/ledger-store.ts';
import { LedgerTransferError } from '../ledger/ledger.errors.ts';
import type { LedgerTransfer, TransferInput } from '../ledger/ledger.types.ts';
import { LocalPaymentsProvider, type CardMovementInput } from './local-payout-provider.ts';
import { PayoutEntity, type Payout } from './payout.entity.ts';
import type { PaymentsProvider, ProviderEvent, ProviderRecord } from './payout-provider.ts';
import {
  LocalProviderRequiredError,
  PayoutAlreadyPostedError,
  PayoutAlreadyVoidedError,
  PayoutExpiredError,
  PayoutInsufficientFundsError,
  PayoutPostedCannotFailError,
  PayoutVoidedCannotPostError,
  ProviderEventReusedError,
  UnknownPayoutProviderError,
} from './payouts.errors.ts';
import type { LocalSettleInput, PayoutCreateInput, PayoutListFilterInput } from './payouts.schemas.ts';
import { payoutFromRow, type PayoutRow } from './payout-row.ts';

/** What payouts need of the ledger (LedgerService provides it): the payout recipes and a write inside our transaction. */
export interface PayoutLedger {
  readonly recipes: Pick<LedgerRecipes, 'payoutStart' | 'payoutComplete' | 'payoutFail'>;
  recordInTransaction(client: LedgerClient, transfers: readonly TransferInput[]): Promise<LedgerTransfer[]>;
}

/** Two weeks: far longer than any provider takes to confirm a payout; the backstop, not the schedule. */
export const DEFAULT_PAYOUT_HOLD_TIMEOUT_SECONDS = 14 * 86_400;

export interface ProviderEventOutcome {
  outcome: 'applied' | 'duplicate';
  payout: Payout;
}

/**
 * Payouts: a merchant's available balance, held by a pending ledger transfer while the provider pays it,
 * posted when the provider confirms, voided (the money available again) when it fails. The provider's
 * callbacks are recorded by event id, so a duplicate delivery changes nothing a second time.
 */
export class PayoutsService {
  private readonly logger: ServiceLogger;

  constructor(
    private readonly database: Database,
    private readonly ledger: PayoutLedger,
    private readonly provider: PaymentsProvider,
    private readonly options: { holdTimeoutSeconds: number; logger?: ServiceLogger } = { holdTimeoutSeconds: DEFAULT_PAYOUT_HOLD_TIMEOUT_SECONDS },
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  get providerName(): string {
    return this.provider.name;
  }

  async list(actor: Actor, query: ListQuery<PayoutListFilterInput>): Promise<ListPage<Payout>> {
    const scope = financeScope(actor);
    const conditions: FilterQuery<Payout>[] = [];
    if (scope.type === 'merchant') conditions.push({ merchantId: scope.merchantId });
    if (query.filter.id) conditions.push({ id: { $in: query.filter.id } });
    if (query.filter.status) conditions.push({ status: query.filter.status });
    if (query.filter.currency) conditions.push({ currency: query.filter.currency });
    if (query.filter.merchantId) conditions.push({ merchantId: query.filter.merchantId });
    if (query.filter.q) conditions.push({ providerReference: { $ilike: containsPattern(query.filter.q) } });
    return findPage(this.database.orm.em.fork(), PayoutEntity, conditions.length ? { $and: conditions } : {}, query);
  }

  async get(actor: Actor, id: string): Promise<Payout> {
    const scope = financeScope(actor);
    const payout = await this.database.orm.em.fork().findOne(PayoutEntity, scope.type === 'merchant' ? { id, merchantId: scope.merchantId } : { id });
    if (!payout) throw new NotFoundError('payout', id);
    return payout;
  }

  /**
   * Holds `amountMinor` of the merchant's available balance and asks the provider to pay it. More than
   * is available is refused before anything is written; the ledger refuses it again under a race. The
   * hold carries a timeout (PAYOUT_HOLD_TIMEOUT_SECONDS): if the provider never answers, the ledger
   * expires it and the sweeper marks the payout `expired`. `replayed` is true when an earlier request
   * with the same Idempotency-Key is answered instead.
   */
  async request(actor: MerchantActor, input: PayoutCreateInput, idempotencyKey: string): Promise<{ payout: Payout; replayed: boolean }> {
    const request = { amountMinor: input.amountMinor, currency: input.currency };
    const { result, replayed } = await runIdempotent<Payout>({
      key: idempotencyKey,
      request,
      find: (key) => this.findEarlier(actor.merchantId, key),
      perform: () => this.hold(actor, input, idempotencyKey, request),
    });
    return { payout: result, replayed };
  }

  /**
   * Hands a pending payout that the provider never accepted to it again (the sweeper, or a retried
   * request): the provider is idempotent on the payout id. A failure is logged and recorded on the
   * payout (attempts, last error) and the payout stays pending: nothing is dropped.
   */
  async resubmit(payoutId: string): Promise<Payout> {
    const { rows } = await this.database.pool.query<PayoutRow>('select * from payout where id = $1', [payoutId]);
    if (!rows[0]) throw new NotFoundError('payout', payoutId);
    return this.submitRecorded(payoutFromRow(rows[0]));
  }

  /**
   * Payouts whose ledger hold expired (the ledger's two-phase timeout released the money) follow it:
   * `expired`, with the expiry as their resolution, an outbox event, and a flag for an operator, since
   * the provider may still pay a payout whose money is available again.
   */
  async expireLapsedHolds(limit = 200): Promise<{ expired: number }> {
    const { rows } = await this.database.pool.query<{ id: string }>(
      `select payout.id from payout join ledger_pending pending on pending.transfer_id = payout.hold_transfer_id
        where payout.status = 'pending' and pending.status = 'expired' order by payout.created_at limit $1`,
      [limit],
    );
    let expired = 0;
    for (const { id } of rows) {
      const done = await withPoolTransaction(this.database.pool, async (client) => {
        const locked = (await client.query<PayoutRow>('select * from payout where id = $1 for update', [id])).rows[0];
        if (!locked || locked.status !== 'pending') return false;
        const expiry = await client.query<{ id: string }>(`select resolved_by_id as id from ledger_pending where transfer_id = $1 and status = 'expired'`, [locked.hold_transfer_id]);
        if (!expiry.rows[0]) return false;
        await client.query(
          `update payout set status = 'expired', expired_at = now(), resolution_transfer_id = $2, failure_code = 'hold_expired',
                  failure_message = 'The provider did not confirm the payout before its hold timed out; the money is available again.',
                  needs_attention_at = now(), attention_reason = 'hold_expired', updated_at = now()
            where id = $1`,
          [id, expiry.rows[0].id],
        );
        await addToOutbox(client, {
          type: 'payout.expired',
          aggregateType: 'payout',
          aggregateId: id,
          merchantId: locked.merchant_id,
          payload: { payoutId: id, merchantId: locked.merchant_id, amountMinor: locked.amount_minor, currency: locked.currency, providerReference: locked.provider_reference },
        });
        return true;
      });
      if (done) {
        expired += 1;
        this.logger.warn({ payoutId: id }, 'payout hold expired before the provider answered; flagged for an operator');
      }
    }
    return { expired };
  }

  /** Flags a payout for an operator with the latest reason (a provider speaking after the hold expired outranks the expiry). */
  async flagForOperator(payoutId: string, reason: string): Promise<void> {
    await this.database.pool.query(
      `update payout set needs_attention_at = coalesce(needs_attention_at, now()), attention_reason = $2, updated_at = now() where id = $1`,
      [payoutId, reason],
    );
  }

  private async hold(actor: MerchantActor, input: PayoutCreateInput, idempotencyKey: string, request: Record<string, unknown>): Promise<Payout> {
    const account = await this.availableAccount(actor.merchantId, input.currency);
    const availableMinor = account ? accountBalances(account).availableMinor : 0;
    if (!account || availableMinor < input.amountMinor) {
      // A twin with this key may have committed between the look-up and this check, holding the money.
      if (await this.findByIdempotencyKey(this.database.pool, actor.merchantId, idempotencyKey)) throw new IdempotencyRaceLost();
      throw new PayoutInsufficientFundsError(Math.max(availableMinor, 0));
    }

    const payoutId = newId();
    const legs = await this.ledger.recipes.payoutStart({
      eventId: `payout:${payoutId}`,
      payoutId,
      merchantId: actor.merchantId,
      currency: input.currency,
      amountMinor: input.amountMinor,
      timeoutSeconds: this.options.holdTimeoutSeconds,
    });
    const hold = legs[0]!;
    let payout: Payout;
    try {
      payout = await withPoolTransaction(this.database.pool, async (client) => {
        const { rows } = await client.query<PayoutRow>(
          `insert into payout (id, merchant_id, currency, amount_minor, status, provider, source_account_id, hold_transfer_id, requested_by, idempotency_key, idempotency_request)
           values ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10) returning *`,
          [payoutId, actor.merchantId, input.currency, input.amountMinor, this.provider.name, hold.debitAccountId, hold.id, actorId(actor), idempotencyKey, JSON.stringify(request)],
        );
        await addToOutbox(client, {
          type: 'payout.requested',
          aggregateType: 'payout',
          aggregateId: payoutId,
          merchantId: actor.merchantId,
          payload: { payoutId, merchantId: actor.merchantId, amountMinor: input.amountMinor, currency: input.currency },
        });
        // Last, as the ledger asks: its account locks are held from here to the commit.
        await this.ledger.recordInTransaction(client, legs);
        return payoutFromRow(rows[0]!);
      });
    } catch (error) {
      if (error instanceof LedgerTransferError && error.code === 'insufficient_funds') {
        if (await this.findByIdempotencyKey(this.database.pool, actor.merchantId, idempotencyKey)) throw new IdempotencyRaceLost();
        const latest = await this.availableAccount(actor.merchantId, input.currency);
        throw new PayoutInsufficientFundsError(Math.max(latest ? accountBalances(latest).availableMinor : 0, 0));
      }
      // Two requests raced with one Idempotency-Key: the loser answers with the winner's payout.
      if (isUniqueViolation(error, 'payout_merchant_id_idempotency_key_key')) throw new IdempotencyRaceLost();
      throw error;
    }
    // Committed: the money is held and the payout recorded before the provider is asked.
    return this.submitRecorded(payout);
  }

  /** Asks the provider, after the commit; a failure is logged and recorded, never dropped (see resubmit). */
  private async submitRecorded(payout: Payout): Promise<Payout> {
    if (payout.status !== 'pending' || payout.providerReference !== null) return payout;
    await this.database.pool.query('update payout set attempt_count = attempt_count + 1, last_attempt_at = now(), updated_at = now() where id = $1', [payout.id]);
    crashPoint('payout.before_provider_call');
    try {
      return await this.submit(payout);
    } catch (error) {
      // The money is held and the payout recorded; only the provider could not be reached. It stays
      // pending without a provider reference, with the error: the sweeper submits it again (the provider
      // is idempotent on the payout id), and flags it for an operator once its retries are spent.
      this.logger.error(
        { payoutId: payout.id, merchantId: payout.merchantId, amountMinor: payout.amountMinor, currency: payout.currency, provider: this.provider.name, err: error },
        'payout could not be handed to the provider; it stays pending for the sweeper',
      );
      const { rows } = await this.database.pool.query<PayoutRow>(`update payout set last_error = $2, updated_at = now() where id = $1 returning *`, [payout.id, describeError(error)]);
      return payoutFromRow(rows[0]!);
    }
  }

  /**
   * Applies the provider's word on a payout: paid -> the hold is posted and the money leaves through
   * `world`; failed -> the hold is voided and the money is available again. An event id seen before
   * with the same body is answered `duplicate` and changes nothing; a new event that does not fit the
   * payout's state is refused with a code per case.
   */
  async applyProviderEvent(actor: Actor, event: ProviderEvent): Promise<ProviderEventOutcome> {
    assertPlatformScope(actor);
    if (event.provider !== this.provider.name) throw new UnknownPayoutProviderError(this.provider.name);
    const bodyHash = sha256Hex(JSON.stringify(canonicalValue(event)));
    const { rows } = await this.database.pool.query<PayoutRow>('select * from payout where provider = $1 and provider_reference = $2', [event.provider, event.providerReference]);
    const found = rows[0];
    if (!found) throw new NotFoundError('payout', event.providerReference);
    const legs =
      event.type === 'payout.paid'
        ? await this.ledger.recipes.payoutComplete({ eventId: `payout:${found.id}:paid`, payoutTransferId: found.hold_transfer_id })
        : await this.ledger.recipes.payoutFail({ eventId: `payout:${found.id}:failed`, payoutTransferId: found.hold_transfer_id });

    try {
      return await this.applyProviderEventInTransaction(event, found, legs, bodyHash);
    } catch (error) {
      if (error instanceof PayoutExpiredError) {
        this.logger.error({ payoutId: found.id, merchantId: found.merchant_id, event }, 'provider event for an expired payout; flagged for an operator');
        await this.flagForOperator(found.id, event.type === 'payout.paid' ? 'paid_after_hold_expired' : 'failed_after_hold_expired');
      }
      throw error;
    }
  }

  private applyProviderEventInTransaction(event: ProviderEvent, found: PayoutRow, legs: TransferInput[], bodyHash: string): Promise<ProviderEventOutcome> {
    return withPoolTransaction(this.database.pool, async (client) => {
      // The row lock serialises deliveries of one payout's events, duplicates included.
      const locked = (await client.query<PayoutRow>('select * from payout where id = $1 for update', [found.id])).rows[0]!;
      const seen = await client.query<{ body_hash: string }>('select body_hash from payout_provider_event where provider = $1 and event_id = $2', [event.provider, event.eventId]);
      if (seen.rows[0]) {
        if (seen.rows[0].body_hash !== bodyHash) throw new ProviderEventReusedError(event.eventId);
        return { outcome: 'duplicate' as const, payout: payoutFromRow(locked) };
      }
      assertTransition(locked, event.type);
      await client.query('insert into payout_provider_event (provider, event_id, payout_id, type, body_hash) values ($1, $2, $3, $4, $5)', [
        event.provider,
        event.eventId,
        locked.id,
        event.type,
        bodyHash,
      ]);
      const payout = await this.resolveInTransaction(client, locked, event.type === 'payout.paid' ? { outcome: 'paid' } : {
        outcome: 'failed',
        failureCode: event.failureCode ?? 'payout_failed',
        failureMessage: event.failureMessage ?? 'The provider reported the payout as failed.',
      }, legs[0]!.id);
      await this.ledger.recordInTransaction(client, legs);
      return { outcome: 'applied' as const, payout };
    });
  }

  /** The local provider's bank settles a payout; its callback is then applied like any provider's. */
  async settleWithLocalProvider(actor: Actor, providerReference: string, input: LocalSettleInput): Promise<ProviderEventOutcome & { event: ProviderEvent }> {
    assertPlatformScope(actor);
    const provider = this.localProvider();
    const event = await provider.settlePayout(providerReference, input.outcome, input.failureCode);
    return { event, ...(await this.applyProviderEvent(actor, event)) };
  }

  /** Books a card charge or refund at the local provider, as its card processor would (demo and tests). */
  async recordLocalCardMovement(actor: Actor, input: CardMovementInput): Promise<ProviderRecord> {
    assertPlatformScope(actor);
    return this.localProvider().recordCardMovement(input);
  }

  private localProvider(): LocalPaymentsProvider {
    if (!(this.provider instanceof LocalPaymentsProvider)) throw new LocalProviderRequiredError(this.provider.name);
    return this.provider;
  }

  /** Hands a held payout to the provider; a refusal on the spot voids the hold at once. */
  private async submit(payout: Payout): Promise<Payout> {
    const submission = await this.provider.createPayout({ payoutId: payout.id, merchantId: payout.merchantId, amountMinor: payout.amountMinor, currency: payout.currency });
    if (submission.status === 'pending') {
      const { rows } = await this.database.pool.query<PayoutRow>(
        `update payout set provider_reference = $2, last_error = null, updated_at = now() where id = $1 and status = 'pending' returning *`,
        [payout.id, submission.providerReference],
      );
      return payoutFromRow(rows[0]!);
    }
    const legs = await this.ledger.recipes.payoutFail({ eventId: `payout:${payout.id}:failed`, payoutTransferId: payout.holdTransferId });
    return withPoolTransaction(this.database.pool, async (client) => {
      const locked = (await client.query<PayoutRow>('select * from payout where id = $1 for update', [payout.id])).rows[0]!;
      if (locked.status !== 'pending') return payoutFromRow(locked);
      await client.query('update payout set provider_reference = $2 where id = $1', [payout.id, submission.providerReference]);
      const resolved = await this.resolveInTransaction(client, { ...locked, provider_reference: submission.providerReference }, {
        outcome: 'failed',
        failureCode: submission.failureCode,
        failureMessage: submission.failureMessage,
      }, legs[0]!.id);
      await this.ledger.recordInTransaction(client, legs);
      return resolved;
    });
  }

  private async resolveInTransaction(
    client: Queryable,
    payout: PayoutRow,
    result: { outcome: 'paid' } | { outcome: 'failed'; failureCode: string; failureMessage: string },
    resolutionTransferId: string,
  ): Promise<Payout> {
    const paid = result.outcome === 'paid';
    const { rows } = await client.query<PayoutRow>(
      `update payout
          set status = $2, resolution_transfer_id = $3, failure_code = $4, failure_message = $5,
              posted_at = case when $2 = 'posted' then now() end, voided_at = case when $2 = 'voided' then now() end, updated_at = now()
        where id = $1 returning *`,
      [payout.id, paid ? 'posted' : 'voided', resolutionTransferId, paid ? null : result.failureCode, paid ? null : result.failureMessage],
    );
    await addToOutbox(client, {
      type: paid ? 'payout.posted' : 'payout.voided',
      aggregateType: 'payout',
      aggregateId: payout.id,
      merchantId: payout.merchant_id,
      payload: { amountMinor: payout.amount_minor, currency: payout.currency, ...(paid ? {} : { failureCode: result.failureCode }) },
    });
    return payoutFromRow(rows[0]!);
  }

  private async findEarlier(merchantId: string, key: string): Promise<EarlierRequest<Payout> | null> {
    const earlier = await this.findByIdempotencyKey(this.database.pool, merchantId, key);
    if (!earlier) return null;
    // The first attempt may have held the money but never reached the provider: finish it now.
    return { request: earlier.idempotency_request, answer: () => this.submitRecorded(payoutFromRow(earlier)) };
  }

  private async findByIdempotencyKey(queryable: Queryable, merchantId: string, idempotencyKey: string): Promise<PayoutRow | null> {
    const { rows } = await queryable.query<PayoutRow>('select * from payout where merchant_id = $1 and idempotency_key = $2', [merchantId, idempotencyKey]);
    return rows[0] ?? null;
  }

  private async availableAccount(merchantId: string, currency: string) {
    const { rows } = await this.database.pool.query<AccountRow>(
      `select * from ledger_account where kind = 'merchant_available' and owner_id = $1 and currency = $2`,
      [merchantId, currency],
    );
    return rows[0] ? accountFromRow(rows[0]) : null;
  }
}

function assertTransition(payout: PayoutRow, type: ProviderEvent['type']): void {
  if (payout.status === 'expired') throw new PayoutExpiredError(payout.id);
  if (payout.status === 'posted') throw type === 'payout.paid' ? new PayoutAlreadyPostedError(payout.id) : new PayoutPostedCannotFailError(payout.id);
  if (payout.status === 'voided') throw type === 'payout.paid' ? new PayoutVoidedCannotPostError(payout.id) : new PayoutAlreadyVoidedError(payout.id);
}
