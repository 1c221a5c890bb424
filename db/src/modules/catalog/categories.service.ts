import { LockMode, type FilterQuery } from '@mikro-orm/postgresql';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { ShopEntity } from '../shops/shop.entity.ts';
import type { CategoryCreateInput, CategoryListFilterInput, CategoryUpdateInput } from './categories.schemas.ts';
import { UnknownReferenceError } from './catalog.errors.ts';
import type { CatalogChanges } from './catalog-invalidation.ts';
import { CategoryEntity, type Category } from './category.entity.ts';
import { ProductEntity } from './product.entity.ts';
import { containsPattern } from '../../search-pattern.ts';

export class CategoriesService {
  constructor(
    private readonly database: Database,
    private readonly catalogChanges: CatalogChanges,
  ) {}

  async list(actor: MerchantActor, query: ListQuery<CategoryListFilterInput>): Promise<ListPage<Category>> {
    const where: FilterQuery<Category> = { merchantId: actor.merchantId };
    if (query.filter.id) where.id = { $in: query.filter.id };
    if (query.filter.shopId) where.shopId = query.filter.shopId;
    if (query.filter.q) where.name = { $ilike: containsPattern(query.filter.q) };
    return findPage(this.database.orm.em.fork(), CategoryEntity, where, query);
  }

  async get(actor: MerchantActor, id: string): Promise<Category> {
    const category = await this.database.orm.em.fork().findOne(CategoryEntity, { id, merchantId: actor.merchantId });
    if (!category) throw new NotFoundError('category', id);
    return category;
  }

  async create(actor: MerchantActor, input: CategoryCreateInput): Promise<Category> {
    const entityManager = this.database.orm.em.fork();
    if (!(await entityManager.count(ShopEntity, { id: input.shopId, merchantId: actor.merchantId }))) throw new UnknownReferenceError('shopId');
    const category = entityManager.create(CategoryEntity, {
      id: newId(),
      merchantId: actor.merchantId,
      shopId: input.shopId,
      name: input.name,
      position: input.position ?? 0,
    });
    await entityManager.flush();
    await this.catalogChanges.shopChanged(category.shopId);
    return category;
  }

  async update(actor: MerchantActor, id: string, input: CategoryUpdateInput): Promise<Category> {
    const entityManager = this.database.orm.em.fork();
    const category = await entityManager.findOne(CategoryEntity, { id, merchantId: actor.merchantId });
    if (!category) throw new NotFoundError('category', id);
    entityManager.assign(category, input);
    await entityManager.flush();
    await this.catalogChanges.shopChanged(category.shopId);
    return category;
  }

  /** Deletes a category; its products stay in the shop, uncategorized, rather than being lost. */
  async remove(actor: MerchantActor, id: string): Promise<Category> {
    const category = await this.database.orm.em.fork().transactional(async (entityManager) => {
      const found = await entityManager.findOne(CategoryEntity, { id, merchantId: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!found) throw new NotFoundError('category', id);
      await entityManager.nativeUpdate(ProductEntity, { categoryId: id, merchantId: actor.merchantId }, { categoryId: null, updatedAt: new Date() });
      entityManager.remove(found);
      return found;
    });
    await this.catalogChanges.shopChanged(category.shopId);
    return category;
  }
}
