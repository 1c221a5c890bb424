import type { FastifyReply } from 'fastify';

/**
 * The answer of a money route (docs/architecture.md, "Idempotency"): a retry with the same
 * Idempotency-Key and body gets the first request's status again, with the record as it is now, and
 * `Idempotent-Replayed: true` so that a client can tell it made nothing new.
 */
export function sendIdempotent<Body>(reply: FastifyReply, outcome: { replayed: boolean }, body: Body, status = 201): FastifyReply {
  if (outcome.replayed) reply.header('Idempotent-Replayed', 'true');
  return reply.status(status).send(body);
}
