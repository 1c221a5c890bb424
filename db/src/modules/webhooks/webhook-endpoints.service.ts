import { containsPattern } from '../../search-pattern.ts';
import type { MerchantActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import { callbackUrlProblem } from './webhook-url.ts';
import { newSigningSecret } from './webhook-signature.ts';
import type {
  WebhookEndpointCreateInput,
  WebhookEndpointListFilterInput,
  WebhookEndpointUpdateInput,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
} from './webhooks.schemas.ts';

export const ENDPOINT_COLUMNS = `id, merchant_id as "merchantId", url, description, events, status, disabled_reason as "disabledReason",
  disabled_at as "disabledAt", consecutive_failures as "consecutiveFailures", failing_since as "failingSince",
  created_at as "createdAt", updated_at as "updatedAt"`;

const SORT_COLUMNS: Record<string, string> = { id: 'id', createdAt: 'created_at', url: 'url', status: 'status' };

/**
 * The merchant's webhook endpoints (docs/webhooks.md): every query is scoped by the actor's merchant, so
 * another merchant's endpoint is a 404. The signing secret leaves the database only in the answers to
 * create and rotate.
 */
export class WebhookEndpointsService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'environment'>,
  ) {}

  async list(actor: MerchantActor, query: ListQuery<WebhookEndpointListFilterInput>): Promise<ListPage<WebhookEndpointView>> {
    const conditions = ['merchant_id = $1'];
    const values: unknown[] = [actor.merchantId];
    if (query.filter.id) conditions.push(`id = any($${values.push(query.filter.id)}::uuid[])`);
    if (query.filter.status) conditions.push(`status = $${values.push(query.filter.status)}`);
    if (query.filter.q) {
      const pattern = `$${values.push(containsPattern(query.filter.q))}`;
      conditions.push(`(url ilike ${pattern} or description ilike ${pattern})`);
    }
    const where = conditions.join(' and ');
    const order = `${SORT_COLUMNS[query.sortField] ?? 'created_at'} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'}, id`;
    const [items, total] = await Promise.all([
      this.database.pool.query<WebhookEndpointView>(`select ${ENDPOINT_COLUMNS} from webhook_endpoint where ${where} order by ${order} limit ${query.limit} offset ${query.offset}`, values),
      this.database.pool.query<{ total: number }>(`select count(*)::int as total from webhook_endpoint where ${where}`, values),
    ]);
    return { items: items.rows, total: total.rows[0]?.total ?? 0, offset: query.offset };
  }

  async get(actor: MerchantActor, id: string): Promise<WebhookEndpointView> {
    const { rows } = await this.database.pool.query<WebhookEndpointView>(`select ${ENDPOINT_COLUMNS} from webhook_endpoint where id = $1 and merchant_id = $2`, [id, actor.merchantId]);
    if (!rows[0]) throw new NotFoundError('webhook_endpoint', id);
    return rows[0];
  }

  /** Registers an endpoint with a new signing secret, returned this once. */
  async create(actor: MerchantActor, input: WebhookEndpointCreateInput): Promise<WebhookEndpointWithSecret> {
    this.assertUrl(input.url);
    const secret = newSigningSecret();
    const { rows } = await this.database.pool.query<WebhookEndpointView>(
      `insert into webhook_endpoint (id, merchant_id, url, description, events, secret) values ($1, $2, $3, $4, $5, $6) returning ${ENDPOINT_COLUMNS}`,
      [newId(), actor.merchantId, input.url, input.description ?? '', input.events, secret],
    );
    return { ...(rows[0] as WebhookEndpointView), secret };
  }

  /** Changes the URL, events or description; `status` disables it by hand or re-enables it with a clean slate. */
  async update(actor: MerchantActor, id: string, input: WebhookEndpointUpdateInput): Promise<WebhookEndpointView> {
    if (input.url !== undefined) this.assertUrl(input.url);
    const values: unknown[] = [id, actor.merchantId];
    const assignments = ['updated_at = now()'];
    if (input.url !== undefined) assignments.push(`url = $${values.push(input.url)}`);
    if (input.description !== undefined) assignments.push(`description = $${values.push(input.description)}`);
    if (input.events !== undefined) assignments.push(`events = $${values.push(input.events)}`);
    if (input.status === 'enabled') {
      assignments.push(`status = 'enabled', disabled_at = null, disabled_reason = null, consecutive_failures = 0, failing_since = null`);
    } else if (input.status === 'disabled') {
      assignments.push(`status = 'disabled', disabled_at = coalesce(disabled_at, now()), disabled_reason = coalesce(disabled_reason, 'disabled by the merchant')`);
    }
    const { rows } = await this.database.pool.query<WebhookEndpointView>(
      `update webhook_endpoint set ${assignments.join(', ')} where id = $1 and merchant_id = $2 returning ${ENDPOINT_COLUMNS}`,
      values,
    );
    if (!rows[0]) throw new NotFoundError('webhook_endpoint', id);
    return rows[0];
  }

  /** A new secret replaces the old one at once; the answer shows it this once. */
  async rotateSecret(actor: MerchantActor, id: string): Promise<WebhookEndpointWithSecret> {
    const secret = newSigningSecret();
    const { rows } = await this.database.pool.query<WebhookEndpointView>(
      `update webhook_endpoint set secret = $3, updated_at = now() where id = $1 and merchant_id = $2 returning ${ENDPOINT_COLUMNS}`,
      [id, actor.merchantId, secret],
    );
    if (!rows[0]) throw new NotFoundError('webhook_endpoint', id);
    return { ...rows[0], secret };
  }

  /** Deletes the endpoint with its deliveries and their log. */
  async delete(actor: MerchantActor, id: string): Promise<WebhookEndpointView> {
    const { rows } = await this.database.pool.query<WebhookEndpointView>(`delete from webhook_endpoint where id = $1 and merchant_id = $2 returning ${ENDPOINT_COLUMNS}`, [
      id,
      actor.merchantId,
    ]);
    if (!rows[0]) throw new NotFoundError('webhook_endpoint', id);
    return rows[0];
  }

  private assertUrl(url: string): void {
    const problem = callbackUrlProblem(url, this.config.environment);
    if (problem) throw new ValidationError({ url: problem });
  }
}
