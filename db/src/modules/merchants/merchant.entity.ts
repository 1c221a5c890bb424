import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

export type MerchantStatus = 'active' | 'suspended';

export interface Merchant {
  id: string;
  name: string;
  status: MerchantStatus;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const MerchantEntity = new EntitySchema<Merchant>({
  name: 'Merchant',
  tableName: 'merchant',
  properties: {
    id: idColumn,
    name: { type: 'string' },
    status: { type: 'string' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
