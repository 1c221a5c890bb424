import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The API's security headers (helmet), as fixed sets computed once and sent by a hook of api/src/app.ts
 * on every reply. @fastify/helmet would build a new helmet middleware, CSP parsing included, on every
 * request, which cost a hot route about as much CPU as Fastify itself; helmet's output depends on its
 * options only, never on the request. Pages that need another policy (the widget's host pages) replace
 * the header on their reply. api/test/routes/store/catalog.test.ts compares both sets with what helmet's
 * own middleware writes on a real response.
 */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  contentSecurityPolicy: { useDefaults: true, directives: { 'img-src': ["'self'", 'data:', 'https:'] } },
};

/**
 * Helmet for the JSON API under /api/ (OWASP's REST Security Cheat Sheet): nothing there is a document,
 * so the headers that only govern documents (DNS prefetch, IE8 downloads, Flash policies, the XSS
 * auditor, opener and agent-cluster isolation, the referrer a page leaks) are left out, and the policy
 * forbids everything: an answer rendered or framed by mistake can load nothing and run nothing. Each
 * header costs every reply twice on the hottest routes (Node validates it, the client parses it): a bare
 * Fastify answering 6.4 kB served 27 % fewer requests with helmet's twelve (docs/performance.md).
 */
export const API_HELMET_OPTIONS: Readonly<HelmetOptions> = {
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/** The JSON API's own paths, which get API_HELMET_OPTIONS' set; pages, assets and probes get the document set. */
export function isApiPath(url: string): boolean {
  return url.startsWith('/api/');
}

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
