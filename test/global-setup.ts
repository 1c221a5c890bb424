import { prepareTemplateDatabase } from '../db/src/testing/databases.ts';

/** Runs once before all test files: builds (or reuses) the migrated template database. */
export default async function setup() {
  await prepareTemplateDatabase();
}
