import type pg from 'pg';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import type { CatalogChanges } from './catalog-invalidation.ts';
import { renderPhoto } from './image-variants.ts';
import type { MediaStore } from './media-store.ts';
import { toPhotoView, type PhotoRow, type PhotoUpdateInput, type ProductPhoto } from './product-photos.schemas.ts';

const PHOTO_COLUMNS = 'id, alt, position, width, height, files';

export interface PhotoUpload {
  bytes: Buffer;
  alt?: string;
}

/**
 * Uploaded product photos (docs/console-api.md §2). The files are rendered and stored before the row is
 * written (no store call inside a transaction); a refused or failed upload deletes what it stored, so
 * it leaves neither a file nor a row.
 */
export class ProductPhotosService {
  constructor(
    private readonly database: Database,
    readonly store: MediaStore,
    private readonly catalogChanges: CatalogChanges,
    private readonly settings: { maxPhotosPerProduct: number },
  ) {}

  async list(actor: MerchantActor, productId: string): Promise<ProductPhoto[]> {
    await this.productOf(this.database.pool, actor, productId);
    return this.photosOf(this.database.pool, productId);
  }

  /** Photos of several products at once, for product lists. */
  async photosByProduct(merchantId: string, productIds: string[]): Promise<Map<string, ProductPhoto[]>> {
    const { rows } = await this.database.pool.query<PhotoRow & { product_id: string }>(
      `select product_id, ${PHOTO_COLUMNS} from product_photo where merchant_id = $1 and product_id = any($2::uuid[]) order by position, id`,
      [merchantId, productIds],
    );
    const byProduct = new Map<string, ProductPhoto[]>();
    for (const row of rows) {
      const photos = byProduct.get(row.product_id) ?? [];
      photos.push(toPhotoView(row, (key) => this.store.urlOf(key)));
      byProduct.set(row.product_id, photos);
    }
    return byProduct;
  }

  /** The store keys of a product's photo files (for deleting them once the product is gone). */
  async fileKeysOf(merchantId: string, productId: string): Promise<string[]> {
    const { rows } = await this.database.pool.query<Pick<PhotoRow, 'files'>>('select files from product_photo where merchant_id = $1 and product_id = $2', [merchantId, productId]);
    return rows.flatMap((row) => Object.values(row.files).flatMap((entry) => [entry.webp, entry.jpeg]));
  }

  /** Best effort: a file that stays behind is only unreferenced, never a row without its file. */
  async deleteFiles(keys: string[]): Promise<void> {
    await Promise.allSettled(keys.map((key) => this.store.delete(key)));
  }

  async upload(actor: MerchantActor, productId: string, upload: PhotoUpload): Promise<ProductPhoto> {
    const product = await this.productOf(this.database.pool, actor, productId);
    await this.assertRoom(this.database.pool, productId);
    const photoId = newId();
    const rendered = await renderPhoto(photoId, upload.bytes);
    const stored: string[] = [];
    try {
      for (const file of rendered.files) {
        const key = `products/${file.name}`;
        await this.store.put(key, file.bytes, file.contentType);
        stored.push(key);
      }
      const files: PhotoRow['files'] = {};
      for (const file of rendered.files) {
        const entry = (files[String(file.width)] ??= { webp: '', jpeg: '' });
        entry[file.format] = `products/${file.name}`;
      }
      const row = await withPoolTransaction(this.database.pool, async (client) => {
        // The product's row lock orders concurrent uploads: each sees the others' photos when counting.
        await this.productOf(client, actor, productId, 'for update');
        const count = await this.assertRoom(client, productId);
        const { rows } = await client.query<PhotoRow>(
          `insert into product_photo (id, merchant_id, product_id, position, alt, width, height, files)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${PHOTO_COLUMNS}`,
          [photoId, actor.merchantId, productId, count, upload.alt ?? '', rendered.width, rendered.height, JSON.stringify(files)],
        );
        return rows[0]!;
      });
      await this.catalogChanges.shopChanged(product.shopId);
      return toPhotoView(row, (key) => this.store.urlOf(key));
    } catch (error) {
      await this.deleteFiles(stored);
      throw error;
    }
  }

  /** Changes the alt text and/or moves the photo; answers all the product's photos in their new order. */
  async update(actor: MerchantActor, productId: string, photoId: string, input: PhotoUpdateInput): Promise<ProductPhoto[]> {
    const product = await withPoolTransaction(this.database.pool, async (client) => {
      const locked = await this.productOf(client, actor, productId, 'for update');
      const { rows } = await client.query<{ id: string }>('select id from product_photo where product_id = $1 order by position, id', [productId]);
      const index = rows.findIndex((row) => row.id === photoId);
      if (index < 0) throw new NotFoundError('photo', photoId);
      if (input.alt !== undefined) await client.query('update product_photo set alt = $2, updated_at = now() where id = $1', [photoId, input.alt]);
      if (input.position !== undefined) {
        const ids = rows.map((row) => row.id);
        ids.splice(index, 1);
        ids.splice(Math.min(input.position, ids.length), 0, photoId);
        await client.query(
          `update product_photo set position = ordered.position - 1, updated_at = now()
             from unnest($2::uuid[]) with ordinality as ordered (id, position)
            where product_photo.id = ordered.id and product_photo.product_id = $1`,
          [productId, ids],
        );
      }
      return locked;
    });
    await this.catalogChanges.shopChanged(product.shopId);
    return this.photosOf(this.database.pool, productId);
  }

  async remove(actor: MerchantActor, productId: string, photoId: string): Promise<void> {
    const { product, files } = await withPoolTransaction(this.database.pool, async (client) => {
      const locked = await this.productOf(client, actor, productId, 'for update');
      const { rows } = await client.query<Pick<PhotoRow, 'files'>>('delete from product_photo where id = $1 and product_id = $2 returning files', [photoId, productId]);
      if (!rows[0]) throw new NotFoundError('photo', photoId);
      await client.query(
        `update product_photo set position = renumbered.position - 1
           from (select id, row_number() over (order by position, id) as position from product_photo where product_id = $1) renumbered
          where product_photo.id = renumbered.id`,
        [productId],
      );
      return { product: locked, files: rows[0].files };
    });
    await this.catalogChanges.shopChanged(product.shopId);
    // After the commit: a file whose deletion fails is only unreferenced, never a row without its file.
    await this.deleteFiles(Object.values(files).flatMap((entry) => [entry.webp, entry.jpeg]));
  }

  private async photosOf(client: pg.Pool | pg.PoolClient, productId: string): Promise<ProductPhoto[]> {
    const { rows } = await client.query<PhotoRow>(`select ${PHOTO_COLUMNS} from product_photo where product_id = $1 order by position, id`, [productId]);
    return rows.map((row) => toPhotoView(row, (key) => this.store.urlOf(key)));
  }

  /** Another merchant's product answers exactly like one that does not exist. */
  private async productOf(client: pg.Pool | pg.PoolClient, actor: MerchantActor, productId: string, lock = ''): Promise<{ shopId: string }> {
    const { rows } = await client.query<{ shopId: string }>(`select shop_id as "shopId" from product where id = $1 and merchant_id = $2 ${lock}`, [productId, actor.merchantId]);
    if (!rows[0]) throw new NotFoundError('product', productId);
    return rows[0];
  }

  private async assertRoom(client: pg.Pool | pg.PoolClient, productId: string): Promise<number> {
    const { rows } = await client.query<{ count: number }>('select count(*)::int as count from product_photo where product_id = $1', [productId]);
    const count = rows[0]!.count;
    if (count >= this.settings.maxPhotosPerProduct) {
      throw new ConflictError('too_many_photos', `A product has at most ${this.settings.maxPhotosPerProduct} photos; delete one first.`, { file: `the product already has ${count} photos` });
    }
    return count;
  }
}
