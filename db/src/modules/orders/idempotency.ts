import { IdempotencyKeyReusedError } from './orders.errors.ts';

/**
 * Requests are stored in a normalised form beside the record they created; a retry must match it
 * field by field, and the first field that differs is named in the 409.
 */
export function assertSameRequest(stored: Record<string, unknown>, incoming: Record<string, unknown>): void {
  const fields = new Set([...Object.keys(stored), ...Object.keys(incoming)]);
  for (const field of fields) {
    if (JSON.stringify(stored[field] ?? null) !== JSON.stringify(incoming[field] ?? null)) throw new IdempotencyKeyReusedError(field);
  }
}

/**
 * Thrown inside a transaction that finds its idempotency key taken (by a committed order, or by one
 * that won an insert race): roll back, then answer with that record.
 */
export class IdempotencyRaceLost extends Error {
  override name = 'IdempotencyRaceLost';
}
