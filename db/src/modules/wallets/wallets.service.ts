import type pg from 'pg';
import type { Actor, ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { DomainError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { CurrencyCode } from '../../money.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import type { Queryable } from '../../pool-transaction.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import { IdempotencyRaceLost, runIdempotent, type EarlierRequest } from '../../idempotency/idempotency.ts';
import { crashPoint } from '../../crash-points.ts';
import { describeError, silentLogger, type ServiceLogger } from '../../service-logger.ts';
import type { PaymentEventContext } from '../payments/payment-event-handlers.ts';
import type { CardPaymentStart } from '../payments/payments.schemas.ts';
import type { PaymentsService } from '../payments/payments.service.ts';
import type { WalletTopUp } from './wallet-top-up.entity.ts';
import { WalletTopUpNotFoundError } from './wallets.errors.ts';
import type { TopUpCreateInput, WalletBalance, WalletQueryInput } from './wallets.schemas.ts';

const TOP_UP_COLUMNS = `id, shopper_id as "shopperId", amount_minor as "amountMinor", currency, status, payment_intent_id as "paymentIntentId",
  transfer_id as "transferId", failure_code as "failureCode", idempotency_key as "idempotencyKey", idempotency_request as "idempotencyRequest",
  credited_at as "creditedAt", created_at as "createdAt", updated_at as "updatedAt"`;

const TOP_UP_ACTOR: Actor = { type: 'system', process: 'wallet.top_up' };

export interface TopUpStart {
  topUp: WalletTopUp;
  /** Null once the top-up has been credited: there is nothing left to confirm. */
  payment: CardPaymentStart | null;
  replayed: boolean;
}

async function findTopUp(queryable: Queryable, id: string, shopperId: string | null, lock = false): Promise<WalletTopUp | null> {
  const { rows } = await queryable.query<WalletTopUp>(
    `select ${TOP_UP_COLUMNS} from wallet_top_up where id = $1 and ($2::uuid is null or shopper_id = $2)${lock ? ' for update' : ''}`,
    [id, shopperId],
  );
  return rows[0] ?? null;
}

/**
 * The shopper's wallet as the widget sees it: its balance, and top-ups by card. A top-up credits the
 * wallet (card clearing -> shopper wallet) only when Stripe's webhook says the money arrived, exactly
 * once per top-up, through the same webhook path as card-paid orders.
 */
export class WalletsService {
  private readonly logger: ServiceLogger;

  constructor(private readonly dependencies: { database: Database; ledger: LedgerService; payments: PaymentsService; logger?: ServiceLogger }) {
    this.logger = dependencies.logger ?? silentLogger;
    dependencies.payments.onEvent('payment_intent.succeeded', (context) => this.onSucceeded(context));
    dependencies.payments.onEvent('payment_intent.payment_failed', (context) => this.onFailed(context));
  }

  /** A wallet nobody has paid into yet has a balance of zero; reading it opens nothing. */
  async balance(actor: ShopperActor, input: WalletQueryInput): Promise<WalletBalance> {
    const { rows } = await this.dependencies.database.pool.query<{ balanceMinor: number; availableMinor: number }>(
      `select credits_posted - debits_posted as "balanceMinor", credits_posted - debits_posted - debits_pending as "availableMinor"
         from ledger_account where kind = 'shopper_wallet' and owner_id = $1 and currency = $2`,
      [actor.shopperId, input.currency],
    );
    const balanceMinor = rows[0]?.balanceMinor ?? 0;
    const availableMinor = rows[0]?.availableMinor ?? 0;
    return { currency: input.currency, balanceMinor, availableMinor, heldMinor: balanceMinor - availableMinor };
  }

  /**
   * Starts a top-up. The row is committed first (the intent to top up), the payment intent is created
   * at Stripe after that commit, with the key `wallet_top_up:<id>`, and its id recorded: no transaction
   * is open while Stripe is asked. A crash in between leaves a pending top-up without an intent, which a
   * retry with the same Idempotency-Key, or the sweeper, completes with the same Stripe key. Another
   * body with the key is a 409.
   */
  async startTopUp(actor: ShopperActor, input: TopUpCreateInput & { idempotencyKey: string }): Promise<TopUpStart> {
    const request = { amountMinor: input.amountMinor, currency: input.currency };
    const { result, replayed } = await runIdempotent<Omit<TopUpStart, 'replayed'>>({
      key: input.idempotencyKey,
      request,
      find: (key) => this.findEarlier(actor, key),
      perform: async () => {
        const { rows } = await this.dependencies.database.pool.query<WalletTopUp>(
          `insert into wallet_top_up (id, shopper_id, amount_minor, currency, idempotency_key, idempotency_request)
           values ($1, $2, $3, $4, $5, $6)
           on conflict (shopper_id, idempotency_key) do nothing
           returning ${TOP_UP_COLUMNS}`,
          [newId(), actor.shopperId, input.amountMinor, input.currency, input.idempotencyKey, JSON.stringify(request)],
        );
        const topUp = rows[0];
        if (!topUp) throw new IdempotencyRaceLost();
        return this.resumeTopUp(topUp);
      },
    });
    return { ...result, replayed };
  }

  /**
   * Creates (or finds again, by its Stripe key) the payment intent of a pending top-up and links it. The
   * sweeper calls it for top-ups a crash left without an intent. Stripe's refusal of the amount (its
   * minimum) fails the top-up for good; anything else leaves it pending with the error, for a retry.
   */
  async resumeTopUp(topUp: WalletTopUp): Promise<Omit<TopUpStart, 'replayed'>> {
    const { pool } = this.dependencies.database;
    await pool.query(`update wallet_top_up set attempt_count = attempt_count + 1, last_attempt_at = now(), updated_at = now() where id = $1`, [topUp.id]);
    crashPoint('top_up.before_provider_call');
    let payment: CardPaymentStart;
    try {
      payment = await this.startPayment(topUp);
    } catch (error) {
      const refused = error instanceof DomainError && (error.type === 'validation' || error.type === 'business_rule');
      this.logger.warn({ topUpId: topUp.id, shopperId: topUp.shopperId, amountMinor: topUp.amountMinor, currency: topUp.currency, refused, err: error }, 'top-up payment could not be started');
      await pool.query(
        `update wallet_top_up set last_error = $2, status = case when $3::boolean then 'failed' else status end,
                failure_code = case when $3::boolean then $4 else failure_code end, updated_at = now()
          where id = $1 and status = 'pending'`,
        [topUp.id, describeError(error), refused, error instanceof DomainError ? error.code : null],
      );
      throw error;
    }
    const { rows } = await pool.query<WalletTopUp>(
      `update wallet_top_up set payment_intent_id = coalesce(payment_intent_id, $2), last_error = null, updated_at = now() where id = $1 returning ${TOP_UP_COLUMNS}`,
      [topUp.id, payment.paymentIntentId],
    );
    return { topUp: rows[0] as WalletTopUp, payment };
  }

  /** For the sweeper: a pending top-up that a crash left without its payment intent gets it now. */
  async resumeStaleTopUp(id: string): Promise<void> {
    const topUp = await findTopUp(this.dependencies.database.pool, id, null);
    if (topUp?.status === 'pending' && topUp.paymentIntentId === null) await this.resumeTopUp(topUp);
  }

  async getTopUp(actor: ShopperActor, id: string): Promise<WalletTopUp> {
    const topUp = await findTopUp(this.dependencies.database.pool, id, actor.shopperId);
    if (!topUp) throw new WalletTopUpNotFoundError(id);
    return topUp;
  }

  private async findEarlier(actor: ShopperActor, key: string): Promise<EarlierRequest<Omit<TopUpStart, 'replayed'>> | null> {
    const { rows } = await this.dependencies.database.pool.query<WalletTopUp>(`select ${TOP_UP_COLUMNS} from wallet_top_up where shopper_id = $1 and idempotency_key = $2`, [
      actor.shopperId,
      key,
    ]);
    const topUp = rows[0];
    if (!topUp) return null;
    // A pending top-up is resumed (its intent found again, or created if a crash stopped the first request).
    return { request: topUp.idempotencyRequest, answer: async () => (topUp.status === 'pending' ? this.resumeTopUp(topUp) : { topUp, payment: null }) };
  }

  private startPayment(topUp: WalletTopUp): Promise<CardPaymentStart> {
    // The row is the shopper's own (read by their id, or by the sweeper): the payment is started on its behalf.
    return this.dependencies.payments.startCardPayment(TOP_UP_ACTOR, {
      purpose: 'wallet_top_up',
      referenceId: topUp.id,
      amountMinor: topUp.amountMinor,
      currency: topUp.currency,
      shopperId: topUp.shopperId,
      description: 'Wallet top-up',
    });
  }

  private async onSucceeded({ attempt, object: intent, transaction }: PaymentEventContext<'payment_intent.succeeded'>): Promise<void> {
    if (attempt?.purpose !== 'wallet_top_up') return;
    const topUp = await this.lockTopUpOf(transaction, attempt.referenceId, attempt.shopperId, attempt.amountMinor, attempt.currency);
    if (topUp.status === 'succeeded') return;
    // The event id is the top-up's: whatever delivers the success, the wallet is credited once.
    const legs = await this.dependencies.ledger.recipes.topUp({
      eventId: topUp.id,
      shopperId: topUp.shopperId,
      currency: topUp.currency,
      amountMinor: topUp.amountMinor,
      source: 'card',
      paymentIntentId: intent.id,
    });
    await transaction.query(
      `update wallet_top_up set status = 'succeeded', transfer_id = $2, payment_intent_id = $3, failure_code = null, credited_at = now(), updated_at = now() where id = $1`,
      [topUp.id, (legs[0] as { id: string }).id, intent.id],
    );
    await addToOutbox(transaction, {
      type: 'wallet.topped_up',
      aggregateType: 'shopper',
      aggregateId: topUp.shopperId,
      payload: { topUpId: topUp.id, shopperId: topUp.shopperId, amountMinor: topUp.amountMinor, currency: topUp.currency },
    });
    await this.dependencies.ledger.recordInTransaction(transaction, legs);
  }

  private async onFailed({ attempt, object: intent, transaction, isLatest }: PaymentEventContext<'payment_intent.payment_failed'>): Promise<void> {
    if (attempt?.purpose !== 'wallet_top_up' || !isLatest) return;
    await transaction.query(`update wallet_top_up set status = 'failed', failure_code = $2, updated_at = now() where id = $1 and status <> 'succeeded'`, [
      attempt.referenceId,
      intent.last_payment_error?.code ?? 'payment_failed',
    ]);
  }

  /**
   * The top-up row is committed before its intent exists, so it is always there; should it not be (a
   * restored backup), the money is real all the same and the row is rebuilt from our payment attempt.
   */
  private async lockTopUpOf(client: pg.PoolClient, id: string, shopperId: string, amountMinor: number, currency: CurrencyCode): Promise<WalletTopUp> {
    await client.query(
      `insert into wallet_top_up (id, shopper_id, amount_minor, currency, idempotency_request) values ($1, $2, $3, $4, '{}') on conflict (id) do nothing`,
      [id, shopperId, amountMinor, currency],
    );
    return (await findTopUp(client, id, null, true)) as WalletTopUp;
  }
}
