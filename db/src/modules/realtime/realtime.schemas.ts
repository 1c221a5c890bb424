import { Type, type Static } from '@sinclair/typebox';

/** What a client sends on GET /ws (docs/realtime.md). Event ids are positions, sent as strings. */
const EventId = Type.Union([Type.String({ pattern: '^[0-9]{1,15}$' }), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })]);

export const AuthMessage = Type.Object({ type: Type.Literal('auth'), token: Type.String({ minLength: 1, maxLength: 4_096 }) }, { additionalProperties: false });

export const SubscribeMessage = Type.Object(
  { type: Type.Literal('subscribe'), topic: Type.String({ minLength: 1, maxLength: 200 }), lastEventId: Type.Optional(EventId) },
  { additionalProperties: false },
);

export const UnsubscribeMessage = Type.Object({ type: Type.Literal('unsubscribe'), topic: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const ClientMessage = Type.Union([AuthMessage, SubscribeMessage, UnsubscribeMessage]);
export type ClientMessage = Static<typeof ClientMessage>;
