import type { Config } from './config.ts';

const ADDRESS_FIELDS = ['address', 'deliveryAddress', 'recipient', 'phone', 'line1', 'line2', 'postalCode', 'position'];

/**
 * What pino never writes: credentials, and the personal data of delivery (addresses, phone numbers,
 * positions; docs/orders.md §10) wherever a request body or an order is logged (Fastify's own request
 * and response lines carry neither: method, URL and status only), plus
 * PostgreSQL's "Failing row contains (...)" detail of an error, which would spell a row out.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'body.password',
  'body.refreshToken',
  ...ADDRESS_FIELDS.flatMap((field) => [`body.${field}`, `req.body.${field}`, `order.${field}`]),
  // An order or a response body logged under any name (`response`, `reply`, `payload`), and lists of them.
  '*.deliveryAddress',
  'items[*].deliveryAddress',
  'err.detail',
];

/** Pino options for every process (the API, the workers): the configured level, redaction as above. */
export function loggerOptions(config: Pick<Config, 'logLevel'>): { level: string; redact: { paths: string[]; censor: string } } {
  return { level: config.logLevel, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
}
