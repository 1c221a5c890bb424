import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { STAFF_SORTABLE_FIELDS, StaffListFilter, StaffMemberBody, StaffUpdateBody } from '../../../../../db/src/modules/staff/staff.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: staff'];

/** The merchant's staff: memberships with their people. New staff join through invitations. */
const staffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'staff.read' }, schema: { tags, summary: 'List staff', querystring: ListQuerystring, response: { 200: Type.Array(StaffMemberBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: STAFF_SORTABLE_FIELDS, defaultSort: ['createdAt', 'ASC'], filter: StaffListFilter });
      return sendPage(reply, 'staff', await app.services.staff.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'staff.read' }, schema: { tags, summary: 'Show a staff member', params: IdParams, response: { 200: StaffMemberBody } } },
    async (request) => app.services.staff.get(request.actor as MerchantActor, request.params.id),
  );

  app.put(
    '/:id',
    {
      config: { permission: 'staff.manage' },
      schema: { tags, summary: "Change a staff member's role", params: IdParams, body: StaffUpdateBody, response: { 200: StaffMemberBody } },
    },
    async (request) => app.services.staff.updateRole(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    { config: { permission: 'staff.manage' }, schema: { tags, summary: 'Remove a staff member from the merchant', params: IdParams, response: { 200: StaffMemberBody } } },
    async (request) => app.services.staff.remove(request.actor as MerchantActor, request.params.id),
  );
};

export default staffRoutes;
