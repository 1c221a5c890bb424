import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from '../../entity-columns.ts';
import type { StaffRole } from './membership.entity.ts';

/** An invitation to join a merchant with a role; the token is shown once and stored as a SHA-256 hash. */
export interface Invitation {
  id: string;
  merchantId: string;
  email: string;
  role: StaffRole;
  tokenHash: string;
  invitedByUserId: string;
  expiresAt: Date;
  acceptedAt?: Date | null;
  revokedAt?: Date | null;
  createdAt: Opt<Date>;
}

export const InvitationEntity = new EntitySchema<Invitation>({
  name: 'Invitation',
  tableName: 'invitation',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    email: { type: 'string' },
    role: { type: 'string' },
    tokenHash: { type: 'string', hidden: true },
    invitedByUserId: { type: 'uuid' },
    expiresAt: { type: 'Date' },
    acceptedAt: { type: 'Date', nullable: true },
    revokedAt: { type: 'Date', nullable: true },
    createdAt: createdAtColumn,
  },
});
