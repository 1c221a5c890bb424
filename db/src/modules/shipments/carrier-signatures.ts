import { createHmac, timingSafeEqual } from 'node:crypto';
import { CarrierSignatureError, CarrierTimestampError } from './shipments.errors.ts';

/** The generic format's signature header (docs/delivery.md §5): `t=<unix seconds>,v1=<hex>`. */
export const GENERIC_SIGNATURE_HEADER = 'minishop-carrier-signature';

function equalInConstantTime(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Signs a body the way the generic format expects: HMAC-SHA256 of `<t>.<raw body>`, hex. */
export function signGenericPayload(secret: string, rawBody: Buffer | string, timestampSeconds: number): string {
  const signature = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
  return `t=${timestampSeconds},v1=${signature}`;
}

/**
 * Verifies `Minishop-Carrier-Signature` on the raw bytes: every `v1` is compared in constant time (a
 * carrier rotating its secret may send two), and `t` must be within the tolerance of now, so a captured
 * request cannot be replayed later.
 */
export function verifyGenericSignature(rawBody: Buffer, header: string | string[] | undefined, secret: string, toleranceSeconds: number, now: Date = new Date()): void {
  if (typeof header !== 'string' || header === '') throw new CarrierSignatureError('missing_signature', `Sign the request: header ${GENERIC_SIGNATURE_HEADER}: t=<unix>,v1=<hex>.`);
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === null || signatures.length === 0) throw new CarrierSignatureError('invalid_signature', 'The signature header must be t=<unix>,v1=<hex>.');
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex'));
  if (!signatures.some((signature) => equalInConstantTime(expected, Buffer.from(signature)))) {
    throw new CarrierSignatureError('invalid_signature', 'The signature does not match the body.');
  }
  // Checked after the signature, so an unsigned request learns nothing about our clock.
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) {
    throw new CarrierTimestampError(GENERIC_SIGNATURE_HEADER, `t is more than ${toleranceSeconds} s away from now`);
  }
}

/** AfterShip's signature: base64 HMAC-SHA256 of the raw body in `aftership-hmac-sha256`. */
export const AFTERSHIP_SIGNATURE_HEADER = 'aftership-hmac-sha256';

export function signAfterShipPayload(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function verifyAfterShipSignature(rawBody: Buffer, header: string | string[] | undefined, secret: string): void {
  if (typeof header !== 'string' || header === '') throw new CarrierSignatureError('missing_signature', `Sign the request: header ${AFTERSHIP_SIGNATURE_HEADER}.`);
  const expected = Buffer.from(signAfterShipPayload(secret, rawBody));
  if (!equalInConstantTime(expected, Buffer.from(header.trim()))) throw new CarrierSignatureError('invalid_signature', 'The signature does not match the body.');
}
