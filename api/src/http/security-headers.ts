import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The API's security headers (helmet), as a fixed set computed once and sent by a hook of api/src/app.ts
 * on every reply. @fastify/helmet would build a new helmet middleware, CSP parsing included, on every
 * request, which cost a hot route about as much CPU as Fastify itself; helmet's output depends on its
 * options only, never on the request. Pages that need another policy (the widget's host pages) replace
 * the header on their reply. api/test/routes/store/catalog.test.ts compares the set with what helmet's
 * own middleware writes on a real response.
 */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  contentSecurityPolicy: { useDefaults: true, directives: { 'img-src': ["'self'", 'data:', 'https:'] } },
};

/** Every header helmet 8 can set, for comparing responses. */
export const HELMET_HEADER_NAMES = [
  'content-security-policy',
  'content-security-policy-report-only',
  'cross-origin-embedder-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
] as const;

export function computeSecurityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  // Helmet's middleware is synchronous and only sets or removes headers, so a recorder stands in for the response.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}
