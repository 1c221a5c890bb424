import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from '../../entity-columns.ts';

export const SHOPPER_IDENTITY_PROVIDERS = ['telegram', 'host', 'guest'] as const;
export type ShopperIdentityProvider = (typeof SHOPPER_IDENTITY_PROVIDERS)[number];

/**
 * One proof a shopper signs in with. `subject` is unique per provider, and per chat host for `host`:
 * the Telegram user id, the host's `sub` claim, or the SHA-256 of a guest's device id (the device id is
 * a bearer secret, so only its hash is kept).
 */
export interface ShopperIdentity {
  id: string;
  shopperId: string;
  provider: ShopperIdentityProvider;
  chatHostId?: string | null;
  subject: string;
  createdAt: Opt<Date>;
  lastSignedInAt: Opt<Date>;
}

export const ShopperIdentityEntity = new EntitySchema<ShopperIdentity>({
  name: 'ShopperIdentity',
  tableName: 'shopper_identity',
  properties: {
    id: idColumn,
    shopperId: { type: 'uuid' },
    provider: { type: 'string' },
    chatHostId: { type: 'uuid', nullable: true },
    subject: { type: 'string' },
    createdAt: createdAtColumn,
    lastSignedInAt: { type: 'Date', onCreate: () => new Date(), defaultRaw: 'now()' },
  },
});
