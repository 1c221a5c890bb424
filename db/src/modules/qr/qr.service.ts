import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MerchantActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { DomainError, NotFoundError } from '../../errors.ts';
import { QrAlreadyUsedError, QrExpiredError, QrWrongTypeError } from './qr.errors.ts';
import { renderQrImage, type QrImageFormat } from './qr-render.ts';
import type { QrResolution } from './qr.schemas.ts';
import { QrTokenCodec, SINGLE_USE_QR_TYPES, STATIC_QR_TYPES, type QrPayload, type QrType } from './qr-tokens.ts';

/** A payload to sign: `issuedAtSeconds` defaults to now, and a payment code's nonce to 16 random bytes. */
export type QrSignInput = QrPayload extends infer Payload
  ? Payload extends QrPayload
    ? Omit<Payload, 'issuedAtSeconds' | 'nonce'> & { issuedAtSeconds?: number } & (Payload extends { nonce: string } ? { nonce?: string } : unknown)
    : never
  : never;

export type StaticQrTarget = { type: 'shop'; shopId: string } | { type: 'product'; productId: string } | { type: 'table'; shopId: string; table: string };

export interface RenderedQrCode {
  contentType: string;
  body: Buffer;
  /** A file name for downloads, e.g. `shop-tea-house.png`. */
  filename: string;
  /** The address the code opens. */
  url: string;
}

function fileNamePart(text: string): string {
  return text.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 40) || 'code';
}

/**
 * QR codes: signing and verifying tokens for every flow (static shop/product/table codes now; order and
 * payment codes are signed and checked here by the modules that come later), single use through Redis,
 * and the static codes merchants print.
 */
export class QrService {
  private readonly codec: QrTokenCodec;

  constructor(
    private readonly database: Database,
    private readonly redis: Redis,
    private readonly config: Pick<Config, 'qr' | 'http'>,
    private readonly clock: () => number = Date.now,
  ) {
    this.codec = new QrTokenCodec(config.qr.signingSecret);
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  sign(input: QrSignInput): string {
    const payload = { ...input, issuedAtSeconds: input.issuedAtSeconds ?? this.nowSeconds() } as Record<string, unknown>;
    if (SINGLE_USE_QR_TYPES.includes(input.type) && payload.nonce === undefined) payload.nonce = randomBytes(16).toString('base64url');
    return this.codec.sign(payload as unknown as QrPayload);
  }

  /** Checks signature, then type, then expiry: qr_tampered, qr_wrong_type, qr_expired (all 400). */
  verify<Type extends QrType>(token: string, options: { expectedType: Type | readonly Type[] }): Extract<QrPayload, { type: Type }> {
    const payload = this.codec.decode(token);
    const expected: readonly QrType[] = typeof options.expectedType === 'string' ? [options.expectedType] : options.expectedType;
    if (!expected.includes(payload.type)) throw new QrWrongTypeError(payload.type, expected);
    if (payload.expiresAtSeconds !== undefined && payload.expiresAtSeconds <= this.nowSeconds()) throw new QrExpiredError();
    return payload as Extract<QrPayload, { type: Type }>;
  }

  /**
   * Marks a single-use code as used, or refuses it (409 qr_already_used) if it was used before. SET NX
   * makes this atomic across API instances; the mark lives as long as the code could still be presented.
   */
  async consumeOnce(payload: QrPayload): Promise<void> {
    if (!('nonce' in payload)) throw new TypeError(`A ${payload.type} code is not single-use`);
    const ttlSeconds = Math.max(1, (payload.expiresAtSeconds ?? this.nowSeconds()) - this.nowSeconds() + 1);
    const marked = await this.redis.set(`qr:used:${payload.type}:${payload.nonce}`, '1', 'EX', ttlSeconds, 'NX');
    if (marked !== 'OK') throw new QrAlreadyUsedError();
  }

  /** The address a code opens: `${PUBLIC_URL}/s/<token>`. */
  linkFor(token: string): string {
    return `${this.config.http.publicUrl}/s/${token}`;
  }

  /** A printable static code for one of the actor's shops, products or tables; another merchant's is 404. */
  async renderStaticCode(actor: MerchantActor, target: StaticQrTarget, options: { format: QrImageFormat; sizePx: number }): Promise<RenderedQrCode> {
    const { token, filename } = await this.staticToken(actor, target);
    const url = this.linkFor(token);
    const image = await renderQrImage(url, options.format, options.sizePx);
    return { ...image, filename: `${filename}.${options.format}`, url };
  }

  private async staticToken(actor: MerchantActor, target: StaticQrTarget): Promise<{ token: string; filename: string }> {
    const { pool } = this.database;
    if (target.type === 'product') {
      const { rows } = await pool.query<{ shop_id: string }>('select shop_id from product where id = $1 and merchant_id = $2', [target.productId, actor.merchantId]);
      const product = rows[0];
      if (!product) throw new NotFoundError('product', target.productId);
      const token = this.sign({ type: 'product', merchantId: actor.merchantId, shopId: product.shop_id, productId: target.productId });
      return { token, filename: `product-${target.productId}` };
    }
    const { rows } = await pool.query<{ slug: string }>('select slug from shop where id = $1 and merchant_id = $2', [target.shopId, actor.merchantId]);
    const shop = rows[0];
    if (!shop) throw new NotFoundError('shop', target.shopId);
    if (target.type === 'shop') return { token: this.sign({ type: 'shop', merchantId: actor.merchantId, shopId: target.shopId }), filename: `shop-${shop.slug}` };
    const token = this.sign({ type: 'table', merchantId: actor.merchantId, shopId: target.shopId, table: target.table });
    return { token, filename: `table-${shop.slug}-${fileNamePart(target.table)}` };
  }

  /**
   * What a scanned static code opens, for the widget. The shop is looked up by the id in the code, so a
   * code keeps working when the shop changes its slug; a closed shop or an inactive product is 404.
   */
  async resolve(token: string): Promise<QrResolution> {
    const payload = this.verify(token, { expectedType: STATIC_QR_TYPES });
    const { rows } = await this.database.pool.query<{ slug: string; product_active: boolean | null }>(
      `select shop.slug,
              (select product.status = 'active' from product where product.id = $3 and product.shop_id = shop.id) as product_active
         from shop where shop.id = $1 and shop.merchant_id = $2 and shop.status = 'open'`,
      [payload.shopId, payload.merchantId, payload.type === 'product' ? payload.productId : null],
    );
    const shop = rows[0];
    if (!shop) throw new DomainError('not_found', 'shop_not_found', 'The shop of this code is closed or gone.');
    switch (payload.type) {
      case 'shop':
        return { type: 'shop', shopSlug: shop.slug };
      case 'table':
        return { type: 'table', shopSlug: shop.slug, table: payload.table };
      case 'product':
        if (!shop.product_active) throw new DomainError('not_found', 'product_not_found', 'The product of this code is not on sale.');
        return { type: 'product', shopSlug: shop.slug, productId: payload.productId };
    }
  }
}
