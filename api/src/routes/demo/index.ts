import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { widgetPageContentSecurityPolicy } from '../../http/page-security.ts';
import { demoMembers } from '../../../../db/src/seeds/demo-chat-members.ts';

// Read once at boot: the page, its script (the Content-Security-Policy allows no inline script) and its styles.
const files = {
  html: readFileSync(new URL('./demo.html', import.meta.url), 'utf8'),
  script: readFileSync(new URL('./demo.js', import.meta.url), 'utf8'),
  courierPhone: readFileSync(new URL('./courier-phone.js', import.meta.url), 'utf8'),
  groupScript: readFileSync(new URL('./demo-group.js', import.meta.url), 'utf8'),
  style: readFileSync(new URL('./demo.css', import.meta.url), 'utf8'),
};

/**
 * `/demo`: a small chat page (a shop's bot and a group chat) that embeds the storefront widget the way a
 * host chat would, and a courier's phone beside it (`courier-phone.js`) riding an order to the door; `?shop=<slug>` picks the shop (the demo seed's tea house by default), `?lang=` the language.
 */
const demoRoutes: FastifyPluginAsync = async (app) => {
  const hidden = { schema: { hide: true } };
  const contentSecurityPolicy = widgetPageContentSecurityPolicy(app.config);
  app.get('/', hidden, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').header('content-security-policy', contentSecurityPolicy).send(files.html),
  );
  app.get('/demo.js', hidden, async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(files.script));
  app.get('/courier-phone.js', hidden, async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(files.courierPhone));
  // The group chat's members, as the demo host vouches for them (red envelopes, docs/social.md §1).
  app.get('/members', hidden, async (_request, reply) => reply.header('Cache-Control', 'no-store').send((await demoMembers(app.database.pool)) ?? { hostId: null, group: null, members: [] }));
  app.get('/demo-group.js', hidden, async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(files.groupScript));
  app.get('/demo.css', hidden, async (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'no-cache').send(files.style));
};

export default demoRoutes;
