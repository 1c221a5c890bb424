import { BigIntType, EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from '../../entity-columns.ts';
import type { LedgerAccount } from './ledger.types.ts';

const total = { type: new BigIntType('number') } as const;

/** Read model for operator and finance lists; balances are only ever written by the ledger's SQL write path. */
export const LedgerAccountEntity = new EntitySchema<LedgerAccount & { createdAt: Opt<Date> }>({
  name: 'LedgerAccount',
  tableName: 'ledger_account',
  properties: {
    id: idColumn,
    kind: { type: 'string' },
    currency: { type: 'string', length: 3 },
    ownerType: { type: 'string' },
    ownerId: { type: 'uuid', nullable: true },
    merchantId: { type: 'uuid', nullable: true },
    debitsMustNotExceedCredits: { type: 'boolean' },
    debitsPosted: total,
    creditsPosted: total,
    debitsPending: total,
    creditsPending: total,
    /** Escrow's sub-account (docs/ledger.md §5); 0 for every other kind. */
    shard: { type: 'smallint', default: 0 },
    createdAt: createdAtColumn,
  },
});
