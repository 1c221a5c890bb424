import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { idColumn } from '../../entity-columns.ts';
import type { LedgerTransfer } from './ledger.types.ts';

/** Read model for lists; rows are written only by the ledger's SQL write path, and changed only by the sealer (chain columns, once). */
export const LedgerTransferEntity = new EntitySchema<LedgerTransfer>({
  name: 'LedgerTransfer',
  tableName: 'ledger_transfer',
  readonly: true,
  properties: {
    id: idColumn,
    sequence: { type: new BigIntType('number'), nullable: true },
    kind: { type: 'string' },
    debitAccountId: { type: 'uuid' },
    creditAccountId: { type: 'uuid' },
    amountMinor: { type: new BigIntType('number') },
    currency: { type: 'string', length: 3 },
    pendingId: { type: 'uuid', nullable: true },
    timeoutSeconds: { type: 'integer' },
    linked: { type: 'boolean' },
    reason: { type: 'string' },
    referenceType: { type: 'string', nullable: true },
    referenceId: { type: 'string', nullable: true },
    correctsId: { type: 'uuid', nullable: true },
    metadata: { type: 'json' },
    bodyHash: { type: 'string' },
    previousHash: { type: 'string', nullable: true },
    hash: { type: 'string', nullable: true },
    createdAt: { type: 'Date' },
  },
});
