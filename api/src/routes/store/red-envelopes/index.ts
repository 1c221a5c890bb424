import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { IdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import {
  RedEnvelopeBody,
  RedEnvelopeClaimedBody,
  RedEnvelopeGroupBody,
  ShopperRedEnvelopeCreateBody,
} from '../../../../../db/src/modules/red-envelopes/red-envelopes.schemas.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['store: red envelopes'];

/** Red envelopes for a chat group (prefix /api/store/red-envelopes; docs/social.md). */
const storeRedEnvelopesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.post(
    '/',
    {
      config,
      schema: {
        tags,
        summary: 'Send a red envelope from the wallet to a group the shopper proves they are in',
        description: 'The whole amount leaves the wallet at once (422 insufficient_funds when it is not there); the shares are drawn now. Idempotency-Key is required: the same key and body answer 201 again with the same envelope.',
        headers: IdempotencyKeyHeaders,
        body: ShopperRedEnvelopeCreateBody,
        response: { 201: RedEnvelopeBody },
      },
    },
    async (request, reply) => {
      const { replayed, ...envelope } = await app.services.redEnvelopes.createByShopper(request.shopper as ShopperActor, {
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return sendIdempotent(reply, { replayed }, envelope);
    },
  );

  app.post(
    '/group',
    { config, schema: { tags, summary: "The latest red envelopes of a group the shopper proves they are in (a POST: the proof is a body)", body: RedEnvelopeGroupBody, response: { 200: Type.Array(RedEnvelopeBody) } } },
    async (request) => app.services.redEnvelopes.listForGroup(request.shopper as ShopperActor, request.body.group),
  );

  app.get(
    '/:id',
    { config, schema: { tags, summary: 'A red envelope with its claims so far', params: IdParams, response: { 200: RedEnvelopeBody } } },
    async (request) => app.services.redEnvelopes.get(request.shopper as ShopperActor, request.params.id),
  );

  app.post(
    '/:id/claims',
    {
      config,
      schema: {
        tags,
        summary: 'Claim the next share (group members only, one share each)',
        description: '201 with the share, posted to the wallet; 200 with the same share when this shopper claimed before; 409 red_envelope_exhausted; 422 red_envelope_expired; 404 for an envelope of another group.',
        params: IdParams,
        body: RedEnvelopeGroupBody,
        response: { 201: RedEnvelopeClaimedBody, 200: RedEnvelopeClaimedBody },
      },
    },
    async (request, reply) => {
      const claimed = await app.services.redEnvelopes.claim(request.shopper as ShopperActor, request.params.id, request.body.group);
      return reply.status(claimed.duplicate ? 200 : 201).send(claimed);
    },
  );
};

export default storeRedEnvelopesRoutes;
