import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from '../../entity-columns.ts';

/** A staff user who runs the platform itself: merchants, fees, platform ledger accounts, queues. */
export interface Operator {
  id: string;
  userId: string;
  createdAt: Opt<Date>;
}

export const OperatorEntity = new EntitySchema<Operator>({
  name: 'Operator',
  tableName: 'operator',
  properties: {
    id: idColumn,
    userId: { type: 'uuid', unique: true },
    createdAt: createdAtColumn,
  },
});
