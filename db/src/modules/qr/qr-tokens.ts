import { createHmac, timingSafeEqual } from 'node:crypto';
import { QrTamperedError } from './qr.errors.ts';

/**
 * Signed QR tokens: a small binary payload and its HMAC-SHA256, as one base64url string. Binary rather
 * than JSON keeps a shop code near 100 characters, so printed codes stay coarse and scan from afar.
 *
 * Layout: [format version 1][type code] then fields as [tag][length][value] in ascending tag order, then
 * the 32-byte HMAC of everything before it. Which fields a type carries is fixed in FIELDS_BY_TYPE.
 */
export const QR_TYPES = ['shop', 'product', 'table', 'order', 'payment_code'] as const;
export type QrType = (typeof QR_TYPES)[number];
export const STATIC_QR_TYPES = ['shop', 'product', 'table'] as const satisfies readonly QrType[];
export type StaticQrType = (typeof STATIC_QR_TYPES)[number];

interface QrTimes {
  issuedAtSeconds: number;
  /** Absent: the code never expires (static codes only). */
  expiresAtSeconds?: number;
}

export type QrPayload =
  | (QrTimes & { type: 'shop'; merchantId: string; shopId: string })
  | (QrTimes & { type: 'product'; merchantId: string; shopId: string; productId: string })
  | (QrTimes & { type: 'table'; merchantId: string; shopId: string; table: string })
  | (QrTimes & { type: 'order'; merchantId: string; shopId: string; orderId: string; expiresAtSeconds: number })
  /** merchantId + shopId: the shop the code was shown in, so that another shop cannot charge it. */
  | (QrTimes & { type: 'payment_code'; shopperId: string; nonce: string; expiresAtSeconds: number; merchantId?: string; shopId?: string });

const FORMAT_VERSION = 1;
const MAC_BYTES = 32;
const MAX_TOKEN_LENGTH = 1024;
export const MAX_TABLE_LABEL_BYTES = 160;

type FieldName = 'issuedAtSeconds' | 'expiresAtSeconds' | 'merchantId' | 'shopId' | 'productId' | 'orderId' | 'shopperId' | 'table' | 'nonce';
type FieldKind = 'seconds' | 'uuid' | 'text' | 'bytes';

const FIELDS: readonly { name: FieldName; tag: number; kind: FieldKind }[] = [
  { name: 'issuedAtSeconds', tag: 1, kind: 'seconds' },
  { name: 'expiresAtSeconds', tag: 2, kind: 'seconds' },
  { name: 'merchantId', tag: 3, kind: 'uuid' },
  { name: 'shopId', tag: 4, kind: 'uuid' },
  { name: 'productId', tag: 5, kind: 'uuid' },
  { name: 'orderId', tag: 6, kind: 'uuid' },
  { name: 'shopperId', tag: 7, kind: 'uuid' },
  { name: 'table', tag: 8, kind: 'text' },
  { name: 'nonce', tag: 9, kind: 'bytes' },
];

const TYPE_CODES: Record<QrType, number> = { shop: 1, product: 2, table: 3, order: 4, payment_code: 5 };

/** Required fields per type; `expiresAtSeconds` is optional only where it is not listed. */
const FIELDS_BY_TYPE: Record<QrType, { required: readonly FieldName[]; optional: readonly FieldName[] }> = {
  shop: { required: ['issuedAtSeconds', 'merchantId', 'shopId'], optional: ['expiresAtSeconds'] },
  product: { required: ['issuedAtSeconds', 'merchantId', 'shopId', 'productId'], optional: ['expiresAtSeconds'] },
  table: { required: ['issuedAtSeconds', 'merchantId', 'shopId', 'table'], optional: ['expiresAtSeconds'] },
  order: { required: ['issuedAtSeconds', 'expiresAtSeconds', 'merchantId', 'shopId', 'orderId'], optional: [] },
  payment_code: { required: ['issuedAtSeconds', 'expiresAtSeconds', 'shopperId', 'nonce'], optional: ['merchantId', 'shopId'] },
};

/** Types whose codes are valid once (QrService.consumeOnce); they carry a nonce. */
export const SINGLE_USE_QR_TYPES: readonly QrType[] = ['payment_code'];

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encodeValue(kind: FieldKind, name: string, value: unknown): Buffer {
  switch (kind) {
    case 'seconds': {
      if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > 0xffff_ffff) throw new TypeError(`${name} must be unix seconds`);
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value as number);
      return bytes;
    }
    case 'uuid':
      if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw new TypeError(`${name} must be a UUID`);
      return Buffer.from(value.replaceAll('-', ''), 'hex');
    case 'text': {
      const bytes = Buffer.from(String(value), 'utf8');
      if (bytes.length < 1 || bytes.length > MAX_TABLE_LABEL_BYTES) throw new TypeError(`${name} must be 1..${MAX_TABLE_LABEL_BYTES} bytes`);
      return bytes;
    }
    case 'bytes': {
      const bytes = Buffer.from(String(value), 'base64url');
      if (bytes.length < 8 || bytes.length > 32) throw new TypeError(`${name} must be 8..32 bytes, base64url`);
      return bytes;
    }
  }
}

function decodeValue(kind: FieldKind, bytes: Buffer): number | string | null {
  switch (kind) {
    case 'seconds':
      return bytes.length === 4 ? bytes.readUInt32BE() : null;
    case 'uuid': {
      if (bytes.length !== 16) return null;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case 'text': {
      const text = bytes.toString('utf8');
      return bytes.length >= 1 && Buffer.from(text, 'utf8').equals(bytes) ? text : null;
    }
    case 'bytes':
      return bytes.length >= 8 && bytes.length <= 32 ? bytes.toString('base64url') : null;
  }
}

export class QrTokenCodec {
  private readonly key: Buffer;

  constructor(signingSecret: string) {
    // A key of its own, in case the same secret is ever reused for something else.
    this.key = createHmac('sha256', signingSecret).update('minishop:qr-token:v1').digest();
  }

  /** Throws TypeError for a payload that breaks the layout: a programming error, never user input. */
  sign(payload: QrPayload): string {
    const spec = FIELDS_BY_TYPE[payload.type];
    const allowed = new Set<FieldName>([...spec.required, ...spec.optional]);
    const values = payload as unknown as Record<string, unknown>;
    const parts: Buffer[] = [Buffer.from([FORMAT_VERSION, TYPE_CODES[payload.type]])];
    for (const field of FIELDS) {
      const value = values[field.name];
      if (value === undefined) {
        if (spec.required.includes(field.name)) throw new TypeError(`A ${payload.type} code needs ${field.name}`);
        continue;
      }
      if (!allowed.has(field.name)) throw new TypeError(`A ${payload.type} code carries no ${field.name}`);
      const encoded = encodeValue(field.kind, field.name, value);
      parts.push(Buffer.from([field.tag, encoded.length]), encoded);
    }
    const body = Buffer.concat(parts);
    return Buffer.concat([body, this.mac(body)]).toString('base64url');
  }

  /** The payload of a token this codec signed; anything else (altered, truncated, foreign) is qr_tampered. */
  decode(token: string): QrPayload {
    if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw new QrTamperedError();
    const bytes = Buffer.from(token, 'base64url');
    // Base64 decoding ignores stray trailing characters and bits: only the canonical spelling is accepted.
    if (bytes.length < 2 + MAC_BYTES || bytes.toString('base64url') !== token) throw new QrTamperedError();
    const body = bytes.subarray(0, bytes.length - MAC_BYTES);
    if (!timingSafeEqual(bytes.subarray(bytes.length - MAC_BYTES), this.mac(body))) throw new QrTamperedError();
    const payload = this.parse(body);
    if (!payload) throw new QrTamperedError();
    return payload;
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }

  private parse(body: Buffer): QrPayload | null {
    const type = QR_TYPES.find((candidate) => TYPE_CODES[candidate] === body[1]);
    if (body[0] !== FORMAT_VERSION || !type) return null;
    const spec = FIELDS_BY_TYPE[type];
    const values: Record<string, unknown> = { type };
    let offset = 2;
    let previousTag = 0;
    while (offset < body.length) {
      const tag = body[offset];
      const length = body[offset + 1];
      if (tag === undefined || length === undefined || tag <= previousTag || offset + 2 + length > body.length) return null;
      const field = FIELDS.find((candidate) => candidate.tag === tag);
      if (!field || !(spec.required.includes(field.name) || spec.optional.includes(field.name))) return null;
      const value = decodeValue(field.kind, body.subarray(offset + 2, offset + 2 + length));
      if (value === null) return null;
      values[field.name] = value;
      previousTag = tag;
      offset += 2 + length;
    }
    if (!spec.required.every((name) => values[name] !== undefined)) return null;
    return values as unknown as QrPayload;
  }
}
