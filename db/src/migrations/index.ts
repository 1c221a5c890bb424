import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000100_foundation } from './Migration20261122000100_foundation.ts';

/**
 * Every migration, in the order it runs. Listed explicitly (rather than found by globbing the folder)
 * so that the same list works under tsx, Vitest and a bundle. Append new migrations at the end.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122000100_foundation', class: Migration20261122000100_foundation },
];
