import type { FilterQuery } from '@mikro-orm/postgresql';
import type { Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import type { Config } from '../../config.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { callbackUrlProblem } from '../webhooks/webhook-url.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { newSecret } from '../../secrets.ts';
import { ChatHostEntity, type ChatHost, type ChatHostWithSecrets } from './chat-host.entity.ts';
import type { ChatHostCreateInput, ChatHostListFilterInput, ChatHostUpdateInput } from './chat-hosts.schemas.ts';

function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * The chats that may vouch for shoppers (provider `host`), managed by platform operators. The routes
 * are guarded by `platform.operate`; the actor is taken for the audit trail to come.
 */
export class ChatHostsService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'environment'>,
  ) {}

  async list(_actor: Actor, query: ListQuery<ChatHostListFilterInput>): Promise<ListPage<ChatHost>> {
    const where: FilterQuery<ChatHost> = {};
    if (query.filter.id) where.id = { $in: query.filter.id };
    if (query.filter.status) where.status = query.filter.status;
    if (query.filter.q) where.name = { $ilike: containsPattern(query.filter.q) };
    return findPage(this.database.orm.em.fork(), ChatHostEntity, where, query);
  }

  async get(_actor: Actor, id: string): Promise<ChatHost> {
    const host = await this.database.orm.em.fork().findOne(ChatHostEntity, { id });
    if (!host) throw new NotFoundError('chat_host', id);
    return host;
  }

  /** Returns the host with its secret (and notification secret): the only time they leave the database. */
  async create(_actor: Actor, input: ChatHostCreateInput): Promise<ChatHostWithSecrets> {
    if (input.notificationUrl !== undefined) this.assertNotificationUrl(input.notificationUrl);
    const entityManager = this.database.orm.em.fork();
    const host = entityManager.create(ChatHostEntity, {
      id: newId(),
      name: input.name,
      secret: input.secret ?? newSecret(32),
      status: input.status ?? 'active',
      notificationUrl: input.notificationUrl ?? null,
      notificationSecret: input.notificationUrl ? newSecret(32) : null,
    });
    await entityManager.flush();
    // A plain copy: the entity's own serialization leaves the hidden secrets out.
    return {
      id: host.id,
      name: host.name,
      secret: host.secret,
      status: host.status,
      notificationUrl: host.notificationUrl ?? null,
      ...(host.notificationSecret ? { notificationSecret: host.notificationSecret } : {}),
      createdAt: host.createdAt,
      updatedAt: host.updatedAt,
    };
  }

  /** A notification secret generated here (first URL, or a rotation) is in the answer, once. */
  async update(_actor: Actor, id: string, input: ChatHostUpdateInput): Promise<ChatHostWithSecrets> {
    if (input.notificationUrl) this.assertNotificationUrl(input.notificationUrl);
    const entityManager = this.database.orm.em.fork();
    const host = await entityManager.findOne(ChatHostEntity, { id });
    if (!host) throw new NotFoundError('chat_host', id);
    const { rotateNotificationSecret, ...changes } = input;
    entityManager.assign(host, changes);
    const generated = (host.notificationUrl && !host.notificationSecret) || rotateNotificationSecret ? newSecret(32) : null;
    if (generated) host.notificationSecret = generated;
    await entityManager.flush();
    return { ...toPlain(host), ...(generated ? { notificationSecret: generated } : {}) };
  }

  private assertNotificationUrl(url: string): void {
    const problem = callbackUrlProblem(url, this.config.environment);
    if (problem) throw new ValidationError({ notificationUrl: problem });
  }
}

function toPlain(host: ChatHost): ChatHostWithSecrets {
  return { id: host.id, name: host.name, secret: host.secret, status: host.status, notificationUrl: host.notificationUrl ?? null, createdAt: host.createdAt, updatedAt: host.updatedAt };
}
