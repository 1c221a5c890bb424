import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

/** A person who signs in to the console: merchant staff, and platform operators. */
export interface StaffUser {
  id: string;
  /** Always stored lower-cased; unique. */
  email: string;
  name: string;
  passwordHash: string;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const StaffUserEntity = new EntitySchema<StaffUser>({
  name: 'StaffUser',
  tableName: 'staff_user',
  properties: {
    id: idColumn,
    email: { type: 'string', unique: true },
    name: { type: 'string' },
    passwordHash: { type: 'string', hidden: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
