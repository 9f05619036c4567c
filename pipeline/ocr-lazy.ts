// An OCR engine that starts its pool only when a page needs it: a batch of text-layer PDFs, or a
// service that only serves the API, never pays for OCR workers.
import { createOcrPool, type OcrEngine } from './ocr.ts';

export function lazyOcr(size: number): OcrEngine {
  let pool: OcrEngine | null = null;
  return {
    recognize(image, opts) {
      pool ??= createOcrPool({ size });
      return pool.recognize(image, opts);
    },
    async close() {
      if (pool) await pool.close();
      pool = null;
    },
  };
}
