import type { Redis } from 'ioredis';
import type { Actor, ShopperActor } from '../../db/src/actor.ts';
import type { Config } from '../../db/src/config.ts';
import type { Database } from '../../db/src/database.ts';
import type { Permission } from '../../db/src/modules/staff/permissions.ts';
import type { JobQueues } from '../../db/src/queues/job-queues.ts';
import type { Services } from '../../db/src/services.ts';

/** `platform.operate`: only platform operators. `public`: no authentication at all. */
export type RoutePermission = Permission | 'platform.operate' | 'authenticated';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    redis: Redis;
    services: Services;
    /** The staff guard's token check (a staff access token or an `msk_` API key), for GET /ws too. */
    actorOfStaffToken(token: string): Promise<Actor>;
    /** GET /ws's token check: staff (access token or API key) first, then a shopper session. */
    actorOfRealtimeToken(token: string): Promise<Actor>;
    /** This instance's live-update hub (api/src/realtime/realtime-hub.ts). */
    realtime: import('./realtime/realtime-hub.ts').RealtimeHub;
    /** The registry's BullMQ queues, for the operator's dashboard and /metrics (api/src/plugins/app/job-queues.ts). */
    jobQueues: JobQueues;
  }
  interface FastifyRequest {
    /** Set by the authentication hook on routes that name a permission; null on public routes. */
    actor: Actor | null;
    /** Set by the shopper-authentication hook on routes with `shopperSession`; null elsewhere. */
    shopper: ShopperActor | null;
  }
  interface FastifyContextConfig {
    /** What the caller must be allowed to do; every /api/admin route must name one. */
    permission?: RoutePermission;
    /** The route is for a signed-in shopper: `Authorization: Bearer <shopper session token>`. */
    shopperSession?: boolean;
  }
}
