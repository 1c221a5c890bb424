import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { StaffSession } from './staff.ts';

/**
 * Catalog fixtures made through the admin API, as the console would make them, so that every test
 * starts from records that passed the same rules as real ones.
 */
async function post<Body = Record<string, unknown>>(app: FastifyInstance, session: StaffSession, url: string, payload: object): Promise<Body & { id: string }> {
  const response = await app.inject({ method: 'POST', url, headers: session.headers, payload });
  if (response.statusCode !== 201) throw new Error(`POST ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

export function uniqueSlug(base = 'shop'): string {
  return `${base}-${randomBytes(4).toString('hex')}`;
}

export function createShop(app: FastifyInstance, session: StaffSession, overrides: object = {}) {
  return post<{ slug: string; currency: string }>(app, session, '/api/admin/shops', { slug: uniqueSlug(), name: 'Tea House', currency: 'EUR', ...overrides });
}

export function createCategory(app: FastifyInstance, session: StaffSession, shopId: string, overrides: object = {}) {
  return post<{ shopId: string; name: string }>(app, session, '/api/admin/categories', { shopId, name: 'Green tea', ...overrides });
}

export function createProduct(app: FastifyInstance, session: StaffSession, shopId: string, overrides: object = {}) {
  return post<{ shopId: string; title: string; status: string }>(app, session, '/api/admin/products', { shopId, title: 'Sencha', status: 'active', ...overrides });
}

export function createVariant(app: FastifyInstance, session: StaffSession, productId: string, overrides: object = {}) {
  return post<{ sku: string; priceMinor: number; stockOnHand: number }>(app, session, '/api/admin/variants', {
    productId,
    sku: `SKU-${randomBytes(4).toString('hex')}`,
    title: '100 g',
    priceMinor: 1299,
    stockOnHand: 10,
    ...overrides,
  });
}

export function moveStock(app: FastifyInstance, session: StaffSession, variantId: string, quantityDelta: number, reason = quantityDelta > 0 ? 'receipt' : 'adjustment') {
  return app.inject({ method: 'POST', url: '/api/admin/stock-movements', headers: session.headers, payload: { variantId, quantityDelta, reason } });
}
