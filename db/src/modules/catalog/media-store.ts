import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config.ts';
import { newId } from '../../ids.ts';
import { lazyModule } from '../../lazy-module.ts';

/** The AWS SDK, loaded only when media live in a bucket (about 20 MB resident otherwise). */
const loadS3 = lazyModule<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3');

/** A media key: `products/<name>` with a content-hashed name, never a path that climbs out of the store. */
export const MEDIA_KEY_PATTERN = /^products\/[a-z0-9-]+\.(webp|jpg)$/;

/** Where product photos' files live. Keys are immutable: a changed picture is a new key. */
export interface MediaStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Deleting a key that is not there is no error (a retried clean-up). */
  delete(key: string): Promise<void>;
  /** The absolute URL a browser reads the file at. */
  urlOf(key: string): string;
}

/** Files on local disk under MEDIA_DIRECTORY, served by the API at /media/<key> (api/src/routes/media). */
export class LocalMediaStore implements MediaStore {
  constructor(
    readonly directory: string,
    private readonly publicUrl: string,
  ) {}

  pathOf(key: string): string {
    if (!MEDIA_KEY_PATTERN.test(key)) throw new Error(`not a media key: ${key}`);
    return path.join(this.directory, key);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Written aside and renamed, so that a reader never sees half a file.
    const temporary = `${target}.${newId()}.partial`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  urlOf(key: string): string {
    return `${this.publicUrl}/media/${key}`;
  }
}

/** An S3-compatible bucket (AWS, MinIO, R2...) through the AWS SDK, path-style so any endpoint works. */
export class S3MediaStore implements MediaStore {
  private readonly client: S3Client;

  constructor(private readonly settings: NonNullable<Config['media']['s3']>) {
    this.client = new (loadS3().S3Client)({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    });
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new (loadS3().PutObjectCommand)({ Bucket: this.settings.bucket, Key: key, Body: bytes, ContentType: contentType, CacheControl: IMMUTABLE_CACHE_CONTROL }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new (loadS3().DeleteObjectCommand)({ Bucket: this.settings.bucket, Key: key }));
  }

  urlOf(key: string): string {
    return `${this.settings.publicUrl}/${key}`;
  }
}

/** Content-hashed files never change, so browsers and CDNs may keep them for a year without asking. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export function createMediaStore(config: Config): MediaStore {
  if (config.media.s3) return new S3MediaStore(config.media.s3);
  return new LocalMediaStore(path.resolve(config.media.directory), config.http.publicUrl);
}
