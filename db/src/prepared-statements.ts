import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';

const namesByText = new Map<string, string>();
const MAX_NAMES = 1_000;

/**
 * A query that node-pg prepares once per connection, named after its text, so that PostgreSQL can stop
 * planning it on every call (planning a hot-path CTE costs more than running it). Only for statements
 * whose text comes from a small, fixed set; values always go in as parameters.
 */
export function prepared(text: string, values: unknown[]): QueryConfig {
  let name = namesByText.get(text);
  if (name === undefined) {
    name = `minishop_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (namesByText.size < MAX_NAMES) namesByText.set(text, name);
  }
  return { name, text, values };
}
