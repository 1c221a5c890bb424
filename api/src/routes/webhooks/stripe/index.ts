import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WebhookAcknowledgementBody } from '../../../../../db/src/modules/payments/payments.schemas.ts';

/** Stripe's events are small; anything larger than this is not one of them. */
const WEBHOOK_BODY_LIMIT_BYTES = 512 * 1024;

const ErrorReply = {
  type: 'object',
  properties: { type: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
} as const;

const stripeWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Stripe signs the exact bytes it sends, so this plugin (and only it) keeps JSON bodies as raw Buffers.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  app.post(
    '/',
    {
      // Stripe sends bursts from a few addresses and retries what we refuse; the signature is the guard.
      config: { rateLimit: false },
      schema: {
        tags: ['webhooks'],
        summary: 'Receive a Stripe event (verified by its Stripe-Signature header)',
        response: { 200: WebhookAcknowledgementBody, 400: ErrorReply },
      },
    },
    async (request) => {
      const receipt = await app.services.payments.receiveWebhook(
        { type: 'system', process: 'stripe-webhook' },
        { rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), signatureHeader: request.headers['stripe-signature'] },
      );
      return { received: true as const, eventId: receipt.eventId, duplicate: receipt.duplicate };
    },
  );
};

export default stripeWebhookRoutes;
