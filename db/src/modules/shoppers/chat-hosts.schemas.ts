import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';

export const ChatHostStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);
const NotificationUrl = Type.String({ minLength: 8, maxLength: 2048, description: 'https URL the host takes shopper notifications at' });
const ChatHostSecret = Type.String({ minLength: 32, maxLength: 512, description: 'The HS256 key the host signs its shopper tokens with' });

export const ChatHostBody = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    status: ChatHostStatusSchema,
    notificationUrl: Type.Union([Type.String(), Type.Null()], { description: 'Where the host takes shopper notifications (docs/notifications.md)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ChatHost', additionalProperties: false },
);

const NotificationSecretShownOnce = Type.Optional(Type.String({ description: 'Shown once, when generated: verify Minishop-Signature of notifications with it' }));

/** The update answer carries the notification secret only when this request generated it. */
export const ChatHostUpdatedBody = Type.Object({ ...ChatHostBody.properties, notificationSecret: NotificationSecretShownOnce }, { additionalProperties: false });

/** Only the creation answer carries the secret; it is never shown again. */
export const ChatHostCreatedBody = Type.Object(
  { ...ChatHostBody.properties, secret: Type.String({ description: 'Shown once: store it in the host chat now' }), notificationSecret: NotificationSecretShownOnce },
  { additionalProperties: false },
);

export const ChatHostCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    secret: Type.Optional(ChatHostSecret),
    status: Type.Optional(ChatHostStatusSchema),
    notificationUrl: Type.Optional(NotificationUrl),
  },
  { additionalProperties: false, description: 'Without a secret, one is generated and returned once; so is a notification secret with a notification URL.' },
);
export type ChatHostCreateInput = Static<typeof ChatHostCreateBody>;

/** A new secret replaces the old one at once: tokens signed with the old one stop working. */
export const ChatHostUpdateBody = Type.Partial(
  Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    status: ChatHostStatusSchema,
    secret: ChatHostSecret,
    notificationUrl: Type.Union([NotificationUrl, Type.Null()], { description: 'null: the host takes no notifications' }),
    rotateNotificationSecret: Type.Boolean({ description: 'true: a new notification secret replaces the old one, shown once in the answer' }),
  }),
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
