import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/** Where `npm start` (scripts/frontends.ts) and the browser tests build the console. */
// From import.meta.url, which the production build (scripts/build.mjs) keeps pointing at this source file.
export const ADMIN_CONSOLE_DIST = fileURLToPath(new URL('../../../../admin/dist', import.meta.url));

const ONE_YEAR_SECONDS = 31_536_000;

/**
 * Serves the react-admin console (admin/) at /admin: the hashed files under /admin/assets/ are immutable
 * and cached for a year, index.html is never cached (so a deploy shows at once), and every other path
 * under /admin is the single-page app's own route, answered with index.html. /admin/queues (bull-board)
 * is a more specific route and keeps winning. Without a build the console answers 503 saying how to
 * build it, instead of a bare 404.
 */
async function adminConsole(app: FastifyInstance, options: { root?: string }): Promise<void> {
  const root = options.root ?? ADMIN_CONSOLE_DIST;
  const indexFile = join(root, 'index.html');

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(indexFile)) {
      return reply.status(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm start` or `npx vite build admin`.');
    }
    return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(readFileSync(indexFile));
  };

  // Registered only when built: a server started before the build answers 503 from index.html below.
  if (existsSync(join(root, 'assets'))) {
    await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/admin/assets/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: ONE_YEAR_SECONDS * 1000,
    // A missing asset is a 404, not the app: a stale tab must not parse HTML as JavaScript.
    wildcard: true,
    });
  }

  const hide = { schema: { hide: true } };
  app.get('/admin', hide, (_request, reply) => reply.redirect('/admin/', 302));
  app.get('/admin/', hide, (_request, reply) => sendIndex(reply));
  app.get('/admin/*', hide, (request, reply) => {
    if (request.url.startsWith('/admin/assets/')) return reply.status(404).send({ error: 'not_found', message: 'No such console file' });
    return sendIndex(reply);
  });
}

export default fp(adminConsole, { name: 'admin-console' });
