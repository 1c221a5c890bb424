import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

export type ChatHostStatus = 'active' | 'suspended';

/**
 * A chat that embeds the storefront and vouches for its users with HS256 tokens signed by `secret`.
 * Operators register hosts; a suspended host's tokens are refused.
 */
export interface ChatHost {
  id: string;
  name: string;
  /** Kept in the clear (verification needs it) and never returned after creation. */
  secret: string;
  status: ChatHostStatus;
  /** Where the host takes shopper notifications (docs/notifications.md); null: the host takes none. */
  notificationUrl: string | null;
  /** Signs those notifications (Minishop-Signature); shown once, like `secret`. */
  notificationSecret: string | null;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

/** A host as the operator sees it: a notification secret appears only in the answer that generated it. */
export type ChatHostWithSecrets = Omit<ChatHost, 'notificationSecret'> & { notificationSecret?: string };

export const ChatHostEntity = new EntitySchema<ChatHost>({
  name: 'ChatHost',
  tableName: 'chat_host',
  properties: {
    id: idColumn,
    name: { type: 'string' },
    secret: { type: 'string', hidden: true },
    status: { type: 'string' },
    notificationUrl: { type: 'string', nullable: true },
    notificationSecret: { type: 'string', nullable: true, hidden: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
