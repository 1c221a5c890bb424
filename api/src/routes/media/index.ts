import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PLACEHOLDER_NAME_PATTERN, hashName, renderPlaceholderSvg } from './placeholder-svg.ts';

const PlaceholderParams = Type.Object({
  name: Type.String({ pattern: PLACEHOLDER_NAME_PATTERN, description: 'A slug: lower-case letters, digits and dashes' }),
});

// Bump when the drawing changes, so that caches holding the old picture revalidate.
const DRAWING_VERSION = 1;
const ONE_YEAR_SECONDS = 31_536_000;

/** Public media: the placeholder pictures the demo catalog (and any product without a photo) points at. */
const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/placeholder/:name.svg',
    {
      schema: {
        tags: ['media'],
        summary: 'A deterministic placeholder picture for a name',
        params: PlaceholderParams,
        response: {
          200: { description: 'An SVG picture', content: { 'image/svg+xml': { schema: Type.String() } } },
          304: { description: 'Not modified (matches If-None-Match)', type: 'null' },
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const etag = `"${hashName(name).toString(16)}-${name.length}-v${DRAWING_VERSION}"`;
      reply.header('Cache-Control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`).header('ETag', etag);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type('image/svg+xml; charset=utf-8').send(renderPlaceholderSvg(name));
    },
  );
};

export default mediaRoutes;
