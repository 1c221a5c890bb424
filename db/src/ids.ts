import { randomBytes } from 'node:crypto';
import { v7 as uuidv7, validate, version } from 'uuid';

/** Time-ordered ids (UUIDv7): unique without coordination and index-friendly, as they grow with time. */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: string): boolean {
  return validate(value) && version(value) >= 1;
}

/**
 * Ids for requests, not rows: a UUIDv8 (RFC 9562's custom layout) made of 74 random bits drawn once per
 * process and a 48-bit counter, so that ids stay unique across processes and restarts without asking
 * the system for randomness on every request (a UUIDv7 per request was 2-3 % of a cached catalog read).
 */
export function requestIdGenerator(): () => string {
  const random = randomBytes(10).toString('hex');
  const prefix = `${random.slice(0, 8)}-${random.slice(8, 12)}-8${random.slice(12, 15)}-${((parseInt(random[15]!, 16) & 0x3) | 0x8).toString(16)}${random.slice(16, 19)}-`;
  let counter = 0;
  return () => {
    counter = counter + 1 === 2 ** 48 ? 1 : counter + 1;
    return prefix + counter.toString(16).padStart(12, '0');
  };
}
