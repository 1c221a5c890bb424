import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  CreatedInvitationBody,
  INVITATION_SORTABLE_FIELDS,
  InvitationBody,
  InvitationCreateBody,
  InvitationListFilter,
} from '../../../../../db/src/modules/staff/invitations.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: staff'];

/** Invitations to join the merchant; accepting one is POST /api/auth/invitations/accept. */
const invitationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'staff.read' }, schema: { tags, summary: 'List invitations', querystring: ListQuerystring, response: { 200: Type.Array(InvitationBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: INVITATION_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: InvitationListFilter });
      return sendPage(reply, 'invitations', await app.services.invitations.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'staff.read' }, schema: { tags, summary: 'Show an invitation', params: IdParams, response: { 200: InvitationBody } } },
    async (request) => app.services.invitations.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    {
      config: { permission: 'staff.manage' },
      schema: {
        tags,
        summary: 'Invite someone by email; the answer carries the token and link, shown this once',
        body: InvitationCreateBody,
        response: { 201: CreatedInvitationBody },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.invitations.create(request.actor as MerchantActor, request.body)),
  );

  app.delete(
    '/:id',
    { config: { permission: 'staff.manage' }, schema: { tags, summary: 'Withdraw an invitation', params: IdParams, response: { 200: InvitationBody } } },
    async (request) => app.services.invitations.revoke(request.actor as MerchantActor, request.params.id),
  );
};

export default invitationsRoutes;
