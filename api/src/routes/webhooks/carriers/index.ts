import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CarrierWebhookAcknowledgement, CarrierWebhookParams } from '../../../../../db/src/modules/shipments/shipments.schemas.ts';

/** A tracking update is small; anything larger than this is not one. */
const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

const ErrorReply = {
  type: 'object',
  properties: { type: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, errors: { type: 'object', additionalProperties: { type: 'string' } } },
} as const;

/**
 * `POST /api/webhooks/carriers/:carrier` (docs/delivery.md §5): the signature is checked on the exact
 * bytes received, the event stored in the inbox with its job, and the answer sent at once; the job does
 * the rest.
 */
const carrierWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Carriers sign the exact bytes they send, so this plugin (and only it) keeps JSON bodies as raw Buffers.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  app.post(
    '/:carrier',
    {
      // Carriers send bursts from a few addresses and retry what we refuse; the signature is the guard.
      config: { rateLimit: false },
      schema: {
        tags: ['webhooks'],
        summary: 'Receive a carrier\'s tracking event (signed; see docs/delivery.md)',
        params: CarrierWebhookParams,
        response: { 200: CarrierWebhookAcknowledgement, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const receipt = await app.services.carrierWebhooks.receive(request.params.carrier, rawBody, request.headers);
      return { received: true as const, eventId: receipt.eventId, duplicate: receipt.duplicate };
    },
  );
};

export default carrierWebhookRoutes;
