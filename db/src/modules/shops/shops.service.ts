import { LockMode, type FilterQuery } from '@mikro-orm/postgresql';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import { containsPattern } from '../../search-pattern.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { CategoryEntity } from '../catalog/category.entity.ts';
import type { CatalogChanges } from '../catalog/catalog-invalidation.ts';
import { ProductEntity } from '../catalog/product.entity.ts';
import { assertShopFulfilmentSettings, cleanDeliverySettings } from '../fulfilment/shop-fulfilment-settings.ts';
import { ShopEntity, type Shop } from './shop.entity.ts';
import { ShopNotEmptyError, ShopSlugTakenError } from './shops.errors.ts';
import type { OperatorShopListFilterInput, ShopCreateInput, ShopListFilterInput, ShopUpdateInput } from './shops.schemas.ts';

export class ShopsService {
  constructor(
    private readonly database: Database,
    /** The store caches shops by slug and status; changes must reach every API instance. */
    private readonly catalogChanges?: CatalogChanges,
    /** What new shops take when they do not say (ORDER_AUTO_CONFIRM_DAYS). */
    private readonly defaults: { autoConfirmDays: number } = { autoConfirmDays: 7 },
  ) {}

  async list(actor: MerchantActor, query: ListQuery<ShopListFilterInput>): Promise<ListPage<Shop>> {
    return this.findShops({ merchantId: actor.merchantId }, query);
  }

  /** Every merchant's shops, for the platform operator (the route checks platform.operate). */
  async listAcrossMerchants(query: ListQuery<OperatorShopListFilterInput>): Promise<ListPage<Shop>> {
    return this.findShops(query.filter.merchantId ? { merchantId: query.filter.merchantId } : {}, query);
  }

  private async findShops(scope: FilterQuery<Shop>, query: ListQuery<ShopListFilterInput>): Promise<ListPage<Shop>> {
    const where: FilterQuery<Shop> = { ...(scope as object) };
    if (query.filter.id) where.id = { $in: query.filter.id };
    if (query.filter.status) where.status = query.filter.status;
    if (query.filter.q) {
      const pattern = containsPattern(query.filter.q);
      where.$or = [{ name: { $ilike: pattern } }, { slug: { $ilike: pattern } }];
    }
    return findPage(this.database.orm.em.fork(), ShopEntity, where, query);
  }

  async get(actor: MerchantActor, id: string): Promise<Shop> {
    const shop = await this.database.orm.em.fork().findOne(ShopEntity, { id, merchantId: actor.merchantId });
    if (!shop) throw new NotFoundError('shop', id);
    return shop;
  }

  async create(actor: MerchantActor, input: ShopCreateInput): Promise<Shop> {
    const fulfilment = { fulfilmentMethods: input.fulfilmentMethods ?? ['pickup' as const], position: input.position ?? null, delivery: cleanDeliverySettings(input.delivery ?? null) };
    assertShopFulfilmentSettings(fulfilment);
    const entityManager = this.database.orm.em.fork();
    if (await entityManager.count(ShopEntity, { slug: input.slug })) throw new ShopSlugTakenError(input.slug);
    const shop = entityManager.create(ShopEntity, {
      id: newId(),
      merchantId: actor.merchantId,
      slug: input.slug,
      name: input.name,
      description: input.description ?? '',
      currency: input.currency,
      status: input.status ?? 'open',
      allowedEmbedOrigins: input.allowedEmbedOrigins ?? [],
      ...fulfilment,
      autoConfirmDays: input.autoConfirmDays ?? this.defaults.autoConfirmDays,
      referralCommissionBasisPoints: input.referralCommissionBasisPoints ?? 0,
      referralWindowDays: input.referralWindowDays ?? 7,
    });
    await entityManager.flush();
    return shop;
  }

  async update(actor: MerchantActor, id: string, input: ShopUpdateInput): Promise<Shop> {
    const entityManager = this.database.orm.em.fork();
    const shop = await entityManager.findOne(ShopEntity, { id, merchantId: actor.merchantId });
    if (!shop) throw new NotFoundError('shop', id);
    if (input.slug !== undefined && input.slug !== shop.slug && (await entityManager.count(ShopEntity, { slug: input.slug }))) {
      throw new ShopSlugTakenError(input.slug);
    }
    // Checked as the shop would be after the change: turning delivery on needs its rules, and so on.
    const delivery = input.delivery === undefined ? shop.delivery : cleanDeliverySettings(input.delivery);
    assertShopFulfilmentSettings({
      fulfilmentMethods: input.fulfilmentMethods ?? shop.fulfilmentMethods,
      position: input.position === undefined ? shop.position : input.position,
      delivery,
    });
    entityManager.assign(shop, { ...input, ...(input.delivery === undefined ? {} : { delivery }) });
    await entityManager.flush();
    await this.catalogChanges?.shopChanged(shop.id);
    return shop;
  }

  /** Deletes an empty shop; a shop with a catalog is closed instead, so its history stays intact. */
  async remove(actor: MerchantActor, id: string): Promise<Shop> {
    const removed = await this.database.orm.em.fork().transactional(async (entityManager) => {
      const shop = await entityManager.findOne(ShopEntity, { id, merchantId: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!shop) throw new NotFoundError('shop', id);
      const products = await entityManager.count(ProductEntity, { shopId: id });
      const categories = await entityManager.count(CategoryEntity, { shopId: id });
      if (products + categories > 0) throw new ShopNotEmptyError();
      entityManager.remove(shop);
      return shop;
    });
    await this.catalogChanges?.shopChanged(removed.id);
    return removed;
  }
}
