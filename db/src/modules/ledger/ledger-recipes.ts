import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { CurrencyCode } from '../../money.ts';
import type { AccountKind, LedgerAccount, LedgerTransfer, OpenAccountInput, TransferInput } from './ledger.types.ts';

/** Namespace of the leg ids derived from a business event's id. */
const LEG_NAMESPACE = 'a3f1c7e2-5b8d-4e0a-9c61-2f7d8b9e4a10';

/** The id of one leg of one business event: stable, so that a retried event posts nothing new. */
export function legId(eventId: string, leg: string): string {
  return uuidv5(`${eventId.toLowerCase()}:${leg}`, LEG_NAMESPACE);
}

/** The ids of an order's settlement legs (`net`: to the merchant, `fee`: to the platform). */
export function orderSettlementLegId(orderId: string, leg: 'net' | 'fee'): string {
  return legId(orderId, `order_settlement_${leg}`);
}

/** The id of an order's referral commission leg (one per order). */
export function referralCommissionLegId(orderId: string): string {
  return legId(orderId, 'referral_commission');
}

/**
 * The escrow sub-account a payment keyed by `key` (an order id, or a hold's event id) goes into: a stable
 * hash, so the same order always lands on the same shard, spread evenly whatever the key's format.
 */
export function escrowShardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  return createHash('sha256').update(key.toLowerCase()).digest().readUInt32BE(0) % shards;
}

/** Links legs into one chain (each but the last `linked`), so that they commit together or not at all. */
export function linkAll(legs: TransferInput[]): TransferInput[] {
  return legs.map((leg, index) => ({ ...leg, linked: index < legs.length - 1 }));
}

export interface RecipeDependencies {
  openAccount(input: OpenAccountInput): Promise<LedgerAccount>;
  getTransferById(id: string): Promise<LedgerTransfer | null>;
  /** The escrow sub-account the order's payment leg credited, or null when it has none. */
  orderPaymentEscrowAccountId(orderId: string): Promise<string | null>;
  /** Escrow sub-accounts per currency (docs/ledger.md §5). */
  escrowShards: number;
}

interface Money {
  currency: CurrencyCode;
  amountMinor: number;
}

function positive(amountMinor: number, field = 'amountMinor'): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new ValidationError({ [field]: 'must be a positive integer in minor units' });
}

/**
 * One function per business event; each returns the legs to record, so no other module ever builds a
 * leg by hand. Accounts are opened on first use. The legs of DESIGN.md §3 and docs/ledger.md §3.
 */
export class LedgerRecipes {
  constructor(private readonly ledger: RecipeDependencies) {}

  private async account(kind: AccountKind, currency: CurrencyCode, ownerId?: string, merchantId?: string): Promise<string> {
    return (await this.ledger.openAccount({ kind, currency, ...(ownerId ? { ownerId } : {}), ...(merchantId ? { merchantId } : {}) })).id;
  }

  /** Where a payment keyed by `key` is credited: escrow's sub-account for that key (opened on first use). */
  private async escrowFor(currency: CurrencyCode, key: string): Promise<string> {
    return (await this.ledger.openAccount({ kind: 'escrow', currency, shard: escrowShardOf(key, this.ledger.escrowShards) })).id;
  }

  /**
   * The escrow sub-account that holds an order's money: the one its payment leg credited (so orders paid
   * before escrow was split, or with another shard count, leave from where they entered), else the order's own.
   */
  private async escrowOfOrder(currency: CurrencyCode, orderId: string): Promise<string> {
    return (await this.ledger.orderPaymentEscrowAccountId(orderId)) ?? this.escrowFor(currency, orderId);
  }

  private async transfer(id: string): Promise<LedgerTransfer> {
    const transfer = await this.ledger.getTransferById(id);
    if (!transfer) throw new NotFoundError('ledger_transfer', id);
    return transfer;
  }

  /** Order paid from the shopper's wallet: the money waits in escrow until the order completes. */
  async walletPayment(input: Money & { eventId: string; orderId: string; shopperId: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'payment'),
        debitAccountId: await this.account('shopper_wallet', input.currency, input.shopperId),
        creditAccountId: await this.escrowFor(input.currency, input.orderId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'order_payment',
        referenceType: 'order',
        referenceId: input.orderId,
      },
    ];
  }

  /** Order paid by card: Stripe owes the platform (card clearing) and the money waits in escrow. */
  async cardPayment(input: Money & { eventId: string; orderId: string; paymentIntentId?: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'payment'),
        debitAccountId: await this.account('card_clearing', input.currency),
        creditAccountId: await this.escrowFor(input.currency, input.orderId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'order_payment',
        referenceType: 'order',
        referenceId: input.orderId,
        ...(input.paymentIntentId ? { metadata: { paymentIntentId: input.paymentIntentId } } : {}),
      },
    ];
  }

  /**
   * A completed order settles (docs/orders.md §10): escrow pays the merchant's available balance the
   * gross less the platform fee, and the platform its fee, in one linked chain. The leg ids derive from
   * the order id alone, so an order can settle only once whoever runs it and however often.
   */
  async orderSettlement(input: { orderId: string; merchantId: string; currency: CurrencyCode; grossMinor: number; platformFeeMinor: number }): Promise<TransferInput[]> {
    positive(input.grossMinor, 'grossMinor');
    if (!Number.isSafeInteger(input.platformFeeMinor) || input.platformFeeMinor < 0 || input.platformFeeMinor > input.grossMinor) {
      throw new ValidationError({ platformFeeMinor: 'must be an integer from 0 to the gross amount' });
    }
    const escrow = await this.escrowOfOrder(input.currency, input.orderId);
    const reference = { currency: input.currency, referenceType: 'order', referenceId: input.orderId };
    const legs: TransferInput[] = [];
    const netMinor = input.grossMinor - input.platformFeeMinor;
    if (netMinor > 0) {
      legs.push({
        id: orderSettlementLegId(input.orderId, 'net'),
        debitAccountId: escrow,
        creditAccountId: await this.account('merchant_available', input.currency, input.merchantId, input.merchantId),
        amountMinor: netMinor,
        reason: 'settlement_net',
        ...reference,
      });
    }
    if (input.platformFeeMinor > 0) {
      legs.push({
        id: orderSettlementLegId(input.orderId, 'fee'),
        debitAccountId: escrow,
        creditAccountId: await this.account('platform_fees', input.currency),
        amountMinor: input.platformFeeMinor,
        reason: 'settlement_fee',
        ...reference,
      });
    }
    return linkAll(legs);
  }

  /**
   * A refund of a settled order takes its money back into escrow first: the merchant's share from their
   * available balance and the platform's fee share from the fees account, each a correction of its
   * settlement leg (so the ledger refuses to take back more than was settled). The refund leg out of
   * escrow to the payer follows as before settlement. Refused whole (insufficient_funds) when the
   * merchant's available balance, holds included, is short.
   */
  async settlementReversal(input: { eventId: string; orderId: string; merchantId: string; currency: CurrencyCode; merchantShareMinor: number; platformFeeShareMinor: number; refundId?: string }): Promise<TransferInput[]> {
    const escrow = await this.escrowOfOrder(input.currency, input.orderId);
    const reference = { currency: input.currency, referenceType: 'order', referenceId: input.orderId, ...(input.refundId ? { metadata: { refundId: input.refundId } } : {}) };
    const legs: TransferInput[] = [];
    if (input.merchantShareMinor > 0) {
      legs.push({
        id: legId(input.eventId, 'settlement_reversal_net'),
        debitAccountId: await this.account('merchant_available', input.currency, input.merchantId, input.merchantId),
        creditAccountId: escrow,
        amountMinor: input.merchantShareMinor,
        reason: 'settlement_reversal_net',
        correctsId: orderSettlementLegId(input.orderId, 'net'),
        ...reference,
      });
    }
    if (input.platformFeeShareMinor > 0) {
      legs.push({
        id: legId(input.eventId, 'settlement_reversal_fee'),
        debitAccountId: await this.account('platform_fees', input.currency),
        creditAccountId: escrow,
        amountMinor: input.platformFeeShareMinor,
        reason: 'settlement_reversal_fee',
        correctsId: orderSettlementLegId(input.orderId, 'fee'),
        ...reference,
      });
    }
    return linkAll(legs);
  }

  /**
   * A settled order's card refund that the card processor refused: the shares `settlementReversal` took
   * back into escrow for it (event id = the refund's id) return to the merchant and the platform. Nothing
   * when that refund took nothing back (the order was not settled).
   */
  async settlementReversalUndo(input: { eventId: string; refundId: string }): Promise<TransferInput[]> {
    const legs: TransferInput[] = [];
    for (const leg of ['settlement_reversal_net', 'settlement_reversal_fee'] as const) {
      const taken = await this.ledger.getTransferById(legId(input.refundId, leg));
      if (!taken) continue;
      legs.push({
        id: legId(input.eventId, `${leg}_undo`),
        debitAccountId: taken.creditAccountId,
        creditAccountId: taken.debitAccountId,
        amountMinor: taken.amountMinor,
        currency: taken.currency as CurrencyCode,
        reason: `${leg}_undo`,
        referenceType: taken.referenceType ?? 'transfer',
        referenceId: taken.referenceId ?? taken.id,
        correctsId: taken.id,
        metadata: { refundId: input.refundId },
      });
    }
    return linkAll(legs);
  }

  /**
   * A referrer's commission on an order that settles: paid out of what the settlement just gave the
   * merchant (merchant_available -> the referrer's wallet). Meant to follow the `orderSettlement` legs in
   * the same linked chain, so the merchant's net and the commission commit together or not at all; its id
   * derives from the order id alone, so an order pays its commission once.
   */
  async referralCommission(input: Money & { orderId: string; merchantId: string; referrerShopperId: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: referralCommissionLegId(input.orderId),
        debitAccountId: await this.account('merchant_available', input.currency, input.merchantId, input.merchantId),
        creditAccountId: await this.account('shopper_wallet', input.currency, input.referrerShopperId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'referral_commission',
        referenceType: 'order',
        referenceId: input.orderId,
      },
    ];
  }

  /**
   * A refund after the commission was paid: the commission's share of it goes back from the referrer's
   * wallet to the merchant (a correction of the commission leg, never more than was paid). Refused with
   * insufficient_funds when the wallet no longer holds it; the caller then leaves it with the merchant.
   */
  async referralCommissionReversal(input: Money & { eventId: string; orderId: string; merchantId: string; referrerShopperId: string; refundId?: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'referral_commission_reversal'),
        debitAccountId: await this.account('shopper_wallet', input.currency, input.referrerShopperId),
        creditAccountId: await this.account('merchant_available', input.currency, input.merchantId, input.merchantId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'referral_commission_reversal',
        referenceType: 'order',
        referenceId: input.orderId,
        correctsId: referralCommissionLegId(input.orderId),
        ...(input.refundId ? { metadata: { refundId: input.refundId } } : {}),
      },
    ];
  }

  /**
   * A settled order's card refund that the card processor refused: what its take-back (event id = the
   * refund's id) took from the referrer's wallet goes back to it. Nothing when that refund took nothing.
   */
  async referralCommissionReversalUndo(input: { eventId: string; refundId: string }): Promise<TransferInput[]> {
    const taken = await this.ledger.getTransferById(legId(input.refundId, 'referral_commission_reversal'));
    if (!taken) return [];
    return [
      {
        id: legId(input.eventId, 'referral_commission_reversal_undo'),
        debitAccountId: taken.creditAccountId,
        creditAccountId: taken.debitAccountId,
        amountMinor: taken.amountMinor,
        currency: taken.currency as CurrencyCode,
        reason: 'referral_commission_reversal_undo',
        referenceType: taken.referenceType ?? 'transfer',
        referenceId: taken.referenceId ?? taken.id,
        correctsId: taken.id,
        metadata: { refundId: input.refundId },
      },
    ];
  }

  /** Moves a merchant's settled-but-held money to their available balance. */
  async releaseMerchantPending(input: Money & { eventId: string; merchantId: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'release'),
        debitAccountId: await this.account('merchant_pending', input.currency, input.merchantId, input.merchantId),
        creditAccountId: await this.account('merchant_available', input.currency, input.merchantId, input.merchantId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'merchant_release',
        referenceType: 'merchant',
        referenceId: input.merchantId,
      },
    ];
  }

  /**
   * Refund to whoever paid (wallet or card clearing): reverses the payment leg out of escrow, and the
   * ledger refuses to reverse more than was paid. After settlement a `settlementReversal` brings the
   * money back into escrow first (docs/orders.md §10).
   */
  async refund(input: { eventId: string; paymentTransferId: string; amountMinor: number; refundId?: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    const payment = await this.transfer(input.paymentTransferId);
    const currency = payment.currency as CurrencyCode;
    return [
      {
        id: legId(input.eventId, 'refund'),
        debitAccountId: payment.creditAccountId,
        creditAccountId: payment.debitAccountId,
        amountMinor: input.amountMinor,
        currency,
        reason: 'refund',
        referenceType: payment.referenceType ?? 'transfer',
        referenceId: payment.referenceId ?? payment.id,
        correctsId: payment.id,
        ...(input.refundId ? { metadata: { refundId: input.refundId } } : {}),
      },
    ];
  }

  /** Wallet top-up, paid by card (Stripe clearing) or from outside (bank transfer, promotion). */
  async topUp(input: Money & { eventId: string; shopperId: string; source: 'card' | 'world'; paymentIntentId?: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'top_up'),
        debitAccountId: await this.account(input.source === 'card' ? 'card_clearing' : 'world', input.currency),
        creditAccountId: await this.account('shopper_wallet', input.currency, input.shopperId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'top_up',
        referenceType: 'shopper',
        referenceId: input.shopperId,
        ...(input.paymentIntentId ? { metadata: { paymentIntentId: input.paymentIntentId } } : {}),
      },
    ];
  }

  /**
   * A wallet payment that waits for the shopper's consent (a large counter charge): the amount is held
   * (pending) from the wallet towards escrow, so it can neither be spent meanwhile nor moved without consent.
   */
  async walletPaymentHold(input: Money & { eventId: string; shopperId: string; referenceType: string; referenceId: string; timeoutSeconds: number }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'hold'),
        kind: 'pending',
        debitAccountId: await this.account('shopper_wallet', input.currency, input.shopperId),
        // The order may not exist yet: the hold's reference keys the shard, and capture posts into it.
        creditAccountId: await this.escrowFor(input.currency, input.referenceId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        timeoutSeconds: input.timeoutSeconds,
        reason: 'payment_hold',
        referenceType: input.referenceType,
        referenceId: input.referenceId,
      },
    ];
  }

  /** The shopper consented: the hold is posted and becomes the order's payment in escrow (refunds reverse this leg). */
  async walletPaymentCapture(input: { eventId: string; holdTransferId: string; orderId: string }): Promise<TransferInput[]> {
    return [{ id: legId(input.eventId, 'capture'), kind: 'post_pending', pendingId: input.holdTransferId, reason: 'order_payment', referenceType: 'order', referenceId: input.orderId }];
  }

  /**
   * Declined or timed out: the hold goes back to the wallet. Voided while the ledger still holds it; once
   * the ledger's own timeout has passed only an expiry can release it (`afterLedgerTimeout`).
   */
  async walletPaymentRelease(input: { eventId: string; holdTransferId: string; afterLedgerTimeout?: boolean }): Promise<TransferInput[]> {
    if (input.afterLedgerTimeout) return [{ id: legId(input.eventId, 'expire'), kind: 'expire_pending', pendingId: input.holdTransferId, reason: 'payment_expired' }];
    return [{ id: legId(input.eventId, 'release'), kind: 'void_pending', pendingId: input.holdTransferId, reason: 'payment_released' }];
  }

  /** A payout starts: the money leaves the merchant's available balance as a hold until the bank confirms. */
  async payoutStart(input: Money & { eventId: string; payoutId: string; merchantId: string; timeoutSeconds?: number }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'payout'),
        kind: 'pending',
        debitAccountId: await this.account('merchant_available', input.currency, input.merchantId, input.merchantId),
        creditAccountId: await this.account('payouts_in_transit', input.currency),
        amountMinor: input.amountMinor,
        currency: input.currency,
        timeoutSeconds: input.timeoutSeconds ?? 0,
        reason: 'payout',
        referenceType: 'payout',
        referenceId: input.payoutId,
      },
    ];
  }

  /** The bank confirmed: post the hold and send the money out of the platform. */
  async payoutComplete(input: { eventId: string; payoutTransferId: string }): Promise<TransferInput[]> {
    const pending = await this.transfer(input.payoutTransferId);
    const currency = pending.currency as CurrencyCode;
    return linkAll([
      { id: legId(input.eventId, 'post'), kind: 'post_pending', pendingId: pending.id },
      {
        id: legId(input.eventId, 'sent'),
        debitAccountId: pending.creditAccountId,
        creditAccountId: await this.account('world', currency),
        amountMinor: pending.amountMinor,
        currency,
        reason: 'payout_sent',
        referenceType: pending.referenceType ?? 'payout',
        referenceId: pending.referenceId ?? pending.id,
      },
    ]);
  }

  /** The bank refused: the hold is released back to the merchant. */
  async payoutFail(input: { eventId: string; payoutTransferId: string }): Promise<TransferInput[]> {
    return [{ id: legId(input.eventId, 'void'), kind: 'void_pending', pendingId: input.payoutTransferId, reason: 'payout_failed' }];
  }

  /** The account a red envelope is funded from and returns to: the sending shopper's wallet, or a merchant's available balance (a promotion). */
  private async redEnvelopeSenderAccount(input: { currency: CurrencyCode; senderShopperId?: string; senderMerchantId?: string }): Promise<string> {
    if (input.senderMerchantId) return this.account('merchant_available', input.currency, input.senderMerchantId, input.senderMerchantId);
    if (!input.senderShopperId) throw new ValidationError({ senderShopperId: 'a red envelope has a sending shopper or merchant' });
    return this.account('shopper_wallet', input.currency, input.senderShopperId);
  }

  /** A red envelope is funded: the sender's money waits in the envelope's own account (a merchant's envelope account carries its merchant_id). */
  async redEnvelopeFund(input: Money & { eventId: string; envelopeId: string; senderShopperId?: string; senderMerchantId?: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'fund'),
        debitAccountId: await this.redEnvelopeSenderAccount(input),
        creditAccountId: await this.account('red_envelope_hold', input.currency, input.envelopeId, input.senderMerchantId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'red_envelope_fund',
        referenceType: 'red_envelope',
        referenceId: input.envelopeId,
      },
    ];
  }

  /** One share is claimed; the envelope's account can never pay out more than was put in. */
  async redEnvelopeClaim(input: Money & { eventId: string; envelopeId: string; claimerShopperId: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'claim'),
        debitAccountId: await this.account('red_envelope_hold', input.currency, input.envelopeId),
        creditAccountId: await this.account('shopper_wallet', input.currency, input.claimerShopperId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'red_envelope_claim',
        referenceType: 'red_envelope',
        referenceId: input.envelopeId,
      },
    ];
  }

  /** After the deadline, what nobody claimed goes back to the sender. */
  async redEnvelopeReturn(input: Money & { eventId: string; envelopeId: string; senderShopperId?: string; senderMerchantId?: string }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'return'),
        debitAccountId: await this.account('red_envelope_hold', input.currency, input.envelopeId, input.senderMerchantId),
        creditAccountId: await this.redEnvelopeSenderAccount(input),
        amountMinor: input.amountMinor,
        currency: input.currency,
        reason: 'red_envelope_return',
        referenceType: 'red_envelope',
        referenceId: input.envelopeId,
      },
    ];
  }

  /** An envelope to known recipients: funding and every share in one linked chain, all or nothing. */
  async redEnvelopeDistribute(input: {
    eventId: string;
    envelopeId: string;
    senderShopperId: string;
    currency: CurrencyCode;
    shares: { shopperId: string; amountMinor: number }[];
  }): Promise<TransferInput[]> {
    if (!input.shares.length) throw new ValidationError({ shares: 'must name at least one recipient' });
    input.shares.forEach((share, index) => positive(share.amountMinor, `shares.${index}.amountMinor`));
    const totalMinor = input.shares.reduce((sum, share) => sum + share.amountMinor, 0);
    const [fund] = await this.redEnvelopeFund({ eventId: input.eventId, envelopeId: input.envelopeId, senderShopperId: input.senderShopperId, currency: input.currency, amountMinor: totalMinor });
    const claims: TransferInput[] = [];
    for (const [index, share] of input.shares.entries()) {
      const [claim] = await this.redEnvelopeClaim({
        eventId: `${input.eventId}:${index}`,
        envelopeId: input.envelopeId,
        claimerShopperId: share.shopperId,
        currency: input.currency,
        amountMinor: share.amountMinor,
      });
      claims.push(claim!);
    }
    return linkAll([fund!, ...claims]);
  }

  /**
   * A shopper joins a group-buy team: their money is held (pending) from the wallet towards escrow, like
   * walletPaymentHold, until the team forms or its window closes. Held straight into escrow (not into
   * the team's own account) so that the posted hold is the order's payment leg whose debit side is the
   * wallet, and a refund (which reverses that leg) returns the money to this shopper's wallet.
   * `timeoutSeconds` 0: the team's expiry (job and sweeper) is what releases it, not the ledger.
   */
  async groupBuyHold(input: Money & { eventId: string; teamId: string; shopperId: string; timeoutSeconds?: number }): Promise<TransferInput[]> {
    positive(input.amountMinor);
    return [
      {
        id: legId(input.eventId, 'hold'),
        kind: 'pending',
        debitAccountId: await this.account('shopper_wallet', input.currency, input.shopperId),
        // The member's order does not exist yet: the hold's event keys the shard, and capture posts into it.
        creditAccountId: await this.escrowFor(input.currency, input.eventId),
        amountMinor: input.amountMinor,
        currency: input.currency,
        timeoutSeconds: input.timeoutSeconds ?? 0,
        reason: 'group_buy_hold',
        referenceType: 'group_buy_team',
        referenceId: input.teamId,
      },
    ];
  }

  /**
   * The team formed: every member's hold is posted and becomes that member's order payment in escrow
   * (refunds reverse this leg, back to the wallet). All members' captures in one linked chain, so the
   * team forms all together or not at all.
   */
  groupBuyCapture(input: { teamId: string; members: { holdTransferId: string; orderId: string }[] }): TransferInput[] {
    return linkAll(
      input.members.map((member) => ({
        id: legId(member.holdTransferId, 'group_buy_capture'),
        kind: 'post_pending' as const,
        pendingId: member.holdTransferId,
        reason: 'order_payment',
        referenceType: 'order',
        referenceId: member.orderId,
      })),
    );
  }

  /** The team failed: the hold is released back to the shopper. */
  groupBuyRelease(input: { holdTransferIds: string[] }): TransferInput[] {
    return input.holdTransferIds.map((holdTransferId) => ({ id: legId(holdTransferId, 'group_buy_release'), kind: 'void_pending' as const, pendingId: holdTransferId, reason: 'group_buy_release' }));
  }
}
