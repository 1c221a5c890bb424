import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { RenderedQrCode } from '../../../db/src/modules/qr/qr.service.ts';

/** The response schema of an image route, for OpenAPI. */
export function qrImageResponse(format: 'svg' | 'png') {
  return { 200: Type.String({ description: format === 'svg' ? 'image/svg+xml' : 'image/png (binary)' }) };
}

/** Sends a drawn code. Never cached: payment codes expire and are worth money while they live. */
export function sendQrImage(reply: FastifyReply, code: RenderedQrCode) {
  return reply
    .header('Content-Type', code.contentType)
    .header('Content-Disposition', `inline; filename="${code.filename}"`)
    .header('Cache-Control', 'private, no-store')
    .send(code.body);
}
