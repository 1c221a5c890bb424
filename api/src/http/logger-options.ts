import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../../../db/src/config.ts';

const ADDRESS_FIELDS = ['address', 'deliveryAddress', 'recipient', 'phone', 'line1', 'line2', 'postalCode', 'position'];

/**
 * What pino never writes: credentials, and the personal data of delivery (addresses, phone numbers,
 * positions; docs/orders.md §10) wherever a request body, a response body or an order is logged, plus
 * PostgreSQL's "Failing row contains (...)" detail of an error, which would spell a row out.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'body.password',
  'body.refreshToken',
  ...ADDRESS_FIELDS.flatMap((field) => [`body.${field}`, `req.body.${field}`, `res.body.${field}`, `order.${field}`, `*.deliveryAddress`]),
  'items[*].deliveryAddress',
  'err.detail',
].filter((path, index, paths) => paths.indexOf(path) === index);

/** The API's logger: the configured level, redaction as above. */
export function appLoggerOptions(config: Pick<Config, 'logLevel'>): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return { level: config.logLevel, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
}
