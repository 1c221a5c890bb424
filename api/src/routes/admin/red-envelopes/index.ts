import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { IdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import {
  MerchantRedEnvelopeBody,
  MerchantRedEnvelopeCreateBody,
  RED_ENVELOPE_SORTABLE_FIELDS,
  RedEnvelopeListFilter,
} from '../../../../../db/src/modules/red-envelopes/red-envelopes.schemas.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: red envelopes'];

/** The merchant's promotional red envelopes (prefix /api/admin/red-envelopes; docs/social.md), with the ledger transfers behind each. */
const redEnvelopesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      config: { permission: 'finance.write' },
      schema: {
        tags,
        summary: "Send a red envelope from the merchant's available balance to a group its chat host vouches for",
        description: 'group: {provider:"host", hostId, token} with a host-signed JWT carrying group and exp. Idempotency-Key is required.',
        headers: IdempotencyKeyHeaders,
        body: MerchantRedEnvelopeCreateBody,
        response: { 201: MerchantRedEnvelopeBody },
      },
    },
    async (request, reply) => {
      const { replayed, ...envelope } = await app.services.redEnvelopes.createByMerchant(request.actor as MerchantActor, {
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return sendIdempotent(reply, { replayed }, envelope);
    },
  );

  app.get(
    '/',
    { config: { permission: 'finance.read' }, schema: { tags, summary: 'List red envelopes with their ledger transfers', querystring: ListQuerystring, response: { 200: Type.Array(MerchantRedEnvelopeBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: RED_ENVELOPE_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: RedEnvelopeListFilter });
      return sendPage(reply, 'red-envelopes', await app.services.redEnvelopes.listForMerchant(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'finance.read' }, schema: { tags, summary: 'Show a red envelope with its claims and ledger transfers', params: IdParams, response: { 200: MerchantRedEnvelopeBody } } },
    async (request) => app.services.redEnvelopes.getForMerchant(request.actor as MerchantActor, request.params.id),
  );
};

export default redEnvelopesRoutes;
