import { lazyModule } from '../../lazy-module.ts';

/** The QR encoder (and the PNG writer it pulls in), loaded with the first QR image drawn. */
const loadQrCode = lazyModule<typeof import('qrcode')>('qrcode');

export const QR_IMAGE_FORMATS = ['svg', 'png'] as const;
export type QrImageFormat = (typeof QR_IMAGE_FORMATS)[number];

export interface RenderedQrImage {
  contentType: string;
  body: Buffer;
}

/**
 * Draws `text` as a QR code. Error correction M survives a smudged print; the quiet zone of 4 modules is
 * what the QR specification asks for and what phone scanners expect.
 */
export async function renderQrImage(text: string, format: QrImageFormat, sizePx: number): Promise<RenderedQrImage> {
  const options = { errorCorrectionLevel: 'M', margin: 4, width: sizePx } as const;
  if (format === 'svg') {
    return { contentType: 'image/svg+xml; charset=utf-8', body: Buffer.from(await loadQrCode().toString(text, { ...options, type: 'svg' })) };
  }
  return { contentType: 'image/png', body: await loadQrCode().toBuffer(text, { ...options, type: 'png' }) };
}
