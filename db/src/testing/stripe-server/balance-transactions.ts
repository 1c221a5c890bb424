import type Stripe from 'stripe';
import type { FormObject } from './form-encoding.ts';
import { optionalInteger, optionalObject, optionalString, optionalStringList, rejectUnknownParameters } from './parameters.ts';
import { invalidParameter, resourceMissing } from './stripe-api-errors.ts';

const SECONDS_PER_DAY = 86_400;

/** The balance transaction Stripe books for a succeeded charge (money in) or a refund (money out, negative). */
export function balanceTransactionObject(input: { id: string; source: string; type: 'charge' | 'refund'; amount: number; currency: string; created: number }): Stripe.BalanceTransaction {
  const amount = input.type === 'refund' ? -input.amount : input.amount;
  return {
    id: input.id,
    object: 'balance_transaction',
    amount,
    available_on: input.created + 2 * SECONDS_PER_DAY,
    balance_type: 'payments',
    created: input.created,
    currency: input.currency,
    description: input.type === 'refund' ? 'REFUND FOR CHARGE' : null,
    exchange_rate: null,
    // The fake keeps no fees, so net equals the amount (Stripe's fees would be a stripe_fee detail here).
    fee: 0,
    fee_details: [],
    net: amount,
    reporting_category: input.type,
    source: input.source,
    status: 'pending',
    type: input.type,
  };
}

function rangeParameter(parameters: FormObject, name: string): { gt?: number; gte?: number; lt?: number; lte?: number } {
  const exact = typeof parameters[name] === 'string' ? optionalInteger(parameters, name) : null;
  if (exact !== null) return { gte: exact, lte: exact };
  const range = optionalObject(parameters, name);
  if (!range) return {};
  rejectUnknownParameters(range, ['gt', 'gte', 'lt', 'lte']);
  const bounds: Record<string, number> = {};
  for (const key of ['gt', 'gte', 'lt', 'lte'] as const) {
    const value = optionalInteger(range, key);
    if (value !== null) bounds[key] = value;
  }
  return bounds;
}

/**
 * `GET /v1/balance_transactions` as Stripe answers it: newest first, `limit` (1-100, default 10),
 * `starting_after` / `ending_before` cursors, filters on `created` (a range), `type`, `currency`,
 * `source`, and `expand[]=data.source` to embed the charge or refund.
 */
export function listBalanceTransactions(
  all: readonly Stripe.BalanceTransaction[],
  parameters: FormObject,
  sources: { charges: ReadonlyMap<string, Stripe.Charge>; refunds: ReadonlyMap<string, Stripe.Refund> },
): Stripe.ApiList<Stripe.BalanceTransaction> {
  rejectUnknownParameters(parameters, ['limit', 'starting_after', 'ending_before', 'created', 'type', 'currency', 'source', 'payout', 'expand']);
  const limit = optionalInteger(parameters, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidParameter('parameter_invalid_integer', 'This value must be between 1 and 100 (inclusive).', 'limit');
  const created = rangeParameter(parameters, 'created');
  const type = optionalString(parameters, 'type');
  const currency = optionalString(parameters, 'currency')?.toLowerCase() ?? null;
  const source = optionalString(parameters, 'source');
  const expand = optionalStringList(parameters, 'expand') ?? [];
  const unknownExpansion = expand.find((path) => path !== 'data.source');
  if (unknownExpansion) throw invalidParameter(undefined, `This property cannot be expanded (${unknownExpansion}).`, 'expand');

  // Newest first; among equal creation seconds, the later booked first (as Stripe's list reads).
  const matching = [...all]
    .reverse()
    .filter(
      (transaction) =>
        (created.gt === undefined || transaction.created > created.gt) &&
        (created.gte === undefined || transaction.created >= created.gte) &&
        (created.lt === undefined || transaction.created < created.lt) &&
        (created.lte === undefined || transaction.created <= created.lte) &&
        (type === null || transaction.type === type) &&
        (currency === null || transaction.currency === currency) &&
        (source === null || transaction.source === source),
    );
  const startingAfter = optionalString(parameters, 'starting_after');
  const endingBefore = optionalString(parameters, 'ending_before');
  let window = matching;
  if (startingAfter) {
    const index = matching.findIndex((transaction) => transaction.id === startingAfter);
    if (index === -1) throw resourceMissing('balance_transaction', startingAfter, 'starting_after');
    window = matching.slice(index + 1);
  } else if (endingBefore) {
    const index = matching.findIndex((transaction) => transaction.id === endingBefore);
    if (index === -1) throw resourceMissing('balance_transaction', endingBefore, 'ending_before');
    window = matching.slice(Math.max(0, index - limit), index);
  }
  const page = window.slice(0, limit).map((transaction) => {
    if (!expand.includes('data.source') || typeof transaction.source !== 'string') return transaction;
    const embedded = sources.charges.get(transaction.source) ?? sources.refunds.get(transaction.source);
    return { ...transaction, source: (embedded ?? transaction.source) as Stripe.BalanceTransaction['source'] };
  });
  return { object: 'list', data: page, has_more: window.length > limit, url: '/v1/balance_transactions' };
}
