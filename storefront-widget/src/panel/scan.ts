/**
 * Reads an order's QR code: from a photo, or live from the camera (getUserMedia) into a preview. The
 * browser's BarcodeDetector where it has one, otherwise jsQR, loaded only when first needed (its own lazy
 * chunk, never in the first panel). This whole file is a lazy chunk too.
 */
interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]>;
}
type DetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

const SCAN_INTERVAL_MS = 250;

function barcodeDetector(): BarcodeDetectorLike | null {
  const Detector = (window as { BarcodeDetector?: DetectorConstructor }).BarcodeDetector;
  try {
    return Detector ? new Detector({ formats: ['qr_code'] }) : null;
  } catch {
    // A detector without QR support.
    return null;
  }
}

/** jsQR over the pixels of an image or a video frame. */
async function decodeWithJsQr(source: CanvasImageSource, width: number, height: number): Promise<string | null> {
  if (!width || !height) return null;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return null;
  context.drawImage(source, 0, 0);
  const pixels = context.getImageData(0, 0, width, height);
  const { default: jsQR } = await import('jsqr');
  return jsQR(pixels.data, pixels.width, pixels.height)?.data ?? null;
}

async function detect(detector: BarcodeDetectorLike | null, source: ImageBitmap | HTMLVideoElement, width: number, height: number): Promise<string | null> {
  if (detector) {
    try {
      const [found] = await detector.detect(source);
      if (found) return found.rawValue;
    } catch {
      // fall through to jsQR
    }
  }
  return decodeWithJsQr(source, width, height);
}

export async function readQrCode(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  return detect(barcodeDetector(), bitmap, bitmap.width, bitmap.height);
}

export interface CameraScan {
  /** The first code seen (null when stopped before one was). */
  found: Promise<string | null>;
  stop(): void;
}

/**
 * Shows the back camera in `video` and looks for a QR code four times a second until one is seen or
 * `stop()` is called; the camera is released either way. Rejects when the camera is refused or missing.
 */
export async function scanFromCamera(video: HTMLVideoElement): Promise<CameraScan> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  const detector = barcodeDetector();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle: (token: string | null) => void = () => undefined;
  const release = () => {
    stopped = true;
    clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const found = new Promise<string | null>((resolve) => {
    settle = resolve;
  });
  const look = async () => {
    if (stopped) return;
    const token = await detect(detector, video, video.videoWidth, video.videoHeight).catch(() => null);
    if (stopped) return;
    if (token) {
      release();
      settle(token);
      return;
    }
    timer = setTimeout(() => void look(), SCAN_INTERVAL_MS);
  };
  void look();
  return {
    found,
    stop() {
      release();
      settle(null);
    },
  };
}
