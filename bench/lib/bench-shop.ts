import type pg from 'pg';
import { newId } from '../../db/src/ids.ts';

export interface BenchShop {
  merchantId: string;
  shopId: string;
  productId: string;
  slug: string;
  variantIds: string[];
}

/**
 * A merchant with one open EUR shop selling one product in `variantCount` variants, written straight into
 * the bench's throwaway database: shoppers spread over many rows as a real catalog's do. `label` names the
 * bench in the slug, titles and SKUs (`bench-...`, `BENCH-1`).
 */
export async function seedBenchShop(pool: pg.Pool, input: { label: string; variantCount: number; priceMinor: number; stockPerVariant: number }): Promise<BenchShop> {
  const title = input.label[0]!.toUpperCase() + input.label.slice(1);
  const merchantId = newId();
  const shopId = newId();
  const productId = newId();
  const slug = `${input.label}-${shopId.slice(-8)}`;
  await pool.query(`insert into merchant (id, name) values ($1, $2)`, [merchantId, `${title} merchant`]);
  await pool.query(`insert into shop (id, merchant_id, slug, name, currency) values ($1, $2, $3, $4, 'EUR')`, [shopId, merchantId, slug, `${title} shop`]);
  await pool.query(`insert into product (id, merchant_id, shop_id, title, status) values ($1, $2, $3, $4, 'active')`, [productId, merchantId, shopId, `${title} tea`]);
  const variantIds = Array.from({ length: input.variantCount }, () => newId());
  await pool.query(
    `insert into variant (id, merchant_id, product_id, sku, title, price_minor, stock_on_hand, position)
     select id, $2, $3, $6 || '-' || position, 'Tin ' || position, $4, $5, position from unnest($1::uuid[]) with ordinality as v(id, position)`,
    [variantIds, merchantId, productId, input.priceMinor, input.stockPerVariant, input.label.toUpperCase()],
  );
  return { merchantId, shopId, productId, slug, variantIds };
}
