import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from '../../entity-columns.ts';

/**
 * One refresh token of a rotating family. Using a token replaces it with a new one of the same family;
 * presenting an already-replaced token means it leaked, so the whole family is revoked.
 */
export interface RefreshToken {
  id: string;
  userId: string;
  merchantId?: string | null;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  replacedAt?: Date | null;
  revokedAt?: Date | null;
  createdAt: Opt<Date>;
}

export const RefreshTokenEntity = new EntitySchema<RefreshToken>({
  name: 'RefreshToken',
  tableName: 'refresh_token',
  properties: {
    id: idColumn,
    userId: { type: 'uuid' },
    merchantId: { type: 'uuid', nullable: true },
    familyId: { type: 'uuid' },
    tokenHash: { type: 'string', unique: true, hidden: true },
    expiresAt: { type: 'Date' },
    replacedAt: { type: 'Date', nullable: true },
    revokedAt: { type: 'Date', nullable: true },
    createdAt: createdAtColumn,
  },
});
