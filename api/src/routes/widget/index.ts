import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

/** Where `storefront-widget/`'s build lands (scripts/frontends.ts builds it from `npm start`). */
export const WIDGET_DIST_FOLDER = fileURLToPath(new URL('../../../../storefront-widget/dist/', import.meta.url));

/** The loader keeps its name across releases, so it is cached briefly; everything it loads is hashed. */
export const LOADER_CACHE_CONTROL = 'public, max-age=300';

/**
 * The storefront widget: `GET /widget.js` (the loader) and `GET /widget/assets/<name>-<hash>.js` (the
 * panel and its lazy chunks, cached for a year as immutable). Host pages on other origins load them, so
 * they carry CORS (global) and `Cross-Origin-Resource-Policy: cross-origin` (helmet options).
 */
const widgetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const built = existsSync(`${WIDGET_DIST_FOLDER}widget.js`);
  if (built) {
    await app.register(fastifyStatic, {
      root: `${WIDGET_DIST_FOLDER}assets`,
      prefix: '/widget/assets/',
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
      index: false,
      // Only the hashed chunks: a name without a hash would be cached for a year under a name that changes meaning.
      allowedPath: (path) => /^\/[\w.-]+-[\w-]{6,}\.(js|css)$/.test(path),
    });
  }
  await app.register(fastifyStatic, { root: WIDGET_DIST_FOLDER, serve: false, decorateReply: true });

  app.get(
    '/widget.js',
    {
      schema: {
        tags: ['store: widget'],
        summary: 'The storefront widget loader: <script src="/widget.js" data-shop="slug" async> or <minishop-store shop="slug">',
        produces: ['text/javascript'],
        response: { 200: Type.String(), 503: Type.Object({ code: Type.String(), message: Type.String() }) },
      },
    },
    async (_request, reply) => {
      if (!built) return reply.status(503).send({ code: 'widget_not_built', message: 'The storefront widget is not built: run `npm start` or `npm run build` in storefront-widget/.' });
      return reply.header('cache-control', LOADER_CACHE_CONTROL).sendFile('widget.js', { cacheControl: false });
    },
  );
};

export default widgetRoutes;
