import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/**
 * A package loaded on its first use rather than when the process starts: the SDKs a running platform
 * may never call (Stripe without card payments, S3 without a bucket, sharp until a photo is uploaded,
 * argon2 until someone signs in with a password, qrcode until a QR image is drawn) then cost no
 * resident memory (several MB each: their code, its source text kept by V8, native libraries).
 * Loaded synchronously through `require` (each is a CommonJS package), so callers keep their
 * synchronous signatures; the type parameter is what the package exports (`typeof import('<name>')`).
 */
export function lazyModule<Module>(packageName: string): () => Module {
  let loaded: Module | undefined;
  return () => (loaded ??= requireFromHere(packageName) as Module);
}
