import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';

export const ChatHostStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);
const ChatHostSecret = Type.String({ minLength: 32, maxLength: 512, description: 'The HS256 key the host signs its shopper tokens with' });

export const ChatHostBody = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    status: ChatHostStatusSchema,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ChatHost', additionalProperties: false },
);

/** Only the creation answer carries the secret; it is never shown again. */
export const ChatHostCreatedBody = Type.Object(
  { ...ChatHostBody.properties, secret: Type.String({ description: 'Shown once: store it in the host chat now' }) },
  { additionalProperties: false },
);

export const ChatHostCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    secret: Type.Optional(ChatHostSecret),
    status: Type.Optional(ChatHostStatusSchema),
  },
  { additionalProperties: false, description: 'Without a secret, one is generated and returned once.' },
);
export type ChatHostCreateInput = Static<typeof ChatHostCreateBody>;

/** A new secret replaces the old one at once: tokens signed with the old one stop working. */
export const ChatHostUpdateBody = Type.Partial(
  Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), status: ChatHostStatusSchema, secret: ChatHostSecret }),
  { additionalProperties: false },
);
export type ChatHostUpdateInput = Static<typeof ChatHostUpdateBody>;

export const ChatHostListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(ChatHostStatusSchema),
  },
  { additionalProperties: false },
);
export type ChatHostListFilterInput = Static<typeof ChatHostListFilter>;
export const CHAT_HOST_SORTABLE_FIELDS = ['createdAt', 'name', 'status'] as const;
