import type { Database } from '../../database.ts';
import { DomainError } from '../../errors.ts';
import { QrWrongTypeError } from '../qr/qr.errors.ts';
import type { QrService } from '../qr/qr.service.ts';

/** What a printed or shown code opens: the storefront at a shop, a product or a table, or an order's pay page. */
export type Landing = {
  shopSlug: string;
  shopName: string;
  shopDescription: string;
  /** The token as scanned: a table code is the proof of the table at checkout, an order code pays the order. */
  token: string;
} & ({ type: 'shop' } | { type: 'product'; productId: string; productTitle: string } | { type: 'table'; table: string } | { type: 'order'; orderId: string });

/**
 * Turns a scanned token into the place it opens, for the `/s/<token>` pages. Static codes go through
 * the QR module's own resolution (closed shops and inactive products refused there); order codes are
 * verified (signature, type, payment window) and name their shop.
 */
export class LandingService {
  constructor(private readonly dependencies: { database: Database; qr: QrService }) {}

  async landing(token: string): Promise<Landing> {
    const { qr, database } = this.dependencies;
    let order: { shopId: string; orderId: string } | null = null;
    try {
      const payload = qr.verify(token, { expectedType: 'order' });
      order = { shopId: payload.shopId, orderId: payload.orderId };
    } catch (error) {
      if (!(error instanceof QrWrongTypeError)) throw error;
    }
    if (order) {
      const shop = await this.openShop('shop.id = $1', order.shopId);
      return { type: 'order', orderId: order.orderId, token, ...shop };
    }
    const resolution = await qr.resolve(token);
    const shop = await this.openShop('shop.slug = $1', resolution.shopSlug);
    if (resolution.type === 'product') {
      const { rows } = await database.pool.query<{ title: string }>('select title from product where id = $1', [resolution.productId]);
      return { type: 'product', productId: resolution.productId, productTitle: rows[0]?.title ?? '', token, ...shop };
    }
    if (resolution.type === 'table') return { type: 'table', table: resolution.table, token, ...shop };
    return { type: 'shop', token, ...shop };
  }

  private async openShop(condition: string, value: string): Promise<{ shopSlug: string; shopName: string; shopDescription: string }> {
    const { rows } = await this.dependencies.database.pool.query<{ slug: string; name: string; description: string | null }>(
      `select slug, name, description from shop where ${condition} and status = 'open'`,
      [value],
    );
    const shop = rows[0];
    if (!shop) throw new DomainError('not_found', 'shop_not_found', 'The shop of this code is closed or gone.');
    return { shopSlug: shop.slug, shopName: shop.name, shopDescription: shop.description ?? '' };
  }
}
