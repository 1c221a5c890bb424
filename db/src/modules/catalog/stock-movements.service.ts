import { containsPattern } from '../../search-pattern.ts';
import type { FilterQuery } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { InsufficientStockError, StockLimitExceededError, UnknownReferenceError } from './catalog.errors.ts';
import type { CatalogChanges } from './catalog-invalidation.ts';
import { stockActor } from './stock-actor.ts';
import { StockMovementEntity, type StockMovement } from './stock-movement.entity.ts';
import type { ManualStockMovementReason, StockMovementCreateInput, StockMovementListFilterInput } from './stock-movements.schemas.ts';
import { MAX_STOCK_UNITS } from './variants.schemas.ts';

/** Goods come in on a receipt or return and go out as damage or loss; the others go either way. */
const SIGN_BY_REASON: Record<ManualStockMovementReason, 1 | -1 | 0> = {
  receipt: 1,
  return: 1,
  damage: -1,
  loss: -1,
  adjustment: 0,
  correction: 0,
};

function checkQuantity(input: StockMovementCreateInput): void {
  if (input.quantityDelta === 0) throw new ValidationError({ quantityDelta: 'must not be zero' });
  const sign = SIGN_BY_REASON[input.reason];
  if (sign !== 0 && Math.sign(input.quantityDelta) !== sign) {
    throw new ValidationError({ quantityDelta: `must be ${sign > 0 ? 'positive' : 'negative'} for a ${input.reason}` }, 'quantity_sign_mismatch');
  }
}

interface StockMovementRow {
  id: string;
  merchant_id: string;
  variant_id: string;
  quantity_delta: number;
  stock_on_hand_after: number;
  reason: StockMovement['reason'];
  note: string;
  actor_type: StockMovement['actorType'];
  actor_id: string | null;
  created_at: Date;
}

function stockMovementFromRow(row: StockMovementRow): StockMovementView {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    variantId: row.variant_id,
    quantityDelta: row.quantity_delta,
    stockOnHandAfter: row.stock_on_hand_after,
    reason: row.reason,
    note: row.note,
    actorType: row.actor_type,
    actorId: row.actor_id,
    createdAt: row.created_at,
  };
}

/** A journal line as the API shows it: the actor column is always present, null for the system. */
export interface StockMovementView extends Omit<StockMovement, 'actorId'> {
  actorId: string | null;
}

function stockMovementView(movement: StockMovement): StockMovementView {
  return { ...movement, actorId: movement.actorId ?? null };
}

/** The stock journal: append-only; every change of stock on hand is one row with who and why. */
export class StockMovementsService {
  constructor(
    private readonly database: Database,
    private readonly catalogChanges: CatalogChanges,
  ) {}

  async list(actor: MerchantActor, query: ListQuery<StockMovementListFilterInput>): Promise<ListPage<StockMovementView>> {
    const where: FilterQuery<StockMovement> = { merchantId: actor.merchantId };
    if (query.filter.id) where.id = { $in: query.filter.id };
    if (query.filter.variantId) where.variantId = query.filter.variantId;
    if (query.filter.reason) where.reason = query.filter.reason;
    if (query.filter.q) where.note = { $ilike: containsPattern(query.filter.q) };
    const page = await findPage(this.database.orm.em.fork(), StockMovementEntity, where, query);
    return { ...page, items: page.items.map(stockMovementView) };
  }

  async get(actor: MerchantActor, id: string): Promise<StockMovementView> {
    const movement = await this.database.orm.em.fork().findOne(StockMovementEntity, { id, merchantId: actor.merchantId });
    if (!movement) throw new NotFoundError('stock_movement', id);
    return stockMovementView(movement);
  }

  /**
   * Moves stock with one conditional UPDATE (never read-then-write), so that concurrent movements and
   * checkouts can never take stock on hand below what is reserved, and writes the journal line in the
   * same transaction.
   */
  async record(actor: MerchantActor, input: StockMovementCreateInput): Promise<StockMovementView> {
    checkQuantity(input);
    const { movement, shopId } = await withPoolTransaction(this.database.pool, async (client) => {
      const moved = await client.query<{ stock_on_hand: number; shop_id: string }>(
        `update variant v
            set stock_on_hand = v.stock_on_hand + $3::integer, updated_at = now()
           from product p
          where v.id = $1 and v.merchant_id = $2
            and p.id = v.product_id and p.merchant_id = v.merchant_id
            and v.stock_on_hand::int8 + $3::integer between v.stock_reserved and ${MAX_STOCK_UNITS}
      returning v.stock_on_hand, p.shop_id`,
        [input.variantId, actor.merchantId, input.quantityDelta],
      );
      const row = moved.rows[0];
      if (!row) throw await this.refusal(client, actor, input);
      const { actorType, actorId } = stockActor(actor);
      const inserted = await client.query<StockMovementRow>(
        `insert into stock_movement (id, merchant_id, variant_id, quantity_delta, stock_on_hand_after, reason, note, actor_type, actor_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         returning *`,
        [newId(), actor.merchantId, input.variantId, input.quantityDelta, row.stock_on_hand, input.reason, input.note ?? '', actorType, actorId],
      );
      return { movement: stockMovementFromRow(inserted.rows[0]!), shopId: row.shop_id };
    });
    await this.catalogChanges.shopChanged(shopId);
    return movement;
  }

  /** Why the conditional update matched nothing; read after the fact, for the message only. */
  private async refusal(client: pg.PoolClient, actor: MerchantActor, input: StockMovementCreateInput): Promise<Error> {
    const { rows } = await client.query<{ stock_on_hand: number; stock_reserved: number }>(
      'select stock_on_hand, stock_reserved from variant where id = $1 and merchant_id = $2',
      [input.variantId, actor.merchantId],
    );
    const variant = rows[0];
    if (!variant) return new UnknownReferenceError('variantId');
    if (variant.stock_on_hand + input.quantityDelta > MAX_STOCK_UNITS) return new StockLimitExceededError(MAX_STOCK_UNITS);
    return new InsufficientStockError(variant.stock_on_hand, variant.stock_reserved);
  }
}
