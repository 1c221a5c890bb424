import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { ValidationError } from '../../../../../db/src/errors.ts';
import { PhotoParams, PhotoUpdateBody, PhotoUploadForm, ProductPhotoBody, ProductPhotos } from '../../../../../db/src/modules/catalog/product-photos.schemas.ts';
import { createValidatorCompiler } from '../../../plugins/external/schema-compilers.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['admin: catalog'];
const MAX_ALT_LENGTH = 200;

/** The form of an upload: one picture under `file`, an optional `alt`, nothing else. */
async function readUploadForm(request: FastifyRequest, maxUploadBytes: number): Promise<{ bytes: Buffer; alt?: string }> {
  if (!request.isMultipart()) throw new ValidationError({ file: 'send the picture as multipart/form-data in the field "file"' }, 'multipart_required');
  let bytes: Buffer | undefined;
  let alt: string | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file') throw new ValidationError({ [part.fieldname]: 'is not a field of this form; send the picture as "file"' });
      if (bytes) throw new ValidationError({ file: 'send one picture per request' });
      try {
        bytes = await part.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new ValidationError({ file: `is larger than ${maxUploadBytes} bytes` }, 'file_too_large');
        throw error;
      }
    } else if (part.fieldname === 'alt') {
      alt = String(part.value);
      if (alt.length > MAX_ALT_LENGTH) throw new ValidationError({ alt: `must be at most ${MAX_ALT_LENGTH} characters` });
    } else {
      throw new ValidationError({ [part.fieldname]: 'is not a field of this form' });
    }
  }
  if (!bytes?.length) throw new ValidationError({ file: 'is required: the picture, as multipart/form-data' });
  return { bytes, ...(alt !== undefined ? { alt } : {}) };
}

/** A product's uploaded photos (docs/console-api.md §2), under /api/admin/products/:id/photos. */
const productPhotosRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { maxUploadBytes } = app.config.media;
  // Registered here, so that only this plugin's routes take multipart bodies; one file per request.
  await app.register(multipart, { limits: { fileSize: maxUploadBytes, files: 1, fields: 2, parts: 3, fieldSize: 1_024 } });
  const validatorCompiler = createValidatorCompiler();

  app.get(
    '/:id/photos',
    { config: { permission: 'catalog.read' }, schema: { tags, summary: "A product's uploaded photos, in order", params: IdParams, response: { 200: ProductPhotos } } },
    async (request) => app.services.productPhotos.list(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/:id/photos',
    {
      config: { permission: 'catalog.write' },
      // The multipart body is read and checked by the handler, part by part; the schema documents it.
      validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
      schema: {
        tags,
        summary: 'Upload a photo: checked by content, resized to 320/640/1280 px as WebP and JPEG',
        description: `multipart/form-data with the picture in "file" and an optional "alt". A file that is not a picture (whatever its name) or is larger than MEDIA_MAX_UPLOAD_BYTES answers 400 naming "file" and stores nothing.`,
        consumes: ['multipart/form-data'],
        params: IdParams,
        body: PhotoUploadForm,
        response: { 201: ProductPhotoBody },
      },
    },
    async (request, reply) => {
      const form = await readUploadForm(request, maxUploadBytes);
      return reply.status(201).send(await app.services.productPhotos.upload(request.actor as MerchantActor, request.params.id, form));
    },
  );

  app.put(
    '/:id/photos/:photoId',
    {
      config: { permission: 'catalog.write' },
      schema: { tags, summary: "Change a photo's alt text or move it; answers the product's photos in their new order", params: PhotoParams, body: PhotoUpdateBody, response: { 200: ProductPhotos } },
    },
    async (request) => app.services.productPhotos.update(request.actor as MerchantActor, request.params.id, request.params.photoId, request.body),
  );

  app.delete(
    '/:id/photos/:photoId',
    { config: { permission: 'catalog.write' }, schema: { tags, summary: 'Delete a photo and its files', params: PhotoParams, response: { 204: { description: 'Deleted', type: 'null' } } } },
    async (request, reply) => {
      await app.services.productPhotos.remove(request.actor as MerchantActor, request.params.id, request.params.photoId);
      return reply.status(204).send();
    },
  );
};

export default productPhotosRoutes;
