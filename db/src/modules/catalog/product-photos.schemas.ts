import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from '../../schema-types.ts';

const PhotoFiles = Type.Object({ webp: Type.String({ description: 'absolute URL' }), jpeg: Type.String({ description: 'absolute URL' }) }, { additionalProperties: false });

/** An uploaded product photo: one URL per width and format, for srcset. */
export const ProductPhotoBody = Type.Object(
  {
    id: Uuid,
    alt: Type.String(),
    position: Type.Integer({ minimum: 0 }),
    width: Type.Integer({ minimum: 1, description: 'the upright original, in pixels' }),
    height: Type.Integer({ minimum: 1 }),
    widths: Type.Record(Type.String({ pattern: '^[0-9]+$' }), PhotoFiles, { description: 'width in pixels -> {webp, jpeg} URLs; only widths not wider than the original' }),
  },
  { $id: 'ProductPhoto', additionalProperties: false },
);
export type ProductPhoto = Static<typeof ProductPhotoBody>;
export const ProductPhotos = Type.Array(ProductPhotoBody);

export const PhotoParams = Type.Object({ id: Uuid, photoId: Uuid });

export const PhotoUpdateBody = Type.Object(
  {
    alt: Type.Optional(Type.String({ maxLength: 200 })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000, description: '0-based; the other photos shift' })),
  },
  { additionalProperties: false },
);
export type PhotoUpdateInput = Static<typeof PhotoUpdateBody>;

/** For OpenAPI: what the multipart form carries (the route reads the parts itself). */
export const PhotoUploadForm = Type.Object(
  {
    file: Type.String({ format: 'binary', description: 'the picture: JPEG, PNG, WebP, GIF, AVIF, HEIF or TIFF, checked by content; at most MEDIA_MAX_UPLOAD_BYTES' }),
    alt: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** A photo row as stored: file keys per width and format. */
export interface PhotoRow {
  id: string;
  alt: string;
  position: number;
  width: number;
  height: number;
  files: Record<string, { webp: string; jpeg: string }>;
}

/** The SQL of a product's photos as a JSON array of PhotoRow, for reads that join products (`p`). */
export const PHOTOS_OF_PRODUCT_SQL = `(select coalesce(jsonb_agg(jsonb_build_object('id', ph.id, 'alt', ph.alt, 'position', ph.position, 'width', ph.width, 'height', ph.height, 'files', ph.files) order by ph.position, ph.id), '[]'::jsonb)
   from product_photo ph where ph.product_id = p.id)`;

export function toPhotoView(row: PhotoRow, urlOf: (key: string) => string): ProductPhoto {
  const widths: ProductPhoto['widths'] = {};
  for (const [width, files] of Object.entries(row.files)) widths[width] = { webp: urlOf(files.webp), jpeg: urlOf(files.jpeg) };
  return { id: row.id, alt: row.alt, position: row.position, width: row.width, height: row.height, widths };
}
