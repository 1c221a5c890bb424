import { lazyModule } from '../../lazy-module.ts';

/** argon2's native addon, loaded with the first password hashed or checked (about 10 MB resident). */
const loadArgon2 = lazyModule<typeof import('@node-rs/argon2')>('@node-rs/argon2');

/** Passwords people choose are hashed with argon2id (OWASP's recommended parameters by default). */
export async function hashPassword(password: string, memoryCostKib: number): Promise<string> {
  return loadArgon2().hash(password, { memoryCost: memoryCostKib, timeCost: 2, parallelism: 1, algorithm: 2 /* argon2id */ });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await loadArgon2().verify(passwordHash, password);
  } catch {
    // A malformed stored hash (e.g. an account that never set a password) never verifies.
    return false;
  }
}
