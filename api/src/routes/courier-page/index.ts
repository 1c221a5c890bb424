import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';

// Read once at boot: three small files that never change while the process runs.
const files = {
  html: readFileSync(new URL('./courier.html', import.meta.url), 'utf8'),
  script: readFileSync(new URL('./courier.js', import.meta.url), 'utf8'),
  style: readFileSync(new URL('./courier.css', import.meta.url), 'utf8'),
};

/**
 * `/courier`: the courier's phone page (plain HTML, one script, one stylesheet; the script is a file of
 * its own because the Content-Security-Policy allows no inline script). It talks to /api/courier.
 */
const courierPageRoutes: FastifyPluginAsync = async (app) => {
  const hidden = { schema: { hide: true } };
  app.get('/', hidden, async (_request, reply) => reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(files.html));
  app.get('/courier.js', hidden, async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(files.script));
  app.get('/courier.css', hidden, async (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'no-cache').send(files.style));
};

export default courierPageRoutes;
