import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { DashboardBody, DashboardQuerystring, OperatorDashboardQuerystring } from '../../../../../db/src/modules/dashboard/dashboard.schemas.ts';

const tags = ['admin: dashboard'];
const description =
  'Every figure is an SQL aggregate over all records, not one page: revenue per UTC day and currency of orders paid in [from, to) net of their refunds, orders placed in the period by status, shipments not yet picked up, variants of active products under lowStockThreshold, and today’s (UTC) payments and settlements.';

/** The merchant's dashboard, at /api/admin/dashboard. */
export const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'orders.read' }, schema: { tags, summary: "The merchant's dashboard figures", description, querystring: DashboardQuerystring, response: { 200: DashboardBody } } },
    async (request) => app.services.dashboard.summary({ merchantId: (request.actor as MerchantActor).merchantId }, request.query),
  );
};

/** The operator's, at /api/admin/operator/dashboard: one merchant's (merchantId) or the whole platform's. */
export const operatorDashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'platform.operate' },
      schema: { tags, summary: 'Dashboard figures of one merchant or of the whole platform', description, querystring: OperatorDashboardQuerystring, response: { 200: DashboardBody } },
    },
    async (request) => {
      const { merchantId, ...query } = request.query;
      return app.services.dashboard.summary({ merchantId: merchantId ?? null }, query);
    },
  );
};
