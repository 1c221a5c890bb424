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
  return createHash('sha256').update(secret).digest('hex');
}
