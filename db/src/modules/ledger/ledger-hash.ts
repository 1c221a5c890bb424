import { createHash } from 'node:crypto';
import type { TransferBody } from './ledger.types.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so that the same metadata always hashes the same. */
export function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = canonicalValue((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The fingerprint of a transfer's body: what idempotency compares and what the chain covers. */
export function bodyHash(body: TransferBody): string {
  return sha256Hex(
    JSON.stringify([
      body.id,
      body.kind,
      body.pendingId,
      body.debitAccountId,
      body.creditAccountId,
      body.amountMinor,
      body.currency,
      body.timeoutSeconds,
      body.linked,
      body.reason,
      body.referenceType,
      body.referenceId,
      body.correctsId,
      canonicalValue(body.metadata),
    ]),
  );
}

/** Links a row to its predecessor; recomputable by anyone from an export of the table. */
export function chainHash(previousHash: string, sequence: number, createdAt: Date, rowBodyHash: string): string {
  return sha256Hex(JSON.stringify([previousHash, sequence, createdAt.toISOString(), rowBodyHash]));
}
