import { createHash } from 'node:crypto';
import type { Metadata } from 'sharp';
import { lazyModule } from '../../lazy-module.ts';
import { ValidationError } from '../../errors.ts';

/** The widths a photo is resized to; the widget picks one through srcset. */
export const PHOTO_WIDTHS = [320, 640, 1280] as const;

/** Formats accepted as uploads, by what the bytes are (sharp's metadata), never by the file's name. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);

/** Decompression bombs: a small file that decodes to a huge picture is refused before decoding. */
const MAX_INPUT_PIXELS = 40_000_000;

export interface RenderedFile {
  width: number;
  format: 'webp' | 'jpeg';
  contentType: string;
  bytes: Buffer;
  /** `<photoId>-<width>-<hash of the bytes>.<ext>`: a changed picture always has a new name. */
  name: string;
}

export interface RenderedPhoto {
  width: number;
  height: number;
  files: RenderedFile[];
}

/** sharp and its native libvips, loaded with the first photo: about 25 MB resident saved until then. */
const loadSharp = lazyModule<typeof import('sharp').default>('sharp');

const NOT_AN_IMAGE = 'is not a picture we can read: send a JPEG, PNG, WebP, GIF, AVIF, HEIF or TIFF image';

/**
 * Checks that `bytes` are a picture and re-encodes it at each width not wider than the original (the
 * original's own width when it is narrower than all of them), as WebP and JPEG, oriented upright and
 * without its metadata (no camera GPS position leaks through a product photo).
 */
export async function renderPhoto(photoId: string, bytes: Buffer): Promise<RenderedPhoto> {
  let metadata: Metadata;
  try {
    metadata = await loadSharp()(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    throw new ValidationError({ file: NOT_AN_IMAGE }, 'not_an_image');
  }
  if (!metadata.format || !ACCEPTED_FORMATS.has(metadata.format) || !metadata.width || !metadata.height) {
    throw new ValidationError({ file: `${NOT_AN_IMAGE} (this one is ${metadata.format ?? 'unknown'})` }, 'not_an_image');
  }
  if (metadata.width * metadata.height > MAX_INPUT_PIXELS) throw new ValidationError({ file: `has more than ${MAX_INPUT_PIXELS} pixels` }, 'image_too_large');
  // EXIF orientations 5-8 turn the picture a quarter: its upright width is the stored height.
  const turned = (metadata.orientation ?? 1) >= 5;
  const width = turned ? metadata.height : metadata.width;
  const height = turned ? metadata.width : metadata.height;
  const widths = PHOTO_WIDTHS.filter((candidate) => candidate <= width);
  if (!widths.length) widths.push(width as never);

  const files: RenderedFile[] = [];
  try {
    for (const targetWidth of widths) {
      const resized = loadSharp()(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate().resize({ width: targetWidth, withoutEnlargement: true });
      const webp = await resized.clone().webp({ quality: 80 }).toBuffer();
      const jpeg = await resized.clone().flatten({ background: '#ffffff' }).jpeg({ quality: 82, mozjpeg: true }).toBuffer();
      files.push(file(photoId, targetWidth, 'webp', webp), file(photoId, targetWidth, 'jpeg', jpeg));
    }
  } catch {
    // The header was readable but the picture is not (truncated, corrupt).
    throw new ValidationError({ file: NOT_AN_IMAGE }, 'not_an_image');
  }
  return { width, height, files };
}

function file(photoId: string, width: number, format: 'webp' | 'jpeg', bytes: Buffer): RenderedFile {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const extension = format === 'webp' ? 'webp' : 'jpg';
  return { width, format, bytes, contentType: `image/${format}`, name: `${photoId}-${width}-${hash}.${extension}` };
}
