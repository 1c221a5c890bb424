import { FormatRegistry, Type } from '@sinclair/typebox';
import { isUuid } from './ids.ts';

// Fastify's Ajv knows these formats, but TypeBox's own Value checks (list filters parsed from JSON in the
// query string) refuse every format not registered here, so `filter={"id":[...]}` would never pass.
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', isUuid);
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));

/**
 * A point in time: a Date in the domain, an ISO 8601 string on the wire. Response schemas use this so
 * that entities can be returned as they are and serialized by Fastify.
 */
export const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

export const Uuid = Type.String({ format: 'uuid' });

/** An amount in a currency's minor unit (cents): a non-negative safe integer. */
export const AmountMinor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'integer amount in the minor unit (e.g. cents)' });
