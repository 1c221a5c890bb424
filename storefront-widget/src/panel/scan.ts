/**
 * Reads a QR code from a photo: the browser's BarcodeDetector where it has one, otherwise jsQR, loaded
 * only now (its own lazy chunk, never in the first panel).
 */
interface BarcodeDetectorLike {
  detect(source: ImageBitmap): Promise<{ rawValue: string }[]>;
}

export async function readQrCode(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  const Detector = (window as { BarcodeDetector?: new (options: { formats: string[] }) => BarcodeDetectorLike }).BarcodeDetector;
  if (Detector) {
    try {
      const [found] = await new Detector({ formats: ['qr_code'] }).detect(bitmap);
      if (found) return found.rawValue;
    } catch {
      // A detector without QR support: fall through to jsQR.
    }
  }
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.drawImage(bitmap, 0, 0);
  const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height);
  const { default: jsQR } = await import('jsqr');
  return jsQR(pixels.data, pixels.width, pixels.height)?.data ?? null;
}
