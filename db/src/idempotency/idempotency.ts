import { setTimeout as sleep } from 'node:timers/promises';
import { Type, type Static } from '@sinclair/typebox';
import { ConflictError } from '../errors.ts';

/**
 * The one idempotency mechanism of every request that moves money (docs/architecture.md, "Idempotency").
 * A request carries an `Idempotency-Key`; the record it creates stores the key and the request in a
 * normalised form (`idempotency_key`, `idempotency_request`), under a unique constraint on the owner and
 * the key. A retry with the same key and body is answered with that record; with another body it is a
 * 409 naming the first field that differs; concurrent duplicates make one record, and the losers answer
 * with the winner's.
 */

/** The header, as Fastify sees it (lower case). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/**
 * The one header schema of the money routes: `Idempotency-Key` is required (refunds, payouts, counter
 * charges, top-ups). Checkout, where a retry is harmless to the shopper's money, takes it optional
 * through `OptionalIdempotencyKeyHeaders`, the same schema made partial.
 */
export const IdempotencyKeyHeaders = Type.Object({
  [IDEMPOTENCY_KEY_HEADER]: Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: '^[\\x21-\\x7E]+$',
    description: 'printable ASCII, unique per operation you mean; a retry with the same key and body answers with the first result',
  }),
});
export const OptionalIdempotencyKeyHeaders = Type.Partial(IdempotencyKeyHeaders);
export type IdempotencyKeyHeadersInput = Static<typeof IdempotencyKeyHeaders>;

/** The same Idempotency-Key with another request: never silently answered with the first result. */
export class IdempotencyKeyReusedError extends ConflictError {
  constructor(field: string) {
    super('idempotency_key_reused', `This Idempotency-Key was used with a different ${field}; use a new key for a new request.`, {
      [field]: 'differs from the first request with this Idempotency-Key',
    });
  }
}

/**
 * Thrown inside a transaction that finds its idempotency key taken (by a committed record, or by one that
 * won an insert race): roll back, and runIdempotent answers with that record.
 */
export class IdempotencyRaceLost extends Error {
  override name = 'IdempotencyRaceLost';
}

export type IdempotentRequest = Record<string, unknown>;

/**
 * A stored request must match the incoming one field by field; the first field that differs is named in
 * the 409. Both sides are the normalised form the service stores (absent and null are the same).
 */
export function assertSameRequest(stored: IdempotentRequest, incoming: IdempotentRequest): void {
  const fields = new Set([...Object.keys(stored), ...Object.keys(incoming)]);
  for (const field of fields) {
    if (JSON.stringify(stored[field] ?? null) !== JSON.stringify(incoming[field] ?? null)) throw new IdempotencyKeyReusedError(field);
  }
}

/** What an earlier request with the key left: the request it was made with, and how to answer it again. */
export interface EarlierRequest<Result> {
  request: IdempotentRequest;
  answer(): Promise<Result>;
}

export interface IdempotentRun<Result> {
  /** Null: no key was sent (checkout only); the work runs once, unguarded. */
  key: string | null;
  request: IdempotentRequest;
  /** The record made with this key by the same owner, if any (a plain read, outside any transaction). */
  find(key: string): Promise<EarlierRequest<Result> | null>;
  /** Makes the record; throws IdempotencyRaceLost (or any error) when a twin got there first. */
  perform(): Promise<Result>;
  /**
   * False when perform() looks the key up itself inside its transaction (checkout's hot path), so the
   * read before it would be a wasted round trip.
   */
  lookFirst?: boolean;
  /**
   * Errors that mean "a twin with this key is in flight and has not committed yet" (a counter charge's
   * code consumed by the twin): the earlier record is waited for, briefly, instead of answering the error.
   */
  twinInFlight?(error: unknown): boolean;
}

export interface IdempotentOutcome<Result> {
  result: Result;
  /** True when the answer is an earlier request's: the route answers the first status with `Idempotent-Replayed: true`. */
  replayed: boolean;
}

const TWIN_WAIT_ATTEMPTS = 40;
const TWIN_WAIT_MS = 50;

/**
 * Runs a money request once per key. When perform() finds that a twin with the same key got there first
 * (IdempotencyRaceLost: the insert race on the key's unique constraint, or a look-up under the record's
 * lock; or an error the caller names in twinInFlight), the twin's record is the answer, waited for
 * briefly if it has not committed yet: concurrent duplicates have one effect and one answer. Any other
 * error is this request's own and is thrown as it is (a record this request committed before failing,
 * such as a top-up Stripe refused, is not replayed to itself).
 */
export async function runIdempotent<Result>(run: IdempotentRun<Result>): Promise<IdempotentOutcome<Result>> {
  const { key } = run;
  if (key === null) return { result: await run.perform(), replayed: false };
  if (run.lookFirst !== false) {
    const earlier = await run.find(key);
    if (earlier) return replay(earlier, run.request);
  }
  try {
    return { result: await run.perform(), replayed: false };
  } catch (error) {
    const waitForTwin = error instanceof IdempotencyRaceLost || (run.twinInFlight?.(error) ?? false);
    if (!waitForTwin) throw error;
    for (let attempt = 0; attempt < TWIN_WAIT_ATTEMPTS; attempt += 1) {
      const earlier = await run.find(key);
      if (earlier) return replay(earlier, run.request);
      if (attempt + 1 < TWIN_WAIT_ATTEMPTS) await sleep(TWIN_WAIT_MS);
    }
    if (error instanceof IdempotencyRaceLost) throw new Error(`The request that holds Idempotency-Key ${key} did not commit its record.`, { cause: error });
    throw error;
  }
}

async function replay<Result>(earlier: EarlierRequest<Result>, incoming: IdempotentRequest): Promise<IdempotentOutcome<Result>> {
  assertSameRequest(earlier.request, incoming);
  return { result: await earlier.answer(), replayed: true };
}

/** A PostgreSQL unique violation of one constraint: the insert race on an idempotency key. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const candidate = error as { code?: string; constraint?: string };
  return candidate.code === '23505' && (constraint === undefined || candidate.constraint === constraint);
}
