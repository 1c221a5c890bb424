import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compact HS256 JSON Web Tokens (RFC 7519) on node:crypto: enough for the two tokens shoppers deal with
 * (a chat host's identity token and our own session token) without a second JWT stack beside
 * @fastify/jwt. Only HS256 is accepted, so `alg: none` and algorithm confusion cannot happen.
 */
export type JwtFailure = 'malformed' | 'signature' | 'expired' | 'not_yet_valid' | 'audience' | 'expiry_missing';

export class JwtVerificationError extends Error {
  override name = 'JwtVerificationError';
  constructor(readonly failure: JwtFailure) {
    super(`JWT verification failed: ${failure}`);
  }
}

export type JwtClaims = Record<string, unknown>;

const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function signature(signingInput: string, key: string | Buffer): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

export function signHs256(claims: JwtClaims, key: string | Buffer): string {
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${signature(signingInput, key).toString('base64url')}`;
}

function decodeJsonObject(part: string): JwtClaims {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtVerificationError('malformed');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new JwtVerificationError('malformed');
  return value as JwtClaims;
}

export interface VerifyOptions {
  nowSeconds: number;
  /** When set, the `aud` claim must equal it (or, as an array, contain it). */
  audience?: string;
  /** Tokens without `exp` are refused unless this is false. */
  requireExpiry?: boolean;
  /** Allowed difference between the signer's clock and ours. */
  clockToleranceSeconds?: number;
}

/** Checks the signature first, so that claims (expiry, audience) are only ever judged on authentic tokens. */
export function verifyHs256(token: string, key: string | Buffer, options: VerifyOptions): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL_PATTERN.test(part))) throw new JwtVerificationError('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(headerPart);
  if (header.alg !== 'HS256') throw new JwtVerificationError('malformed');

  const expected = signature(`${headerPart}.${payloadPart}`, key);
  const presented = Buffer.from(signaturePart, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw new JwtVerificationError('signature');

  const claims = decodeJsonObject(payloadPart);
  const tolerance = options.clockToleranceSeconds ?? 30;
  const { exp, nbf, aud } = claims;
  if (exp === undefined) {
    if (options.requireExpiry !== false) throw new JwtVerificationError('expiry_missing');
  } else if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new JwtVerificationError('malformed');
  } else if (options.nowSeconds - tolerance >= exp) {
    throw new JwtVerificationError('expired');
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || options.nowSeconds + tolerance < nbf)) throw new JwtVerificationError('not_yet_valid');
  if (options.audience !== undefined) {
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(options.audience)) throw new JwtVerificationError('audience');
  }
  return claims;
}
