import { ForeignKeyConstraintViolationException, LockMode, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { ShopEntity } from '../shops/shop.entity.ts';
import { ProductHasHistoryError, StockReservedError, UnknownReferenceError } from './catalog.errors.ts';
import type { CatalogChanges } from './catalog-invalidation.ts';
import { CategoryEntity } from './category.entity.ts';
import { ProductEntity, type Product } from './product.entity.ts';
import type { ProductCreateInput, ProductListFilterInput, ProductUpdateInput } from './products.schemas.ts';
import { containsPattern } from '../../search-pattern.ts';
import { StockMovementEntity } from './stock-movement.entity.ts';
import { VariantEntity } from './variant.entity.ts';
import type { ProductPhoto } from './product-photos.schemas.ts';
import type { ProductPhotosService } from './product-photos.service.ts';

/** A product with what the console wants to see of its variants at a glance. */
export interface ProductView extends Omit<Product, 'categoryId'> {
  categoryId: string | null;
  variantCount: number;
  priceFromMinor: number | null;
  stockAvailable: number;
  /** Uploaded photos in order (docs/console-api.md §2); `images` are the hand-typed URLs of before. */
  photos: ProductPhoto[];
}

interface VariantAggregates {
  variantCount: number;
  priceFromMinor: number | null;
  stockAvailable: number;
}

const NO_VARIANTS: VariantAggregates = { variantCount: 0, priceFromMinor: null, stockAvailable: 0 };

export class ProductsService {
  constructor(
    private readonly database: Database,
    private readonly catalogChanges: CatalogChanges,
    private readonly photos: Pick<ProductPhotosService, 'photosByProduct' | 'fileKeysOf' | 'deleteFiles'>,
  ) {}

  async list(actor: MerchantActor, query: ListQuery<ProductListFilterInput>): Promise<ListPage<ProductView>> {
    const { filter } = query;
    const where: FilterQuery<Product> = { merchantId: actor.merchantId };
    if (filter.id) where.id = { $in: filter.id };
    if (filter.shopId) where.shopId = filter.shopId;
    if (filter.categoryId) where.categoryId = filter.categoryId;
    if (filter.status) where.status = filter.status;
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      where.$or = [{ title: { $ilike: pattern } }, { description: { $ilike: pattern } }];
    }
    const page = await findPage(this.database.orm.em.fork(), ProductEntity, where, query);
    return { ...page, items: await this.withAggregates(actor, page.items) };
  }

  async get(actor: MerchantActor, id: string): Promise<ProductView> {
    const product = await this.database.orm.em.fork().findOne(ProductEntity, { id, merchantId: actor.merchantId });
    if (!product) throw new NotFoundError('product', id);
    const [view] = await this.withAggregates(actor, [product]);
    return view!;
  }

  async create(actor: MerchantActor, input: ProductCreateInput): Promise<ProductView> {
    const entityManager = this.database.orm.em.fork();
    if (!(await entityManager.count(ShopEntity, { id: input.shopId, merchantId: actor.merchantId }))) throw new UnknownReferenceError('shopId');
    const categoryId = input.categoryId ?? null;
    if (categoryId) await this.assertCategoryOfShop(entityManager, actor, categoryId, input.shopId);
    const product = entityManager.create(ProductEntity, {
      id: newId(),
      merchantId: actor.merchantId,
      shopId: input.shopId,
      categoryId,
      title: input.title,
      description: input.description ?? '',
      status: input.status ?? 'draft',
      images: (input.images ?? []).map((image) => ({ url: image.url, alt: image.alt ?? '' })),
    });
    await entityManager.flush();
    await this.catalogChanges.shopChanged(product.shopId);
    return { ...product, categoryId, ...NO_VARIANTS, photos: [] };
  }

  async update(actor: MerchantActor, id: string, input: ProductUpdateInput): Promise<ProductView> {
    const entityManager = this.database.orm.em.fork();
    const product = await entityManager.findOne(ProductEntity, { id, merchantId: actor.merchantId });
    if (!product) throw new NotFoundError('product', id);
    if (input.categoryId) await this.assertCategoryOfShop(entityManager, actor, input.categoryId, product.shopId);
    entityManager.assign(product, input);
    await entityManager.flush();
    await this.catalogChanges.shopChanged(product.shopId);
    return this.get(actor, id);
  }

  /**
   * Deletes a product that never sold or moved stock, with its variants and their opening stock lines,
   * in one transaction. A product with history is archived instead, so that orders and the stock
   * journal keep pointing at something.
   */
  async remove(actor: MerchantActor, id: string): Promise<ProductView> {
    // The photo rows go with the product (on delete cascade); their files are deleted once it committed.
    const photoFiles = await this.photos.fileKeysOf(actor.merchantId, id);
    const view = await this.database.orm.em.fork().transactional(async (entityManager) => {
      const product = await entityManager.findOne(ProductEntity, { id, merchantId: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!product) throw new NotFoundError('product', id);
      // Locked so that no stock movement can slip in between the check and the delete.
      const variants = await entityManager.find(VariantEntity, { productId: id, merchantId: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const variantIds = variants.map((variant) => variant.id);
      if (variants.some((variant) => variant.stockReserved > 0)) throw new StockReservedError();
      if (variantIds.length) {
        const history = await entityManager.count(StockMovementEntity, { merchantId: actor.merchantId, variantId: { $in: variantIds }, reason: { $ne: 'initial' } });
        if (history) throw new ProductHasHistoryError();
        await entityManager.nativeDelete(StockMovementEntity, { merchantId: actor.merchantId, variantId: { $in: variantIds } });
        await entityManager.nativeDelete(VariantEntity, { merchantId: actor.merchantId, productId: id });
      }
      const prices = variants.map((variant) => variant.priceMinor);
      const removed: ProductView = {
        ...product,
        categoryId: product.categoryId ?? null,
        variantCount: variants.length,
        priceFromMinor: prices.length ? Math.min(...prices) : null,
        stockAvailable: variants.reduce((sum, variant) => sum + variant.stockOnHand - variant.stockReserved, 0),
        photos: [],
      };
      entityManager.remove(product);
      return removed;
    }).catch((error: unknown) => {
      // Rows of other modules (order lines) that point at a variant are history too.
      throw error instanceof ForeignKeyConstraintViolationException ? new ProductHasHistoryError() : error;
    });
    await this.catalogChanges.shopChanged(view.shopId);
    await this.photos.deleteFiles(photoFiles);
    return view;
  }

  private async assertCategoryOfShop(entityManager: EntityManager, actor: MerchantActor, categoryId: string, shopId: string): Promise<void> {
    const found = await entityManager.count(CategoryEntity, { id: categoryId, shopId, merchantId: actor.merchantId });
    if (!found) throw new UnknownReferenceError('categoryId', 'must be a category of the same shop');
  }

  /** One grouped query for the whole page, rather than one per product. */
  private async withAggregates(actor: MerchantActor, products: Product[]): Promise<ProductView[]> {
    if (!products.length) return [];
    const { rows } = await this.database.pool.query<{ product_id: string; variant_count: number; price_from_minor: number; stock_available: number }>(
      `select product_id, count(*)::int as variant_count, min(price_minor) as price_from_minor,
              sum(stock_on_hand - stock_reserved)::int8 as stock_available
         from variant
        where merchant_id = $1 and product_id = any($2::uuid[])
        group by product_id`,
      [actor.merchantId, products.map((product) => product.id)],
    );
    const byProduct = new Map(rows.map((row) => [row.product_id, row]));
    const photos = await this.photos.photosByProduct(actor.merchantId, products.map((product) => product.id));
    return products.map((product) => {
      const row = byProduct.get(product.id);
      const aggregates = row ? { variantCount: row.variant_count, priceFromMinor: row.price_from_minor, stockAvailable: row.stock_available } : NO_VARIANTS;
      return { ...product, categoryId: product.categoryId ?? null, ...aggregates, photos: photos.get(product.id) ?? [] };
    });
  }
}
