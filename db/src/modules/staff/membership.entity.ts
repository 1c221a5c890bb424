import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

export const STAFF_ROLES = ['owner', 'manager', 'clerk', 'finance'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A staff user's role at one merchant. A user may work for several merchants. */
export interface Membership {
  id: string;
  merchantId: string;
  userId: string;
  role: StaffRole;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const MembershipEntity = new EntitySchema<Membership>({
  name: 'Membership',
  tableName: 'membership',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    userId: { type: 'uuid' },
    role: { type: 'string' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
