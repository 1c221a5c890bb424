import { Type } from '@sinclair/typebox';
import { Uuid } from '../../schema-types.ts';

/** A table's label as printed beside the code: 1..40 characters, no control characters or slashes. */
export const TableLabel = Type.String({ minLength: 1, maxLength: 40, pattern: '^[^\\u0000-\\u001f\\u007f/]*[^\\s\\u0000-\\u001f\\u007f/][^\\u0000-\\u001f\\u007f/]*$' });

export const ShopQrParams = Type.Object({ shopId: Uuid });
export const ProductQrParams = Type.Object({ productId: Uuid });
export const TableQrParams = Type.Object({ shopId: Uuid, table: TableLabel });

export const QrImageQuerystring = Type.Object({
  size: Type.Integer({ minimum: 64, maximum: 2048, default: 512, description: 'width and height in pixels' }),
});

/** Garbage is answered by the service as qr_tampered, so the route accepts any string of sane length. */
export const QrTokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 2048 }) });

export const QrResolutionBody = Type.Object(
  {
    type: Type.Union([Type.Literal('shop'), Type.Literal('product'), Type.Literal('table')]),
    shopSlug: Type.String(),
    productId: Type.Optional(Uuid),
    table: Type.Optional(Type.String()),
  },
  { $id: 'QrResolution', additionalProperties: false },
);

/** What a static code opens: the widget at a shop, at one of its products, or at a table. */
export type QrResolution = { type: 'shop'; shopSlug: string } | { type: 'product'; shopSlug: string; productId: string } | { type: 'table'; shopSlug: string; table: string };
