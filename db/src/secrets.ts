import { createHash, randomBytes } from 'node:crypto';

/** A random secret for tokens and keys: 32 bytes, base64url. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Tokens and API keys are long random strings, so a fast hash is enough to store them safely
 * (passwords, which people choose, use argon2 instead).
 */
export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

/** SHA-256 of a text as lower-case hex: for secrets, and for fingerprints of request bodies. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
