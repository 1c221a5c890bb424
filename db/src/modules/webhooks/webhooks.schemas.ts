import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.ts';

export const WebhookEventTypeSchema = Type.Unsafe<WebhookEventType>({ type: 'string', enum: [...WEBHOOK_EVENT_TYPES], description: 'An outbox event type (docs/webhooks.md)' });
export const WebhookEndpointStatusSchema = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]);
export type WebhookEndpointStatus = Static<typeof WebhookEndpointStatusSchema>;

export const WebhookEndpointBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    url: Type.String(),
    description: Type.String(),
    events: Type.Array(WebhookEventTypeSchema),
    status: WebhookEndpointStatusSchema,
    disabledReason: Type.Union([Type.String(), Type.Null()], { description: 'Why the endpoint stopped receiving: failing, or a person disabled it' }),
    disabledAt: Type.Union([Timestamp, Type.Null()]),
    consecutiveFailures: Type.Integer({ description: 'Failed attempts in a row; a success resets it' }),
    failingSince: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'WebhookEndpoint', additionalProperties: false },
);
export type WebhookEndpointView = Static<typeof WebhookEndpointBody>;

/** The creation and rotation answers carry the signing secret: it is never shown again. */
export const WebhookEndpointWithSecretBody = Type.Object(
  { ...WebhookEndpointBody.properties, secret: Type.String({ description: 'Shown once: verify Minishop-Signature with it' }) },
  { additionalProperties: false },
);
export type WebhookEndpointWithSecret = Static<typeof WebhookEndpointWithSecretBody>;

const Url = Type.String({ minLength: 8, maxLength: 2048, description: 'https URL (http only for loopback addresses outside production)' });
const Events = Type.Array(WebhookEventTypeSchema, { minItems: 1, maxItems: 100, uniqueItems: true });

export const WebhookEndpointCreateBody = Type.Object(
  { url: Url, description: Type.Optional(Type.String({ maxLength: 500 })), events: Events },
  { additionalProperties: false },
);
export type WebhookEndpointCreateInput = Static<typeof WebhookEndpointCreateBody>;

/** `status: enabled` re-enables an endpoint that was disabled (by a person or for failing) and clears its failures. */
export const WebhookEndpointUpdateBody = Type.Partial(
  Type.Object({ url: Url, description: Type.String({ maxLength: 500 }), events: Events, status: WebhookEndpointStatusSchema }),
  { additionalProperties: false },
);
export type WebhookEndpointUpdateInput = Static<typeof WebhookEndpointUpdateBody>;

export const WebhookEndpointListFilter = Type.Object(
  { id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })), status: Type.Optional(WebhookEndpointStatusSchema), q: Type.Optional(Type.String({ maxLength: 200, description: 'searches the URL and the description' })), },
  { additionalProperties: false },
);
export type WebhookEndpointListFilterInput = Static<typeof WebhookEndpointListFilter>;
export const WEBHOOK_ENDPOINT_SORTABLE_FIELDS = ['createdAt', 'url', 'status'] as const;

export const WebhookDeliveryStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]);

export const WebhookDeliveryAttemptBody = Type.Object(
  {
    attemptNumber: Type.Integer(),
    startedAt: Timestamp,
    latencyMs: Type.Union([Type.Integer(), Type.Null()]),
    statusCode: Type.Union([Type.Integer(), Type.Null()]),
    responseExcerpt: Type.Union([Type.String(), Type.Null()], { description: 'The first 1,000 characters of the answer' }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Network error or timeout, when there was no answer' }),
    succeeded: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const WebhookDeliveryBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    endpointId: Uuid,
    eventId: Uuid,
    eventType: Type.String(),
    status: WebhookDeliveryStatusSchema,
    attemptCount: Type.Integer(),
    nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    deliveredAt: Type.Union([Timestamp, Type.Null()]),
    replayCount: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'WebhookDelivery', additionalProperties: false },
);
export type WebhookDeliveryView = Static<typeof WebhookDeliveryBody>;

/** One delivery with the body it sends and every attempt, oldest first. */
export const WebhookDeliveryDetailBody = Type.Object(
  { ...WebhookDeliveryBody.properties, body: Type.String({ description: 'The exact JSON sent' }), attempts: Type.Array(WebhookDeliveryAttemptBody) },
  { additionalProperties: false },
);
export type WebhookDeliveryDetail = Static<typeof WebhookDeliveryDetailBody>;

export const WebhookDeliveryListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    endpointId: Type.Optional(Uuid),
    eventId: Type.Optional(Uuid),
    eventType: Type.Optional(Type.String({ maxLength: 100 })),
    status: Type.Optional(WebhookDeliveryStatusSchema),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches the event type' })),
  },
  { additionalProperties: false },
);
export type WebhookDeliveryListFilterInput = Static<typeof WebhookDeliveryListFilter>;
export const WEBHOOK_DELIVERY_SORTABLE_FIELDS = ['createdAt', 'status', 'eventType', 'nextAttemptAt'] as const;
