import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createProduct, createShop } from '../../helpers/catalog.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * Product photos through the real API on a real port, with multipart bodies as a browser sends them:
 * uploads checked by content, resized by sharp, stored on local disk, served with long-cache headers,
 * listed on the product and in the store catalog, reordered and deleted; bad files leave nothing.
 */

const MAX_UPLOAD_BYTES = 300_000;
let testApp: TestApp;
let mediaDirectory: string;
let baseUrl: string;
let publicUrl: string;

function onTestServer(url: string): string {
  return `${baseUrl}${new URL(url).pathname}`;
}
let owner: StaffSession;
let shopSlug: string;
let productId: string;

interface Photo {
  id: string;
  alt: string;
  position: number;
  width: number;
  height: number;
  widths: Record<string, { webp: string; jpeg: string }>;
}

/** A picture: a smooth gradient as JPEG (small, like a photo), patterned noise as PNG (large, for the size limit). */
async function picture(width: number, height: number, format: 'jpeg' | 'png'): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index += 1) {
    const pixel = Math.floor(index / 3);
    pixels[index] = format === 'jpeg' ? Math.floor((255 * ((pixel % width) + Math.floor(pixel / width))) / (width + height)) : (index % 251) ^ ((index * 7919) % 256);
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'jpeg' ? image.jpeg({ quality: 70 }).toBuffer() : image.png().toBuffer();
}

function upload(product: string, file: Buffer, fileName: string, options: { alt?: string; session?: StaffSession; field?: string; type?: string } = {}) {
  const form = new FormData();
  if (options.alt !== undefined) form.append('alt', options.alt);
  form.append(options.field ?? 'file', new Blob([new Uint8Array(file)], { type: options.type ?? 'application/octet-stream' }), fileName);
  return fetch(`${baseUrl}/api/admin/products/${product}/photos`, { method: 'POST', headers: (options.session ?? owner).headers, body: form });
}

async function storedFiles(): Promise<string[]> {
  return readdir(path.join(mediaDirectory, 'products')).catch(() => []);
}

async function photoRows(): Promise<number> {
  const { rows } = await testApp.app.database.pool.query<{ count: number }>('select count(*)::int as count from product_photo');
  return rows[0]!.count;
}

beforeAll(async () => {
  mediaDirectory = await mkdtemp(path.join(tmpdir(), 'minishop-media-'));
  testApp = await buildTestApp({ MEDIA_DIRECTORY: mediaDirectory, MEDIA_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), MEDIA_MAX_PHOTOS_PER_PRODUCT: '3' });
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`;
  publicUrl = testApp.app.config.http.publicUrl;
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  const shop = await createShop(testApp.app, owner, { status: 'open' });
  shopSlug = shop.slug;
  productId = (await createProduct(testApp.app, owner, shop.id, { title: 'Sencha' })).id;
});
afterAll(async () => {
  await testApp?.close();
  await rm(mediaDirectory, { recursive: true, force: true });
});

describe('uploading a photo', () => {
  let photo: Photo;

  it('resizes a large JPEG to 320, 640 and 1280 pixels wide, as WebP and JPEG with content-hashed names', async () => {
    const response = await upload(productId, await picture(1600, 1200, 'jpeg'), 'tea.jpg', { alt: 'A cup of sencha', type: 'image/jpeg' });
    expect(response.status).toBe(201);
    photo = await response.json();
    expect(photo).toMatchObject({ alt: 'A cup of sencha', position: 0, width: 1600, height: 1200 });
    expect(Object.keys(photo.widths)).toEqual(['320', '640', '1280']);
    for (const [width, files] of Object.entries(photo.widths)) {
      // Absolute URLs on PUBLIC_URL (the test server's own port is ephemeral, so it is not PUBLIC_URL's).
      expect(files.webp).toMatch(new RegExp(`^${publicUrl}/media/products/${photo.id}-${width}-[0-9a-f]{16}\\.webp$`));
      expect(files.jpeg).toMatch(new RegExp(`^${publicUrl}/media/products/${photo.id}-${width}-[0-9a-f]{16}\\.jpg$`));
    }
    expect(await storedFiles()).toHaveLength(6);
  });

  it('serves each file at its width, in its format, cached for a year as immutable', async () => {
    for (const [width, files] of Object.entries(photo.widths)) {
      for (const [format, url] of Object.entries(files)) {
        const response = await fetch(onTestServer(url));
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(response.headers.get('content-type')).toBe(`image/${format}`);
        const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
        expect(metadata).toMatchObject({ format, width: Number(width), height: Number(width) * 0.75 });
      }
    }
    expect((await fetch(`${baseUrl}/media/products/${photo.id}-320-0000000000000000.webp`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/media/products/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
  });

  it('keeps a small picture at its own width, never enlarged, and takes a PNG named .jpg (the content decides)', async () => {
    const response = await upload(productId, await picture(200, 100, 'png'), 'small.jpg', { type: 'image/jpeg' });
    expect(response.status).toBe(201);
    const small: Photo = await response.json();
    expect(small).toMatchObject({ position: 1, width: 200, height: 100 });
    expect(Object.keys(small.widths)).toEqual(['200']);
  });

  it('lists the photos on the product, in order', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/products/${productId}`, headers: owner.headers });
    expect(response.json().photos.map((listed: Photo) => [listed.id, listed.position])).toEqual([
      [photo.id, 0],
      [expect.any(String), 1],
    ]);
    const list = await testApp.app.inject({ method: 'GET', url: `/api/admin/products?filter=${encodeURIComponent(JSON.stringify({ id: [productId] }))}`, headers: owner.headers });
    expect(list.json()[0].photos).toHaveLength(2);
  });

  it('shows the photo URLs in the store catalog, for the widget to build a srcset', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: `/api/store/shops/${shopSlug}/products/${productId}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().photos[0]).toEqual({ ...photo });
    const list = await testApp.app.inject({ method: 'GET', url: `/api/store/shops/${shopSlug}/products` });
    expect(list.json().items[0].photos.map((listed: Photo) => listed.id)[0]).toBe(photo.id);
  });
});

describe('a bad upload gets a 400 naming the field and leaves neither a file nor a row', () => {
  const cases: [string, () => Promise<Response>, string, RegExp][] = [
    ['a text file named .png', async () => upload(productId, Buffer.from('just some words, not a picture at all\n'.repeat(20)), 'photo.png', { type: 'image/png' }), 'file', /not a picture/],
    ['an SVG (a picture format we do not take)', async () => upload(productId, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="400" height="400"/></svg>'), 'photo.svg'), 'file', /this one is svg/],
    ['a JPEG cut short', async () => upload(productId, (await picture(1600, 1200, 'jpeg')).subarray(0, 4_000), 'cut.jpg'), 'file', /not a picture/],
    ['a file over MEDIA_MAX_UPLOAD_BYTES', async () => upload(productId, await picture(1200, 1000, 'png'), 'huge.png'), 'file', new RegExp(`larger than ${MAX_UPLOAD_BYTES} bytes`)],
    ['a picture under another field', async () => upload(productId, await picture(100, 100, 'png'), 'photo.png', { field: 'image' }), 'image', /not a field/],
    ['an alt text over 200 characters', async () => upload(productId, await picture(100, 100, 'png'), 'photo.png', { alt: 'x'.repeat(201) }), 'alt', /at most 200/],
  ];
  for (const [name, send, field, message] of cases) {
    it(name, async () => {
      const [filesBefore, rowsBefore] = [await storedFiles(), await photoRows()];
      const response = await send();
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.errors).toEqual({ [field]: expect.stringMatching(message) });
      expect(await storedFiles()).toEqual(filesBefore);
      expect(await photoRows()).toBe(rowsBefore);
    });
  }

  it('a JSON body instead of a form', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: `/api/admin/products/${productId}/photos`, headers: owner.headers, payload: { file: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual({ file: expect.stringContaining('multipart/form-data') });
  });

  it('a product that already has MEDIA_MAX_PHOTOS_PER_PRODUCT photos: 409, and the rendered files are deleted', async () => {
    expect((await upload(productId, await picture(400, 300, 'png'), 'third.png')).status).toBe(201);
    const [filesBefore, rowsBefore] = [await storedFiles(), await photoRows()];
    const response = await upload(productId, await picture(400, 300, 'png'), 'fourth.png');
    expect(response.status).toBe(409);
    expect((await response.json()).code).toBe('too_many_photos');
    expect(await storedFiles()).toEqual(filesBefore);
    expect(await photoRows()).toBe(rowsBefore);
  });
});

describe('tenancy and roles', () => {
  it("answers another merchant's product as not found, storing nothing", async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const filesBefore = await storedFiles();
    const response = await upload(productId, await picture(400, 300, 'png'), 'photo.png', { session: stranger });
    expect(response.status).toBe(404);
    expect(await storedFiles()).toEqual(filesBefore);
    const photos = await testApp.app.inject({ method: 'GET', url: `/api/admin/products/${productId}/photos`, headers: stranger.headers });
    expect(photos.statusCode).toBe(404);
  });

  it('refuses a clerk (no catalog.write)', async () => {
    const clerk = await createMerchantWithStaff(testApp.app, 'clerk', owner.merchantId);
    const response = await upload(productId, await picture(400, 300, 'png'), 'photo.png', { session: clerk });
    expect(response.status).toBe(403);
  });
});

describe('reordering and deleting', () => {
  it('moves the last photo first; the others shift, and the store catalog follows at once', async () => {
    const before: Photo[] = (await testApp.app.inject({ method: 'GET', url: `/api/admin/products/${productId}/photos`, headers: owner.headers })).json();
    expect(before).toHaveLength(3);
    const last = before[2]!;
    const response = await testApp.app.inject({ method: 'PUT', url: `/api/admin/products/${productId}/photos/${last.id}`, headers: owner.headers, payload: { position: 0, alt: 'Leaves' } });
    expect(response.statusCode).toBe(200);
    expect(response.json().map((photo: Photo) => [photo.id, photo.position])).toEqual([
      [last.id, 0],
      [before[0]!.id, 1],
      [before[1]!.id, 2],
    ]);
    expect(response.json()[0].alt).toBe('Leaves');
    const store = await testApp.app.inject({ method: 'GET', url: `/api/store/shops/${shopSlug}/products/${productId}` });
    expect(store.json().photos.map((photo: Photo) => photo.id)).toEqual([last.id, before[0]!.id, before[1]!.id]);
  });

  it('deletes a photo with its files and closes the gap', async () => {
    const before: Photo[] = (await testApp.app.inject({ method: 'GET', url: `/api/admin/products/${productId}/photos`, headers: owner.headers })).json();
    const doomed = before[1]!;
    const filesBefore = await storedFiles();
    const response = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/products/${productId}/photos/${doomed.id}`, headers: owner.headers });
    expect(response.statusCode).toBe(204);
    const doomedFiles = Object.values(doomed.widths).flatMap((files) => [files.webp, files.jpeg]).map((url) => url.split('/').pop());
    expect(await storedFiles()).toEqual(filesBefore.filter((file) => !doomedFiles.includes(file)));
    expect((await fetch(onTestServer(doomed.widths['1280']!.webp))).status).toBe(404);
    const after: Photo[] = (await testApp.app.inject({ method: 'GET', url: `/api/admin/products/${productId}/photos`, headers: owner.headers })).json();
    expect(after.map((photo) => [photo.id, photo.position])).toEqual([
      [before[0]!.id, 0],
      [before[2]!.id, 1],
    ]);
    const again = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/products/${productId}/photos/${doomed.id}`, headers: owner.headers });
    expect(again.statusCode).toBe(404);
  });

  it('deletes the files of every photo when the product is deleted', async () => {
    const response = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/products/${productId}`, headers: owner.headers });
    expect(response.statusCode).toBe(200);
    expect(await storedFiles()).toEqual([]);
    expect(await photoRows()).toBe(0);
  });
});
