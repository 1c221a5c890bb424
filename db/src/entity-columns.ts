import { BigIntType, type EntitySchemaProperty } from '@mikro-orm/core';

/** Column definitions shared by every entity, so that ids, timestamps and money look the same everywhere. */
export const idColumn = { type: 'uuid', primary: true } as const;

export const createdAtColumn = { type: 'Date', onCreate: () => new Date(), defaultRaw: 'now()' } as const;

export const updatedAtColumn = { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date(), defaultRaw: 'now()' } as const;

/** bigint in Postgres, a JavaScript number in memory: amounts are kept within Number.MAX_SAFE_INTEGER. */
export function moneyColumn(): EntitySchemaProperty<number, object> {
  return { type: new BigIntType('number') } as EntitySchemaProperty<number, object>;
}
