import { WEBHOOK_EVENT_TYPES } from '../../../db/src/modules/webhooks/webhook-events.ts';

/** The event types an endpoint may subscribe to, from the server's own list (the names are the API's). */
export const EVENT_CHOICES = WEBHOOK_EVENT_TYPES.map((type) => ({ id: type, name: type }));
