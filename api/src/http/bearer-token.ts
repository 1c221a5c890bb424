import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../../db/src/errors.ts';

/**
 * The token of an `Authorization: Bearer <token>` header, for the staff and the shopper guards alike.
 * `missingHint` tells the caller which token the route wants.
 */
export function bearerToken(request: FastifyRequest, missingHint: string): string {
  const header = request.headers.authorization;
  if (!header) throw new UnauthorizedError('missing_token', missingHint);
  const [scheme, token, extra] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
    throw new UnauthorizedError('malformed_authorization', 'The Authorization header must be "Bearer <token>".');
  }
  return token;
}
