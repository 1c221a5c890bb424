import { LRUCache } from 'lru-cache';
import { verifyJwt, type JwtClaims, type VerifyOptions } from './json-web-tokens.ts';

/** Enough for every shopper and staff member active within a token's lifetime on one API process. */
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * A verifier for one key and one set of options that remembers the tokens it has accepted, so that a
 * client presenting the same token on every request is verified by its signature once, not on each
 * request (WebCrypto's HMAC, through jose, was 13-14 % of the API's CPU in a checkout: docs/performance.md).
 *
 * A token is remembered under its exact string, only after jose accepted it with this key and these
 * options, and only while its time claims still hold: once `exp` has passed (or while `nbf` is ahead,
 * for a clock moved back) the token goes through jose again, which refuses it with its usual reason.
 * Tokens without `exp` are never remembered. What the token's claims lead to (a staff member removed,
 * a session revoked) is judged by the callers after this, on every request, as before. The cache is a
 * bounded LRU: the least recently used token is forgotten first. lru-cache keeps its order in arrays, so a
 * hit writes nothing to a hash table: a long-lived Map whose entry is deleted and set again on every hit
 * had V8 allocate a new table for it straight in the old generation each time (docs/performance.md,
 * "Tables that churn in the old generation").
 */
export class CachedJwtVerifier {
  private readonly accepted: LRUCache<string, JwtClaims>;

  constructor(
    private readonly key: Uint8Array,
    private readonly options: Omit<VerifyOptions, 'nowSeconds'>,
    maxEntries = DEFAULT_MAX_ENTRIES,
  ) {
    this.accepted = new LRUCache({ max: maxEntries });
  }

  /** The token's claims (a copy the caller may keep), or a JwtVerificationError as verifyJwt throws it. */
  async verify(token: string, nowSeconds: number): Promise<JwtClaims> {
    const remembered = this.accepted.get(token);
    // A hit becomes the most recently used.
    if (remembered && this.timeClaimsHold(remembered, nowSeconds)) return { ...remembered };
    if (remembered) this.accepted.delete(token);
    const claims = await verifyJwt(token, this.key, { ...this.options, nowSeconds });
    if (typeof claims.exp === 'number') this.accepted.set(token, { ...claims });
    return claims;
  }

  /** jose's own time checks (exp, nbf) with the same clock tolerance: true when it would accept them now. */
  private timeClaimsHold(claims: JwtClaims, nowSeconds: number): boolean {
    const toleranceSeconds = this.options.clockToleranceSeconds ?? 30;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds - toleranceSeconds) return false;
    return typeof claims.nbf !== 'number' || claims.nbf <= nowSeconds + toleranceSeconds;
  }
}
