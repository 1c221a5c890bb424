import { containsPattern } from '../../search-pattern.ts';
import type { FilterQuery } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { MerchantActor, ShopperActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { BusinessRuleError, NotFoundError } from '../../errors.ts';
import { sha256Hex } from '../../secrets.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import type { CurrencyCode } from '../../money.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { LedgerTransferError } from '../ledger/ledger.errors.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { TransferInput } from '../ledger/ledger.types.ts';
import { IdempotencyRaceLost, isUniqueViolation, runIdempotent, type EarlierRequest } from '../../idempotency/idempotency.ts';
import { QrAlreadyUsedError } from '../qr/qr.errors.ts';
import type { QrService } from '../qr/qr.service.ts';
import { insertCounterOrder } from './counter-orders.ts';
import { addChargeEvent, CHARGE_COLUMNS, insertCharge, lockCharge, type ChargeScope, type NewCharge } from './payment-code-charge-rows.ts';
import { PaymentCodeChargeEntity, type PaymentCodeCharge, type PaymentCodeChargeStatus } from './payment-code-charge.entity.ts';
import { PaymentCodeChargeClosedError, PaymentCodeChargeExpiredError, PaymentCodeChargeNotFoundError, QrOtherShopError, ShopNotOpenError } from './qr-payments.errors.ts';
import type { PaymentCodeChargeCreateInput, PaymentCodeChargeListFilterInput, StorePaymentCodeChargeQueryInput } from './qr-payments.schemas.ts';
import { tokenFromScan } from './scanned-code.ts';

export type StorePaymentCodeCharge = PaymentCodeCharge & { shopName: string; shopSlug: string };

/** A wallet too small for the charge: said on the amount, the field the clerk typed. */
function explainInsufficientFunds(error: unknown): unknown {
  if (error instanceof LedgerTransferError && error.code === 'insufficient_funds') {
    return new BusinessRuleError('insufficient_funds', "The shopper's wallet does not hold enough for this charge.", { amountMinor: "is more than the shopper's wallet holds" });
  }
  return error;
}

/**
 * QR flow 3, the counter's side (docs/qr-checkout.md §3). A merchant charges a scanned payment code with
 * an amount. Up to the confirmation threshold the wallet pays at once and the charge becomes a counter
 * order; above it the amount is held (a pending ledger transfer) until the shopper confirms in the
 * widget, and released when they decline or the window closes.
 */
export class PaymentCodeChargesService {
  constructor(private readonly dependencies: { database: Database; ledger: LedgerService; qr: QrService; config: Pick<Config, 'paymentCodes' | 'http'> }) {}

  /**
   * Idempotent by Idempotency-Key (the same key and body answer the first charge, without touching the
   * code again). Refused with nothing moved: a tampered, expired, used or other shop's code, another
   * merchant's shop, a closed shop, a wallet too small.
   */
  async charge(actor: MerchantActor, input: PaymentCodeChargeCreateInput & { idempotencyKey: string }, now: Date = new Date()): Promise<{ charge: PaymentCodeCharge; replayed: boolean }> {
    const { qr, config } = this.dependencies;
    const token = tokenFromScan(input.token, config.http.publicUrl);
    const request = { shopId: input.shopId, amountMinor: input.amountMinor, note: input.note ?? '', tokenSha256: sha256Hex(token) };
    // Codes found consumed while no charge holds them yet: a twin with this key may be about to commit.
    const consumedInFlight = new WeakSet<object>();
    const { result, replayed } = await runIdempotent<PaymentCodeCharge>({
      key: input.idempotencyKey,
      request,
      find: (key) => this.findEarlier(actor, key),
      // The same request raced itself: the twin consumed the code and is about to commit its charge.
      twinInFlight: (error) => typeof error === 'object' && error !== null && consumedInFlight.has(error),
      perform: async () => {
        const shop = await this.shopOf(actor, input.shopId);
        const payload = qr.verify(token, { expectedType: 'payment_code' });
        if (payload.shopId !== shop.id || payload.merchantId !== actor.merchantId) throw new QrOtherShopError();
        try {
          await qr.consumeOnce(payload);
        } catch (error) {
          if (!(error instanceof QrAlreadyUsedError)) throw error;
          const holder = await this.chargeKeyOfCode(payload.nonce);
          // The twin with this key committed its charge: answered with it.
          if (holder === input.idempotencyKey) throw new IdempotencyRaceLost();
          // No charge holds the code yet: wait for the request that consumed it; another key's charge: 409 now.
          if (holder === null) consumedInFlight.add(error);
          throw error;
        }
        const charge: NewCharge = {
          id: newId(),
          merchantId: actor.merchantId,
          shopId: shop.id,
          shopperId: payload.shopperId,
          amountMinor: input.amountMinor,
          currency: shop.currency,
          codeNonce: payload.nonce,
          note: input.note ?? '',
          idempotencyKey: input.idempotencyKey,
          idempotencyRequest: request,
        };
        try {
          return input.amountMinor > config.paymentCodes.confirmationThresholdMinor ? await this.hold(charge, actor, now) : await this.payNow(charge, actor);
        } catch (error) {
          // Redis forgot the code (a flush, a failover), the database did not.
          if (isUniqueViolation(error, 'payment_code_charge_code_nonce_key')) {
            if ((await this.chargeKeyOfCode(payload.nonce)) === input.idempotencyKey) throw new IdempotencyRaceLost();
            throw new QrAlreadyUsedError();
          }
          throw explainInsufficientFunds(error);
        }
      },
    });
    return { charge: result, replayed };
  }

  /** The shopper consents to a held charge: the hold is posted and the charge becomes a counter order. */
  async confirm(actor: ShopperActor, id: string, now: Date = new Date()): Promise<StorePaymentCodeCharge> {
    const expired = await withPoolTransaction(this.dependencies.database.pool, async (client) => {
      const charge = await this.lockOrFail(client, id, { shopperId: actor.shopperId });
      if (charge.status === 'succeeded') return false;
      if (charge.status !== 'awaiting_confirmation') throw new PaymentCodeChargeClosedError(charge.status);
      if ((charge.confirmBy as Date).getTime() <= now.getTime()) {
        await this.expireLocked(client, charge);
        return true;
      }
      const orderId = newId();
      const legs = await this.dependencies.ledger.recipes.walletPaymentCapture({ eventId: charge.id, holdTransferId: charge.holdTransferId as string, orderId });
      await insertCounterOrder(client, { ...charge, orderId, chargeId: charge.id, paymentTransferId: (legs[0] as TransferInput).id }, actor);
      const updated = await this.resolve(client, charge, 'succeeded', { orderId, paymentTransferId: (legs[0] as TransferInput).id });
      await addChargeEvent(client, updated);
      await this.dependencies.ledger.recordInTransaction(client, legs);
      return false;
    });
    // Thrown after the commit, so that the expiry it found stays done.
    if (expired) throw new PaymentCodeChargeExpiredError();
    return this.getForShopper(actor, id);
  }

  /** The shopper refuses a held charge: the hold goes back to the wallet. Declining twice is harmless. */
  async decline(actor: ShopperActor, id: string, now: Date = new Date()): Promise<StorePaymentCodeCharge> {
    await withPoolTransaction(this.dependencies.database.pool, async (client) => {
      const charge = await this.lockOrFail(client, id, { shopperId: actor.shopperId });
      if (charge.status === 'declined' || charge.status === 'expired') return;
      if (charge.status !== 'awaiting_confirmation') throw new PaymentCodeChargeClosedError(charge.status);
      if ((charge.confirmBy as Date).getTime() <= now.getTime()) {
        await this.expireLocked(client, charge);
        return;
      }
      await this.release(client, charge, false);
      await addChargeEvent(client, await this.resolve(client, charge, 'declined'));
    });
    return this.getForShopper(actor, id);
  }

  /** The timeout: releases every held charge whose window has closed (a job runs it; reads run it lazily). */
  async expireOverdue(now: Date = new Date(), options: { limit?: number; shopperId?: string; merchantId?: string; chargeId?: string } = {}): Promise<{ expired: number }> {
    const { rows } = await this.dependencies.database.pool.query<{ id: string }>(
      `select id from payment_code_charge
        where status = 'awaiting_confirmation' and confirm_by <= $1 and ($2::uuid is null or shopper_id = $2) and ($3::uuid is null or id = $3)
          and ($5::uuid is null or merchant_id = $5)
        order by confirm_by limit $4`,
      [now, options.shopperId ?? null, options.chargeId ?? null, options.limit ?? 200, options.merchantId ?? null],
    );
    let expired = 0;
    for (const { id } of rows) {
      const done = await withPoolTransaction(this.dependencies.database.pool, async (client) => {
        const charge = await lockCharge(client, id, {});
        if (!charge || charge.status !== 'awaiting_confirmation' || (charge.confirmBy as Date).getTime() > now.getTime()) return false;
        await this.expireLocked(client, charge);
        return true;
      });
      if (done) expired += 1;
    }
    return { expired };
  }

  /** The shopper's charges, newest first (the widget polls the awaiting ones to ask for confirmation). */
  async listForShopper(actor: ShopperActor, input: StorePaymentCodeChargeQueryInput, now: Date = new Date()): Promise<StorePaymentCodeCharge[]> {
    await this.expireOverdue(now, { shopperId: actor.shopperId });
    const { rows } = await this.dependencies.database.pool.query<StorePaymentCodeCharge>(
      `select ${CHARGE_COLUMNS('charge')}, shop.name as "shopName", shop.slug as "shopSlug"
         from payment_code_charge charge join shop on shop.id = charge.shop_id
        where charge.shopper_id = $1 and ($2::text is null or charge.status = $2)
        order by charge.created_at desc, charge.id desc limit 50`,
      [actor.shopperId, input.status ?? null],
    );
    return rows;
  }

  async getForShopper(actor: ShopperActor, id: string, now: Date = new Date()): Promise<StorePaymentCodeCharge> {
    await this.expireOverdue(now, { chargeId: id, shopperId: actor.shopperId });
    const { rows } = await this.dependencies.database.pool.query<StorePaymentCodeCharge>(
      `select ${CHARGE_COLUMNS('charge')}, shop.name as "shopName", shop.slug as "shopSlug"
         from payment_code_charge charge join shop on shop.id = charge.shop_id
        where charge.id = $1 and charge.shopper_id = $2`,
      [id, actor.shopperId],
    );
    if (!rows[0]) throw new PaymentCodeChargeNotFoundError(id);
    return rows[0];
  }

  async list(actor: MerchantActor, query: ListQuery<PaymentCodeChargeListFilterInput>): Promise<ListPage<PaymentCodeCharge>> {
    const { filter } = query;
    const where: FilterQuery<PaymentCodeCharge> = { merchantId: actor.merchantId };
    if (filter.id) where.id = { $in: filter.id };
    if (filter.status) where.status = Array.isArray(filter.status) ? { $in: filter.status as PaymentCodeChargeStatus[] } : (filter.status as PaymentCodeChargeStatus);
    if (filter.shopId) where.shopId = filter.shopId;
    if (filter.shopperId) where.shopperId = filter.shopperId;
    if (filter.orderId) where.orderId = filter.orderId;
    if (filter.q) where.note = { $ilike: containsPattern(filter.q) };
    return findPage(this.dependencies.database.orm.em.fork(), PaymentCodeChargeEntity, where, query);
  }

  /** One charge of the merchant's (the counter polls it while the shopper decides); another merchant's is 404. */
  async get(actor: MerchantActor, id: string, now: Date = new Date()): Promise<PaymentCodeCharge> {
    // Scoped to the merchant: another merchant asking for this id must not change the charge either.
    await this.expireOverdue(now, { chargeId: id, merchantId: actor.merchantId });
    const { rows } = await this.dependencies.database.pool.query<PaymentCodeCharge>(`select ${CHARGE_COLUMNS()} from payment_code_charge where id = $1 and merchant_id = $2`, [
      id,
      actor.merchantId,
    ]);
    if (!rows[0]) throw new PaymentCodeChargeNotFoundError(id);
    return rows[0];
  }

  private async payNow(charge: NewCharge, actor: MerchantActor): Promise<PaymentCodeCharge> {
    const orderId = newId();
    // Built before the transaction: the recipe may open the wallet and escrow accounts on its own connection.
    const legs = await this.dependencies.ledger.recipes.walletPayment({ eventId: charge.id, orderId, shopperId: charge.shopperId, currency: charge.currency, amountMinor: charge.amountMinor });
    const paymentTransferId = (legs[0] as TransferInput).id;
    return withPoolTransaction(this.dependencies.database.pool, async (client) => {
      await insertCounterOrder(client, { ...charge, orderId, chargeId: charge.id, paymentTransferId }, actor);
      const created = await insertCharge(client, charge, actor, { status: 'succeeded', orderId, paymentTransferId, holdTransferId: null, confirmBy: null, resolved: true });
      await addChargeEvent(client, created);
      // Last: the ledger's account locks are held until this transaction commits.
      await this.dependencies.ledger.recordInTransaction(client, legs);
      return created;
    });
  }

  private async hold(charge: NewCharge, actor: MerchantActor, now: Date): Promise<PaymentCodeCharge> {
    const { ledger, config } = this.dependencies;
    const timeoutSeconds = config.paymentCodes.confirmationTimeoutSeconds;
    const legs = await ledger.recipes.walletPaymentHold({
      eventId: charge.id,
      shopperId: charge.shopperId,
      currency: charge.currency,
      amountMinor: charge.amountMinor,
      referenceType: 'payment_code_charge',
      referenceId: charge.id,
      // The hold outlives the window by the grace: our expiry voids it first, the ledger's timeout is the backstop.
      timeoutSeconds: timeoutSeconds + config.paymentCodes.holdGraceSeconds,
    });
    return withPoolTransaction(this.dependencies.database.pool, async (client) => {
      const created = await insertCharge(client, charge, actor, {
        status: 'awaiting_confirmation',
        orderId: null,
        paymentTransferId: null,
        holdTransferId: (legs[0] as TransferInput).id,
        confirmBy: new Date(now.getTime() + timeoutSeconds * 1000),
        resolved: false,
      });
      await addChargeEvent(client, created);
      await ledger.recordInTransaction(client, legs);
      return created;
    });
  }

  private async expireLocked(client: pg.PoolClient, charge: PaymentCodeCharge): Promise<void> {
    await this.release(client, charge, true);
    await addChargeEvent(client, await this.resolve(client, charge, 'expired'));
  }

  /** Gives the held money back: a void while the ledger still holds it, an expiry once its own timeout passed. */
  private async release(client: pg.PoolClient, charge: PaymentCodeCharge, timedOut: boolean): Promise<void> {
    const { ledger } = this.dependencies;
    const holdTransferId = charge.holdTransferId as string;
    let [result] = await ledger.applyInTransaction(client, await ledger.recipes.walletPaymentRelease({ eventId: charge.id, holdTransferId }));
    if (result?.status === 'failed' && result.code === 'pending_expired' && timedOut) {
      [result] = await ledger.applyInTransaction(client, await ledger.recipes.walletPaymentRelease({ eventId: charge.id, holdTransferId, afterLedgerTimeout: true }));
      // The ledger's own expiry worker was first: released all the same.
      if (result?.status === 'failed' && result.code === 'pending_expired') return;
    }
    if (result?.status === 'failed') throw new LedgerTransferError(result);
  }

  private async resolve(
    client: pg.PoolClient,
    charge: PaymentCodeCharge,
    status: Exclude<PaymentCodeChargeStatus, 'awaiting_confirmation'>,
    payment: { orderId: string; paymentTransferId: string } | null = null,
  ): Promise<PaymentCodeCharge> {
    const { rows } = await client.query<PaymentCodeCharge>(
      `update payment_code_charge set status = $2, order_id = $3, payment_transfer_id = $4, resolved_at = now(), updated_at = now()
        where id = $1 returning ${CHARGE_COLUMNS()}`,
      [charge.id, status, payment?.orderId ?? null, payment?.paymentTransferId ?? null],
    );
    return rows[0] as PaymentCodeCharge;
  }

  private async lockOrFail(client: pg.PoolClient, id: string, scope: ChargeScope): Promise<PaymentCodeCharge> {
    const charge = await lockCharge(client, id, scope);
    if (!charge) throw new PaymentCodeChargeNotFoundError(id);
    return charge;
  }

  /** The Idempotency-Key of the charge that used a payment code, if one committed. */
  private async chargeKeyOfCode(codeNonce: string): Promise<string | null> {
    const { rows } = await this.dependencies.database.pool.query<{ idempotencyKey: string }>(
      'select idempotency_key as "idempotencyKey" from payment_code_charge where code_nonce = $1',
      [codeNonce],
    );
    return rows[0]?.idempotencyKey ?? null;
  }

  private async findEarlier(actor: MerchantActor, key: string): Promise<EarlierRequest<PaymentCodeCharge> | null> {
    const { rows } = await this.dependencies.database.pool.query<PaymentCodeCharge>(
      `select ${CHARGE_COLUMNS()} from payment_code_charge where merchant_id = $1 and idempotency_key = $2`,
      [actor.merchantId, key],
    );
    const earlier = rows[0];
    if (!earlier) return null;
    return { request: earlier.idempotencyRequest, answer: async () => earlier };
  }

  private async shopOf(actor: MerchantActor, shopId: string): Promise<{ id: string; currency: CurrencyCode }> {
    const { rows } = await this.dependencies.database.pool.query<{ id: string; currency: CurrencyCode; status: string }>(
      'select id, currency, status from shop where id = $1 and merchant_id = $2',
      [shopId, actor.merchantId],
    );
    const shop = rows[0];
    if (!shop) throw new NotFoundError('shop', shopId);
    if (shop.status !== 'open') throw new ShopNotOpenError();
    return shop;
  }
}

