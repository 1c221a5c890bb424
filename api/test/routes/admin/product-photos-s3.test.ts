import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3Server, type FakeS3Server } from '../../../../db/src/testing/s3-server/s3-server.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createProduct, createShop } from '../../helpers/catalog.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * MEDIA_STORE=s3: the real AWS SDK (path-style, custom endpoint, as for MinIO) against a small
 * S3-compatible server on loopback (no MinIO runs here). The local store's behaviour is tested in
 * product-photos.test.ts; this checks what changes with the store: where the files go, their headers,
 * the URLs, and that refusals and deletions leave no object behind.
 */

const BUCKET = 'minishop-media';
const PUBLIC_URL = 'https://media.example/minishop-media';
let s3: FakeS3Server;
let testApp: TestApp;
let baseUrl: string;
let owner: StaffSession;
let productId: string;

function upload(file: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)]), name);
  return fetch(`${baseUrl}/api/admin/products/${productId}/photos`, { method: 'POST', headers: owner.headers, body: form });
}

beforeAll(async () => {
  s3 = await startFakeS3Server({ accessKeyId: 'minishop-test' });
  testApp = await buildTestApp({
    MEDIA_STORE: 's3',
    MEDIA_S3_ENDPOINT: s3.url,
    MEDIA_S3_BUCKET: BUCKET,
    MEDIA_S3_ACCESS_KEY_ID: 'minishop-test',
    MEDIA_S3_SECRET_ACCESS_KEY: 'minishop-test-secret',
    MEDIA_PUBLIC_URL: PUBLIC_URL,
  });
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`;
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  const shop = await createShop(testApp.app, owner, { status: 'open' });
  productId = (await createProduct(testApp.app, owner, shop.id)).id;
});
afterAll(async () => {
  await testApp?.close();
  await s3?.close();
});

describe('photos on an S3-compatible store', () => {
  it('puts every width and format in the bucket, immutable, and answers URLs under MEDIA_PUBLIC_URL', async () => {
    const picture = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
    const response = await upload(picture, 'leaves.jpg');
    expect(response.status).toBe(201);
    const photo = await response.json();
    expect(Object.keys(photo.widths)).toEqual(['320', '640']);
    expect(s3.requests.every((request) => request.authorized)).toBe(true);
    expect([...s3.objects.keys()].sort()).toEqual(
      Object.values(photo.widths as Record<string, { webp: string; jpeg: string }>)
        .flatMap((files) => [files.webp, files.jpeg])
        .map((url) => `${BUCKET}/${url.slice(`${PUBLIC_URL}/`.length)}`)
        .sort(),
    );
    for (const [key, object] of s3.objects) {
      expect(key).toMatch(/^minishop-media\/products\/[0-9a-f-]+-(320|640)-[0-9a-f]{16}\.(webp|jpg)$/);
      expect(object.cacheControl).toBe('public, max-age=31536000, immutable');
      expect(object.contentType).toBe(key.endsWith('.webp') ? 'image/webp' : 'image/jpeg');
      expect((await sharp(object.body).metadata()).format).toBe(key.endsWith('.webp') ? 'webp' : 'jpeg');
    }
    // The API serves no local copy: the bucket is where browsers read.
    expect((await fetch(`${baseUrl}/media/products/${photo.widths['320'].webp.split('/').pop()}`)).status).toBe(404);
  });

  it('stores nothing for a file that is not a picture', async () => {
    const before = s3.requests.length;
    const response = await upload(Buffer.from('not a picture, whatever the name says'), 'photo.png');
    expect(response.status).toBe(400);
    expect(s3.requests.length).toBe(before);
  });

  it('deletes the objects with the photo', async () => {
    const [photo] = (await testApp.app.inject({ method: 'GET', url: `/api/admin/products/${productId}/photos`, headers: owner.headers })).json();
    const response = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/products/${productId}/photos/${photo.id}`, headers: owner.headers });
    expect(response.statusCode).toBe(204);
    expect(s3.objects.size).toBe(0);
  });
});

describe('MEDIA_STORE=s3 settings', () => {
  it('refuses to start without the bucket settings, naming them', async () => {
    const { loadConfig } = await import('../../../../db/src/config.ts');
    expect(() => loadConfig({}, { MEDIA_STORE: 's3', MEDIA_S3_ENDPOINT: s3.url })).toThrow(/MEDIA_S3_BUCKET, MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY, MEDIA_PUBLIC_URL/);
  });
});
