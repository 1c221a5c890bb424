import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bearerToken } from '../../http/bearer-token.ts';
import { isOperator, type Actor } from '../../../../db/src/actor.ts';
import { ForbiddenError } from '../../../../db/src/errors.ts';
import { API_KEY_PREFIX } from '../../../../db/src/modules/auth/api-keys.service.ts';
import { roleAllows } from '../../../../db/src/modules/staff/permissions.ts';
import type { RoutePermission } from '../../types.ts';

/** One route that names a permission, as the authentication hook registered it. */
export interface GuardedRoute {
  method: string;
  url: string;
  permission: RoutePermission;
}

const guardedRoutesByApp = new WeakMap<FastifyInstance, GuardedRoute[]>();

/**
 * Every guarded route of an app, in registration order: the role matrix test
 * (api/test/routes/admin/permissions.test.ts) walks it, so that no route escapes the check.
 */
export function guardedRoutes(app: FastifyInstance): readonly GuardedRoute[] {
  return guardedRoutesByApp.get(app) ?? [];
}

const MISSING_HINT = 'Send an access token or API key as "Authorization: Bearer <token>".';

function assertAllowed(actor: Actor, permission: RoutePermission): void {
  if (permission === 'authenticated') return;
  if (permission === 'platform.operate') {
    if (!isOperator(actor)) throw new ForbiddenError('operator_only', 'Only platform operators may do this.');
    return;
  }
  if (actor.type !== 'staff' && actor.type !== 'api_key') {
    throw new ForbiddenError('merchant_required', 'Sign in to a merchant to do this.');
  }
  if (!roleAllows(actor.role, permission)) {
    throw new ForbiddenError('role_forbidden', `The ${actor.role} role may not do this (${permission}).`);
  }
}

/**
 * Who is calling, on every route that names a permission: a staff access token (JWT, checked against the
 * current membership on every request) or a merchant API key. Admin routes that forget to name one stop
 * the boot, so no admin route is ever left unguarded.
 */
export default fp(
  async function authentication(app: FastifyInstance) {
    app.decorateRequest('actor', null);

    /** A staff access token or API key, as the bearer header or GET /ws's auth message carries it. */
    async function actorOfStaffToken(token: string): Promise<Actor> {
      if (token.startsWith(API_KEY_PREFIX)) return app.services.apiKeys.authenticate(token);
      return app.services.auth.authenticate(token);
    }

    app.decorate('actorOfStaffToken', actorOfStaffToken);

    const table: GuardedRoute[] = [];
    guardedRoutesByApp.set(app, table);

    app.addHook('onRoute', (route) => {
      const permission = route.config?.permission;
      if (!permission) {
        if (route.url.startsWith('/api/admin')) {
          throw new Error(`Admin route ${route.method} ${route.url} names no permission; add config.permission.`);
        }
        return;
      }
      const guard = async (request: FastifyRequest) => {
        const actor = await actorOfStaffToken(bearerToken(request, MISSING_HINT));
        assertAllowed(actor, permission);
        request.actor = actor;
      };
      // onRequest, before the body is parsed and validated: a caller without the right answers 401/403
      // and learns nothing from validation messages, and its body is never read.
      route.onRequest = [guard, ...(route.onRequest ? [route.onRequest].flat() : [])];
      route.schema = { ...route.schema, security: [{ bearerAuth: [] }] };
      for (const method of [route.method].flat()) table.push({ method, url: route.url, permission });
    });
  },
  { name: 'authentication', decorators: { fastify: ['services', 'config'] } },
);
