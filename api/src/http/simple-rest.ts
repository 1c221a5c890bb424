import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyReply } from 'fastify';
import { ValidationError } from '../../../db/src/errors.ts';
import { MAX_PAGE_SIZE, type ListPage, type ListQuery } from '../../../db/src/list-query.ts';

/**
 * react-admin's simple-rest list conventions: `sort=["title","ASC"]`, `range=[0,24]` (inclusive) and
 * `filter={"q":"tea","id":[...]}` as JSON in the query string; the total comes back in Content-Range.
 */
export const ListQuerystring = Type.Object({
  sort: Type.Optional(Type.String({ description: 'JSON ["field","ASC"|"DESC"]', examples: ['["createdAt","DESC"]'] })),
  range: Type.Optional(Type.String({ description: 'JSON [first, last], inclusive', examples: ['[0,24]'] })),
  filter: Type.Optional(Type.String({ description: 'JSON object of filters', examples: ['{"q":"tea"}'] })),
});
export type ListQuerystringInput = Static<typeof ListQuerystring>;

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError({ [name]: 'must be JSON' });
  }
}

export interface ListOptions<Filter extends TSchema> {
  sortable: readonly string[];
  defaultSort: [string, 'ASC' | 'DESC'];
  filter: Filter;
  defaultPageSize?: number;
}

export function parseListQuery<Filter extends TSchema>(query: ListQuerystringInput, options: ListOptions<Filter>): ListQuery<Static<Filter>> {
  let [sortField, sortOrder] = options.defaultSort;
  if (query.sort !== undefined) {
    const sort = parseJson('sort', query.sort);
    if (!Array.isArray(sort) || sort.length !== 2 || typeof sort[0] !== 'string' || (sort[1] !== 'ASC' && sort[1] !== 'DESC')) {
      throw new ValidationError({ sort: 'must be ["field","ASC"|"DESC"]' });
    }
    // `id` is always sortable: it is what react-admin's <List> sends when the screen names no sort.
    const sortable = options.sortable.includes('id') ? options.sortable : ['id', ...options.sortable];
    if (!sortable.includes(sort[0])) throw new ValidationError({ sort: `cannot sort by ${sort[0]}; sortable: ${sortable.join(', ')}` });
    [sortField, sortOrder] = sort as [string, 'ASC' | 'DESC'];
  }

  let offset = 0;
  let limit = options.defaultPageSize ?? 25;
  if (query.range !== undefined) {
    const range = parseJson('range', query.range);
    if (!Array.isArray(range) || range.length !== 2 || !range.every((bound) => Number.isSafeInteger(bound) && bound >= 0) || range[1] < range[0]) {
      throw new ValidationError({ range: 'must be [first, last] with 0 <= first <= last' });
    }
    offset = range[0];
    limit = range[1] - range[0] + 1;
    if (limit > MAX_PAGE_SIZE) throw new ValidationError({ range: `may span at most ${MAX_PAGE_SIZE} rows` });
  }

  let filter: unknown = {};
  if (query.filter !== undefined) {
    filter = parseJson('filter', query.filter);
    // react-admin sends `{"id": "x"}` for a single reference; treat it like a list of one.
    if (filter && typeof filter === 'object' && typeof (filter as { id?: unknown }).id === 'string') {
      filter = { ...filter, id: [(filter as { id: string }).id] };
    }
    const firstError = Value.Errors(options.filter, filter).First();
    if (firstError) {
      const path = firstError.path.replace(/^\//, '').replaceAll('/', '.');
      throw new ValidationError({ [path ? `filter.${path}` : 'filter']: firstError.message });
    }
  }
  return { sortField, sortOrder, offset, limit, filter: filter as Static<Filter> };
}

/** Sends one page with `Content-Range: <resource> <first>-<last>/<total>`. */
export function sendPage<Item>(reply: FastifyReply, resource: string, page: ListPage<Item>): ListPage<Item>['items'] {
  const range = page.items.length ? `${page.offset}-${page.offset + page.items.length - 1}` : '*';
  reply.header('Content-Range', `${resource} ${range}/${page.total}`);
  return page.items;
}

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
