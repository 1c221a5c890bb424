import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { StaffRoleSchema } from '../staff/staff.schemas.ts';

const apiKeyProperties = {
  id: Uuid,
  merchantId: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'the first 12 characters of the key, to tell keys apart' }),
  role: StaffRoleSchema,
  createdByUserId: Uuid,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
};

export const ApiKeyBody = Type.Object(apiKeyProperties, { $id: 'ApiKey', additionalProperties: false });
export type ApiKeyView = Static<typeof ApiKeyBody>;

/** The answer to creating a key: the only time its secret is ever shown. */
export const CreatedApiKeyBody = Type.Object(
  { ...apiKeyProperties, secret: Type.String({ description: 'msk_...; shown once, only its SHA-256 is kept' }) },
  { $id: 'CreatedApiKey', additionalProperties: false },
);
export type CreatedApiKey = Static<typeof CreatedApiKeyBody>;

export const ApiKeyCreateBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }), role: StaffRoleSchema },
  { additionalProperties: false },
);
export type ApiKeyCreateInput = Static<typeof ApiKeyCreateBody>;

export const ApiKeyListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.Optional(StaffRoleSchema),
    revoked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ApiKeyListFilterInput = Static<typeof ApiKeyListFilter>;
export const API_KEY_SORTABLE_FIELDS = ['createdAt', 'name', 'role', 'lastUsedAt'] as const;
