// Which OCR engine reads first, and which one is asked when a reading is doubtful.
//
// Measured on the 99 SROIE receipts (README, "How OCR is done"): PaddleOCR first and tesseract.js
// only for documents whose total, date or currency came out doubtful read more totals, dates and
// vendors than either engine alone or tesseract first, at about a fifth of documents read twice.
// Paddle's dictionary is Chinese + ASCII with some Latin accents: it has é and ü but not ß, €
// or £, which is one more reason the second reading is tesseract, whose English model prints €.
// Both engines start lazily: a batch of text-layer PDFs never loads either.
import type { OcrEngine, OcrPool } from './ocr.ts';
import { createOcrPool } from './ocr.ts';
import { createPaddlePool } from './paddle.ts';
import { TESSERACT_LANGUAGES, withLanguageChoice } from './ocr-lang.ts';

export type OcrEngineName = 'paddle' | 'tesseract';

export interface OcrEngines {
  /** Reads every OCR'd page. */
  first: OcrEngine;
  /** Reads again the documents the first reading left doubtful. */
  second: OcrEngine;
  close(): Promise<void>;
}

/**
 * An engine created on its first page; `singlePass` as the engine it creates declares, and
 * `detectOrientation` when given (the orientation model is shared by both engines).
 */
export function lazyEngine(create: () => OcrEngine, singlePass = false, detectOrientation?: OcrEngine['detectOrientation']): OcrEngine {
  let engine: OcrEngine | null = null;
  return {
    singlePass,
    ...(detectOrientation ? { detectOrientation } : {}),
    recognize(image, opts) {
      engine ??= create();
      return engine.recognize(image, opts);
    },
    async close() {
      if (engine) await engine.close();
      engine = null;
    },
  };
}

export function createOcrEngines(opts: { tesseractWorkers?: number; first?: OcrEngineName; orientation?: boolean; pageTimeoutMs?: number } = {}): OcrEngines {
  // Each pool abandons a page that takes longer than this with its worker or instance and tries
  // it once more on a fresh one: a page that hangs an engine fails alone.
  const timeout = opts.pageTimeoutMs ? { timeoutMs: opts.pageTimeoutMs } : {};
  // One OSD worker: it is asked only about doubtful readings (orientation.ts).
  const osd = opts.orientation === false ? null : lazyPool(() => createOcrPool({ size: 1, languages: ['osd'], ...timeout }));
  const detect = osd ? (image: Buffer) => osd.get().detectOrientation!(image) : undefined;
  // English first, the page's own language again when it is plainly another (ocr-lang.ts): on
  // generated fr/de/es invoice scans accented words read exactly 28 % -> 84 %, English pages
  // unchanged; all four models on every page read English worse and 2.5x slower (bench/ocr-lang.ts).
  const tesseract = lazyEngine(
    () => withLanguageChoice(createOcrPool({ languages: TESSERACT_LANGUAGES, ...(opts.tesseractWorkers ? { size: opts.tesseractWorkers } : {}), ...timeout })),
    false,
    detect,
  );
  const paddle = lazyEngine(() => createPaddlePool(timeout), true, detect);
  const [first, second] = (opts.first ?? 'paddle') === 'paddle' ? [paddle, tesseract] : [tesseract, paddle];
  return {
    first,
    second,
    close: async () => {
      await Promise.all([tesseract.close(), paddle.close(), osd?.close()]);
    },
  };
}

function lazyPool(create: () => OcrPool): { get(): OcrPool; close(): Promise<void> } {
  let pool: OcrPool | null = null;
  return {
    get: () => (pool ??= create()),
    async close() {
      if (pool) await pool.close();
      pool = null;
    },
  };
}
