import { Type } from '@sinclair/typebox';

/**
 * A point in time: a Date in the domain, an ISO 8601 string on the wire. Response schemas use this so
 * that entities can be returned as they are and serialized by Fastify.
 */
export const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

export const Uuid = Type.String({ format: 'uuid' });

/** An amount in a currency's minor unit (cents): a non-negative safe integer. */
export const AmountMinor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'integer amount in the minor unit (e.g. cents)' });
