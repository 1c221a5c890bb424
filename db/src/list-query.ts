import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';

/**
 * A list request in the shape of react-admin's simple-rest conventions, already parsed and checked by
 * the API layer: sort by one field, an offset/limit window and a filter object.
 */
export interface ListQuery<Filter = Record<string, unknown>> {
  sortField: string;
  sortOrder: 'ASC' | 'DESC';
  offset: number;
  limit: number;
  filter: Filter;
}

export interface ListPage<Item> {
  items: Item[];
  total: number;
  offset: number;
}

/** The most rows one list request may return. */
export const MAX_PAGE_SIZE = 500;

/** One page of a list through the ORM: the rows of the window and the total count of the filter. */
export async function findPage<Entity extends object>(
  entityManager: EntityManager,
  entityName: EntityName<Entity>,
  where: FilterQuery<Entity>,
  query: ListQuery<unknown>,
): Promise<ListPage<Entity>> {
  const orderBy = { [query.sortField]: query.sortOrder === 'ASC' ? 'asc' : 'desc', id: 'asc' } as never;
  const [items, total] = await entityManager.findAndCount(entityName, where, { orderBy, limit: query.limit, offset: query.offset });
  return { items, total, offset: query.offset };
}
