import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from '../../entity-columns.ts';
import type { StaffRole } from '../staff/membership.entity.ts';

/** A merchant's key for server-to-server calls. The secret is shown once; only its SHA-256 is kept. */
export interface ApiKey {
  id: string;
  merchantId: string;
  name: string;
  /** The first characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  secretHash: string;
  role: StaffRole;
  createdByUserId: string;
  lastUsedAt?: Date | null;
  revokedAt?: Date | null;
  createdAt: Opt<Date>;
}

export const ApiKeyEntity = new EntitySchema<ApiKey>({
  name: 'ApiKey',
  tableName: 'api_key',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    name: { type: 'string' },
    prefix: { type: 'string' },
    secretHash: { type: 'string', unique: true, hidden: true },
    role: { type: 'string' },
    createdByUserId: { type: 'uuid' },
    lastUsedAt: { type: 'Date', nullable: true },
    revokedAt: { type: 'Date', nullable: true },
    createdAt: createdAtColumn,
  },
});
