// Reading meter and module serials from a barcode or QR code with the browser's BarcodeDetector
// (Chrome on Android has it); where it is missing the installer types the number.

export interface DetectedCode {
  rawValue: string;
  format: string;
}

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedCode[]>;
}

interface BarcodeDetectorConstructor {
  new (options?: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?: () => Promise<string[]>;
}

export const WANTED_FORMATS = ["code_128", "code_39", "ean_13", "qr_code", "data_matrix", "itf"];

export function barcodeDetectorClass(scope: object = globalThis): BarcodeDetectorConstructor | null {
  const candidate = (scope as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  return typeof candidate === "function" ? candidate : null;
}

export function canScan(scope: object = globalThis): boolean {
  const media = (scope as { navigator?: Navigator }).navigator?.mediaDevices;
  return barcodeDetectorClass(scope) !== null && typeof media?.getUserMedia === "function";
}

/**
 * A serial from what a code holds: a plain serial as it is; a QR code of "key=value" pairs or JSON
 * gives its sn/serial entry. Spaces that labels print for reading are dropped.
 */
export function serialFromCode(raw: string): string {
  const text = raw.trim();
  let serial = text;
  if (text.startsWith("{")) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const found = parsed.sn ?? parsed.serial ?? parsed.SN;
      if (typeof found === "string" || typeof found === "number") serial = String(found);
    } catch {
      // Not JSON after all: the whole text is the serial.
    }
  } else {
    const pair = /(?:^|[;&,\s])(?:sn|serial)\s*[=:]\s*([A-Za-z0-9-]+)/i.exec(text);
    if (pair) serial = pair[1];
  }
  return serial.replace(/\s/g, "").toUpperCase();
}

export async function detectOnce(detector: BarcodeDetectorLike, source: CanvasImageSource): Promise<string | null> {
  const codes = await detector.detect(source);
  const first = codes.find((code) => code.rawValue.trim() !== "");
  return first ? serialFromCode(first.rawValue) : null;
}

export function newDetector(scope: object = globalThis): BarcodeDetectorLike | null {
  const Detector = barcodeDetectorClass(scope);
  return Detector ? new Detector({ formats: WANTED_FORMATS }) : null;
}
