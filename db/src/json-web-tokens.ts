import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/**
 * The one JSON Web Token mechanism of the platform, on `jose`: staff access tokens, shopper session
 * tokens and chat hosts' identity tokens are all signed and verified here. Only HS256 is accepted, so
 * `alg: none` and algorithm confusion cannot happen; jose checks the signature before any claim, so
 * expiry and audience are only ever judged on authentic tokens.
 */
export type JwtFailure = 'malformed' | 'signature' | 'expired' | 'not_yet_valid' | 'audience' | 'expiry_missing';

export class JwtVerificationError extends Error {
  override name = 'JwtVerificationError';
  constructor(readonly failure: JwtFailure) {
    super(`JWT verification failed: ${failure}`);
  }
}

export type JwtClaims = JWTPayload & Record<string, unknown>;

const ALGORITHM = 'HS256';
const encoder = new TextEncoder();

/** An HMAC key as jose takes it: a text secret's UTF-8 bytes, or raw key bytes. */
export function hmacKey(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? encoder.encode(secret) : secret;
}

export interface SignOptions {
  nowSeconds: number;
  expiresInSeconds: number;
  audience?: string;
  subject?: string;
}

export function signJwt(claims: Record<string, unknown>, key: Uint8Array, options: SignOptions): Promise<string> {
  const token = new SignJWT(claims).setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' }).setIssuedAt(options.nowSeconds).setExpirationTime(options.nowSeconds + options.expiresInSeconds);
  if (options.audience) token.setAudience(options.audience);
  if (options.subject) token.setSubject(options.subject);
  return token.sign(key);
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

export async function verifyJwt(token: string, key: Uint8Array, options: VerifyOptions): Promise<JwtClaims> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      currentDate: new Date(options.nowSeconds * 1000),
      clockTolerance: options.clockToleranceSeconds ?? 30,
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
      ...(options.requireExpiry === false ? {} : { requiredClaims: ['exp'] }),
    });
    return payload as JwtClaims;
  } catch (error) {
    throw new JwtVerificationError(failureOf(error));
  }
}

function failureOf(error: unknown): JwtFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp' && error.reason === 'missing') return 'expiry_missing';
    if (error.claim === 'nbf' && error.reason === 'check_failed') return 'not_yet_valid';
    if (error.claim === 'aud') return 'audience';
    return 'malformed';
  }
  if (error instanceof errors.JOSEError) return 'malformed';
  throw error;
}
