import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import type { CachedResponse, CatalogCache } from './catalog-cache.ts';
import type { ProductImage } from './product.entity.ts';
import { PHOTOS_OF_PRODUCT_SQL, toPhotoView, type PhotoRow } from './product-photos.schemas.ts';
import { containsPattern } from '../../search-pattern.ts';
import type { StoreProductQueryInput } from './store-catalog.schemas.ts';
import type { DeliverySettings } from '../fulfilment/fulfilment.schemas.ts';

interface OpenShop {
  id: string;
  slug: string;
  name: string;
  description: string;
  currency: string;
  status: string;
  fulfilmentMethods: string[];
  delivery: DeliverySettings | null;
}

interface ProductSummaryRow {
  id: string;
  title: string;
  images: ProductImage[];
  photos: PhotoRow[];
  category_id: string | null;
  price_from_minor: number | null;
  available: boolean;
}

/** Aggregates of a product's variants, shared by the list and the detail queries. */
const VARIANT_AGGREGATES = `
  left join lateral (
    select min(price_minor) as price_from_minor, coalesce(bool_or(stock_on_hand > stock_reserved), false) as available
      from variant where product_id = p.id and merchant_id = p.merchant_id
  ) aggregates on true`;

/**
 * The public catalog of open shops and active products. Every answer is served from the catalog cache
 * as an already serialized body with its ETag; PostgreSQL is asked only on a miss.
 */
export class StoreCatalogService {
  constructor(
    private readonly database: Database,
    private readonly cache: CatalogCache,
    /** The media store's URL of a photo file key. */
    private readonly mediaUrlOf: (key: string) => string = (key) => `/media/${key}`,
  ) {}

  shop(slug: string): Promise<CachedResponse> | CachedResponse {
    const key = `shop|${slug}`;
    return this.cache.get(key, async () => {
      const shop = await this.openShop(slug);
      // What checkout offers and what delivery costs, so the widget can show the choice before the order; the
      // server still computes the fee at checkout. The shop's position and area stay private.
      const delivery = shop.delivery ? { fee: shop.delivery.fee, freeFromSubtotalMinor: shop.delivery.freeFromSubtotalMinor ?? null } : null;
      return {
        shopId: shop.id,
        value: { slug: shop.slug, name: shop.name, description: shop.description, currency: shop.currency, status: shop.status, fulfilmentMethods: shop.fulfilmentMethods, delivery },
      };
    });
  }

  categories(slug: string): Promise<CachedResponse> | CachedResponse {
    const key = `categories|${slug}`;
    return this.cache.get(key, async () => {
      const shop = await this.openShop(slug);
      const { rows } = await this.database.pool.query<{ id: string; name: string; position: number; product_count: number }>(
        `select c.id, c.name, c.position, count(p.id) filter (where p.status = 'active')::int as product_count
           from category c
           left join product p on p.category_id = c.id and p.merchant_id = c.merchant_id
          where c.shop_id = $1
          group by c.id
          order by c.position, c.name, c.id`,
        [shop.id],
      );
      return { shopId: shop.id, value: rows.map((row) => ({ id: row.id, name: row.name, position: row.position, productCount: row.product_count })) };
    });
  }

  products(slug: string, query: StoreProductQueryInput): Promise<CachedResponse> | CachedResponse {
    const search = query.q?.trim() || undefined;
    // The free-text search goes last so that no value of it can make two queries share a key.
    const key = `products|${slug}|${query.categoryId ?? ''}|${query.page}|${query.pageSize}|${search ?? ''}`;
    return this.cache.get(key, async () => {
      const shop = await this.openShop(slug);
      const conditions = [`p.shop_id = $1`, `p.status = 'active'`];
      const parameters: unknown[] = [shop.id];
      if (query.categoryId) {
        parameters.push(query.categoryId);
        conditions.push(`p.category_id = $${parameters.length}`);
      }
      if (search) {
        parameters.push(containsPattern(search));
        conditions.push(`(p.title ilike $${parameters.length} or p.description ilike $${parameters.length})`);
      }
      const where = conditions.join(' and ');
      const offset = (query.page - 1) * query.pageSize;
      const [items, count] = await Promise.all([
        this.database.pool.query<ProductSummaryRow>(
          `select p.id, p.title, p.images, ${PHOTOS_OF_PRODUCT_SQL} as photos, p.category_id, aggregates.price_from_minor, aggregates.available
             from product p ${VARIANT_AGGREGATES}
            where ${where}
            order by p.created_at desc, p.id desc
            limit ${query.pageSize} offset ${offset}`,
          parameters,
        ),
        this.database.pool.query<{ total: number }>(`select count(*)::int as total from product p where ${where}`, parameters),
      ]);
      return {
        shopId: shop.id,
        value: {
          items: items.rows.map((row) => ({
            id: row.id,
            title: row.title,
            images: row.images,
            photos: row.photos.map((photo) => toPhotoView(photo, this.mediaUrlOf)),
            priceFromMinor: row.price_from_minor,
            currency: shop.currency,
            categoryId: row.category_id,
            available: row.available,
          })),
          page: query.page,
          pageSize: query.pageSize,
          total: count.rows[0]!.total,
        },
      };
    });
  }

  product(slug: string, productId: string): Promise<CachedResponse> | CachedResponse {
    const key = `product|${slug}|${productId}`;
    return this.cache.get(key, async () => {
      const shop = await this.openShop(slug);
      const [products, variants] = await Promise.all([
        this.database.pool.query<ProductSummaryRow & { description: string }>(
          `select p.id, p.title, p.description, p.images, ${PHOTOS_OF_PRODUCT_SQL} as photos, p.category_id, aggregates.price_from_minor, aggregates.available
             from product p ${VARIANT_AGGREGATES}
            where p.id = $1 and p.shop_id = $2 and p.status = 'active'`,
          [productId, shop.id],
        ),
        this.database.pool.query<{ id: string; sku: string; title: string; price_minor: number; available: number }>(
          `select v.id, v.sku, v.title, v.price_minor, greatest(v.stock_on_hand - v.stock_reserved, 0) as available
             from variant v join product p on p.id = v.product_id and p.merchant_id = v.merchant_id
            where v.product_id = $1 and p.shop_id = $2
            order by v.position, v.sku`,
          [productId, shop.id],
        ),
      ]);
      const product = products.rows[0];
      if (!product) throw new NotFoundError('product', productId);
      return {
        shopId: shop.id,
        value: {
          id: product.id,
          title: product.title,
          description: product.description,
          images: product.images,
          photos: product.photos.map((photo) => toPhotoView(photo, this.mediaUrlOf)),
          categoryId: product.category_id,
          currency: shop.currency,
          priceFromMinor: product.price_from_minor,
          available: product.available,
          variants: variants.rows.map((variant) => ({ id: variant.id, sku: variant.sku, title: variant.title, priceMinor: variant.price_minor, available: variant.available })),
        },
      };
    });
  }

  /** A closed shop answers exactly like one that does not exist. */
  private async openShop(slug: string): Promise<OpenShop> {
    const { rows } = await this.database.pool.query<OpenShop>(
      `select id, slug, name, description, currency, status, fulfilment_methods as "fulfilmentMethods", delivery from shop where slug = $1 and status = 'open'`,
      [slug],
    );
    if (!rows[0]) throw new NotFoundError('shop');
    return rows[0];
  }
}
