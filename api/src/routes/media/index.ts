import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { NotFoundError } from '../../../../db/src/errors.ts';
import { IMMUTABLE_CACHE_CONTROL, LocalMediaStore } from '../../../../db/src/modules/catalog/media-store.ts';
import { PLACEHOLDER_NAME_PATTERN, hashName, renderPlaceholderSvg } from './placeholder-svg.ts';

const PhotoFileParams = Type.Object({ file: Type.String({ pattern: '^[a-z0-9-]+\\.(webp|jpg)$', description: 'a content-hashed file name' }) });

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

  // Product photos on local disk (MEDIA_STORE=local); an S3 store serves its own files.
  const store = app.services.productPhotos.store;
  if (store instanceof LocalMediaStore) {
    app.get(
      '/products/:file',
      {
        schema: {
          tags: ['media'],
          summary: 'A product photo file: content-hashed name, cached for a year',
          params: PhotoFileParams,
          response: {
            200: { description: 'The picture', content: { 'image/webp': { schema: Type.String() }, 'image/jpeg': { schema: Type.String() } } },
            404: { description: 'No such file', type: 'object', additionalProperties: true },
          },
        },
      },
      async (request, reply) => {
        const path = store.pathOf(`products/${request.params.file}`);
        const size = await stat(path).then((stats) => stats.size, () => null);
        if (size === null) throw new NotFoundError('photo file');
        return reply
          .header('Cache-Control', IMMUTABLE_CACHE_CONTROL)
          .header('Content-Length', size)
          .type(request.params.file.endsWith('.webp') ? 'image/webp' : 'image/jpeg')
          .send(createReadStream(path));
      },
    );
  }
};

export default mediaRoutes;
