import type { Redis } from 'ioredis';
import type { Actor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { ForbiddenError, UnauthorizedError } from '../../errors.ts';
import { hashSecret, newSecret } from '../../secrets.ts';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const QUEUE_DASHBOARD_COOKIE = 'minishop_queue_dashboard';

/**
 * Short-lived sessions for bull-board at /admin/queues (docs/operations in the README). A browser that
 * navigates there sends no bearer header, so an operator trades their access token for a random token
 * kept (hashed) in Redis with a lifetime, carried by an HttpOnly cookie scoped to that path. Every
 * dashboard request checks the token and that its user is still an operator.
 */
export class QueueDashboardSessionsService {
  constructor(
    private readonly database: Database,
    private readonly redis: Redis,
    private readonly config: Pick<Config, 'queueDashboard'>,
  ) {}

  /** The route's `platform.operate` permission has checked that the actor is an operator. */
  async create(actor: Actor): Promise<{ token: string; expiresAt: Date; maxAgeSeconds: number }> {
    if (actor.type !== 'operator' && !(actor.type === 'staff' && actor.isOperator)) throw new ForbiddenError('operator_only', 'Only platform operators may open the queue dashboard.');
    const token = newSecret(32);
    const maxAgeSeconds = this.config.queueDashboard.sessionTtlSeconds;
    await this.redis.set(this.key(token), actor.userId, 'EX', maxAgeSeconds);
    return { token, expiresAt: new Date(Date.now() + maxAgeSeconds * 1000), maxAgeSeconds };
  }

  /** The operator behind a dashboard cookie: 401 without a live session, 403 when they stopped being an operator. */
  async authenticate(token: string | undefined): Promise<{ userId: string }> {
    if (!token) throw new UnauthorizedError('queue_dashboard_session_required', 'Open the queue dashboard through POST /api/admin/operator/queue-dashboard/session first.');
    const userId = await this.redis.get(this.key(token));
    if (!userId) throw new UnauthorizedError('queue_dashboard_session_invalid', 'The queue dashboard session is unknown or has expired; open it again.');
    const { rowCount } = await this.database.pool.query('select 1 from operator where user_id = $1', [userId]);
    if (!rowCount) throw new ForbiddenError('operator_only', 'Only platform operators may use the queue dashboard.');
    return { userId };
  }

  private key(token: string): string {
    return `queue-dashboard-session:${hashSecret(token)}`;
  }
}
