import { ForeignKeyConstraintViolationException, LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/postgresql';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { SkuTakenError, StockReservedError, UnknownReferenceError, VariantHasHistoryError } from './catalog.errors.ts';
import type { CatalogChanges } from './catalog-invalidation.ts';
import { ProductEntity } from './product.entity.ts';
import { containsPattern } from '../../search-pattern.ts';
import { stockActor } from './stock-actor.ts';
import { StockMovementEntity } from './stock-movement.entity.ts';
import { VariantEntity, type Variant } from './variant.entity.ts';
import type { VariantCreateInput, VariantListFilterInput, VariantUpdateInput } from './variants.schemas.ts';

export interface VariantView extends Variant {
  stockAvailable: number;
}

export function variantView(variant: Variant): VariantView {
  return { ...variant, stockAvailable: variant.stockOnHand - variant.stockReserved };
}

/** The unique (merchant_id, sku) index answers the race two concurrent creates would otherwise win both. */
function asSkuTaken(error: unknown, sku: string | undefined): unknown {
  return error instanceof UniqueConstraintViolationException && sku !== undefined ? new SkuTakenError(sku) : error;
}

export class VariantsService {
  constructor(
    private readonly database: Database,
    private readonly catalogChanges: CatalogChanges,
  ) {}

  async list(actor: MerchantActor, query: ListQuery<VariantListFilterInput>): Promise<ListPage<VariantView>> {
    const { filter } = query;
    const where: FilterQuery<Variant> = { merchantId: actor.merchantId };
    if (filter.id) where.id = { $in: filter.id };
    if (filter.productId) where.productId = filter.productId;
    if (filter.sku) where.sku = filter.sku;
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      where.$or = [{ sku: { $ilike: pattern } }, { title: { $ilike: pattern } }];
    }
    const page = await findPage(this.database.orm.em.fork(), VariantEntity, where, query);
    return { ...page, items: page.items.map(variantView) };
  }

  async get(actor: MerchantActor, id: string): Promise<VariantView> {
    const variant = await this.database.orm.em.fork().findOne(VariantEntity, { id, merchantId: actor.merchantId });
    if (!variant) throw new NotFoundError('variant', id);
    return variantView(variant);
  }

  /** Creates a variant; opening stock is written to the stock journal as an `initial` movement. */
  async create(actor: MerchantActor, input: VariantCreateInput): Promise<VariantView> {
    const result = await this.database.orm.em
      .fork()
      .transactional(async (entityManager) => {
        const product = await entityManager.findOne(ProductEntity, { id: input.productId, merchantId: actor.merchantId }, { fields: ['id', 'shopId'] });
        if (!product) throw new UnknownReferenceError('productId');
        if (await entityManager.count(VariantEntity, { merchantId: actor.merchantId, sku: input.sku })) throw new SkuTakenError(input.sku);
        const stockOnHand = input.stockOnHand ?? 0;
        const variant = entityManager.create(VariantEntity, {
          id: newId(),
          merchantId: actor.merchantId,
          productId: product.id,
          sku: input.sku,
          title: input.title ?? '',
          priceMinor: input.priceMinor,
          stockOnHand,
          stockReserved: 0,
          position: input.position ?? 0,
        });
        // The entities declare no relations, so the unit of work cannot order the inserts by itself.
        await entityManager.flush();
        if (stockOnHand > 0) {
          entityManager.create(StockMovementEntity, {
            id: newId(),
            merchantId: actor.merchantId,
            variantId: variant.id,
            quantityDelta: stockOnHand,
            stockOnHandAfter: stockOnHand,
            reason: 'initial',
            note: '',
            ...stockActor(actor),
          });
        }
        await entityManager.flush();
        return { variant, shopId: product.shopId };
      })
      .catch((error: unknown) => {
        throw asSkuTaken(error, input.sku);
      });
    await this.catalogChanges.shopChanged(result.shopId);
    return variantView(result.variant);
  }

  /** Changes what a variant is and costs; never its stock (that is the stock journal's job). */
  async update(actor: MerchantActor, id: string, input: VariantUpdateInput): Promise<VariantView> {
    const entityManager = this.database.orm.em.fork();
    const variant = await entityManager.findOne(VariantEntity, { id, merchantId: actor.merchantId });
    if (!variant) throw new NotFoundError('variant', id);
    if (input.sku !== undefined && input.sku !== variant.sku && (await entityManager.count(VariantEntity, { merchantId: actor.merchantId, sku: input.sku }))) {
      throw new SkuTakenError(input.sku);
    }
    const { sku, title, priceMinor, position } = input;
    entityManager.assign(variant, Object.fromEntries(Object.entries({ sku, title, priceMinor, position }).filter(([, value]) => value !== undefined)));
    await entityManager.flush().catch((error: unknown) => {
      throw asSkuTaken(error, input.sku);
    });
    await this.catalogChanges.shopChanged(await this.shopOf(actor, variant.productId));
    return variantView(variant);
  }

  /** Deletes a variant whose stock never moved after it was created, with its opening stock line. */
  async remove(actor: MerchantActor, id: string): Promise<VariantView> {
    const variant = await this.database.orm.em.fork().transactional(async (entityManager) => {
      const found = await entityManager.findOne(VariantEntity, { id, merchantId: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!found) throw new NotFoundError('variant', id);
      if (found.stockReserved > 0) throw new StockReservedError();
      const history = await entityManager.count(StockMovementEntity, { merchantId: actor.merchantId, variantId: id, reason: { $ne: 'initial' } });
      if (history) throw new VariantHasHistoryError();
      await entityManager.nativeDelete(StockMovementEntity, { merchantId: actor.merchantId, variantId: id });
      entityManager.remove(found);
      return found;
    }).catch((error: unknown) => {
      // Rows of other modules (order lines) that point at the variant are history too.
      throw error instanceof ForeignKeyConstraintViolationException ? new VariantHasHistoryError() : error;
    });
    await this.catalogChanges.shopChanged(await this.shopOf(actor, variant.productId));
    return variantView(variant);
  }

  private async shopOf(actor: MerchantActor, productId: string): Promise<string> {
    const { rows } = await this.database.pool.query<{ shop_id: string }>('select shop_id from product where id = $1 and merchant_id = $2', [productId, actor.merchantId]);
    return rows[0]!.shop_id;
  }
}
