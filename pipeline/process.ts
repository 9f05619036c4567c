// One evidence file end to end: read (text layer or OCR), then extract. Expected failures
// (unsupported, corrupt, no text) are values on the result, so a batch goes on past them.
import { createHash } from 'node:crypto';
import { extract, mergeExtractions } from './extract/index.ts';
import { decideWithOtherFields } from './extract/vote.ts';
import type { OcrEngine } from './ocr.ts';
import { DEFAULT_MAX_BYTES, DocumentReadError, documentText, readDocument } from './read.ts';
import { FileInputError, readRegularFile } from './file-input.ts';
import { detectFileType } from './detect.ts';
import { imageInfo } from './image.ts';
import type { DocumentErrorCode, Extraction, ProcessedDocument, ReadDocument } from './types.ts';

export interface ProcessOptions {
  /** The engine that reads every OCR'd page first. */
  ocr: OcrEngine;
  /**
   * The other engine, read only for documents whose total or date came out doubtful; its
   * reading is merged field by field. Without it the second reading is the first engine with
   * automatic page layout.
   */
  secondOcr?: OcrEngine;
  /** Swap the two engines for page scans (isPageScan): `secondOcr` reads them first. */
  pageScansFirst?: boolean;
  localeHint?: 'dmy' | 'mdy' | null;
  maxPages?: number;
  /** Seconds for the whole document, both readings together (read.ts DEFAULT_TIME_BUDGET_S). */
  timeBudgetS?: number;
  /** Progress: called before each page of each reading. */
  onPage?: (page: number, pages: number) => void;
  /** Reads the bytes with one engine (default readDocument); the benchmarks pass one that caches readings. */
  read?: typeof readDocument;
}

/** Evidence files larger than this are refused rather than read into memory (the reader's own limit). */
export const MAX_FILE_BYTES = DEFAULT_MAX_BYTES;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The result for a file that could not be read: nothing extracted, the reason kept. */
export function failedDocument(file: string, code: DocumentErrorCode, message: string, content: { sha256?: string; size?: number } = {}): ProcessedDocument {
  return { file, sha256: content.sha256 ?? '', size: content.size ?? 0, fileType: null, status: 'failed', error: { code, message }, method: null, pages: 0, extraction: null, text: '' };
}

const AUTO_LAYOUT_PSM = 3;
const SECOND_READING_BELOW = 0.6;
/**
 * How much a scanner's own OCR layer counts in the vote against our readings: enough to confirm
 * a value or break a tie, not to outvote a confident reading (such layers held the true total on
 * about 70 % of real scans, issue 9).
 */
export const EMBEDDED_LAYER_WEIGHT = 0.6;

/** The document as its scanned pages' own OCR layers read it (other pages as they are). */
export function embeddedReading(doc: ReadDocument): ReadDocument | null {
  if (!doc.embeddedOcr?.length) return null;
  const byNumber = new Map(doc.embeddedOcr.map((p) => [p.number, p]));
  return { fileType: doc.fileType, method: 'ocr', pages: doc.pages.map((p) => byNumber.get(p.number) ?? p) };
}

/**
 * An OCR'd evidence document whose total, date or currency came out missing or doubtful. A date
 * that is only doubtful because its day/month order is open (it carries alternatives) is not a
 * reading problem, and a POE has no total to find. A total with no currency is a reading problem
 * too: the first engine may have no glyph for the symbol printed with it (Paddle has no €).
 */
export function needsSecondReading(e: Extraction): boolean {
  if (e.kind === 'poe' || e.kind === 'other') return false;
  const amount = e.fields.amount;
  const date = e.fields.date;
  const weakAmount = !amount || amount.confidence < SECOND_READING_BELOW;
  const weakDate = !date || (date.confidence < SECOND_READING_BELOW && !date.alternatives?.length);
  const noCurrency = !!amount && !e.fields.currency;
  return weakAmount || weakDate || noCurrency;
}

function withPsm(engine: OcrEngine, psm: number): OcrEngine {
  return {
    recognize: (image, o) => engine.recognize(image, { ...o, psm }),
    close: () => engine.close(),
  };
}

/**
 * Whether a file is a page scan (A4/Letter-sized: a PDF, or an image whose density or shape says
 * so) rather than a receipt or a photo. bench:ocr, 8 generated A4 invoice scans: both engines
 * read all 32 fields, tesseract.js in half Paddle's time; SROIE receipts: Paddle reads more
 * (README). So page scans are read by tesseract.js first and receipts and photos by Paddle.
 */
export async function isPageScan(bytes: Uint8Array): Promise<boolean> {
  const type = detectFileType(bytes);
  if (type === 'pdf') return true;
  if (!type) return false;
  const info = await imageInfo(bytes).catch(() => null);
  if (!info) return false;
  const long = Math.max(info.width, info.height);
  const short = Math.min(info.width, info.height);
  if (info.density) return short / info.density >= 5.5;
  return long / short > 1.29 && long / short < 1.55 && long >= 2000;
}

export async function processBytes(file: string, bytes: Uint8Array, opts: ProcessOptions): Promise<ProcessedDocument> {
  const base = { file, sha256: sha256(bytes), size: bytes.length };
  if (opts.secondOcr && opts.pageScansFirst && (await isPageScan(bytes))) opts = { ...opts, ocr: opts.secondOcr, secondOcr: opts.ocr };
  try {
    const readOpts = { ...(opts.maxPages ? { maxPages: opts.maxPages } : {}), timeBudgetS: opts.timeBudgetS, startedAt: Date.now(), onPage: opts.onPage };
    const read = opts.read ?? readDocument;
    const doc = await read(bytes, { ocr: opts.ocr, ...readOpts });
    const exOpts = { localeHint: opts.localeHint ?? null };
    const docs = [doc];
    const readings = [extract(doc, exOpts)];
    const weights = [1];
    const layer = embeddedReading(doc);
    if (layer) {
      docs.push(layer);
      readings.push(extract(layer, exOpts));
      weights.push(EMBEDDED_LAYER_WEIGHT);
    }
    // Readings that differ by a digit are decided by the document's other fields (vote.ts).
    const decide = () => decideWithOtherFields(mergeExtractions(readings, weights), docs);
    let extraction = decide();
    if (doc.method === 'ocr' && needsSecondReading(extraction)) {
      // A second reading, merged field by field: where the readings agree confidence rises,
      // where they differ the more confident value wins and the other is kept as an alternative.
      const second = opts.secondOcr ?? withPsm(opts.ocr, AUTO_LAYOUT_PSM);
      const again = await read(bytes, { ocr: second, ...readOpts }).catch(() => null);
      if (again) {
        docs.push(again);
        readings.push(extract(again, exOpts));
        weights.push(1);
        extraction = decide();
      }
    }
    return {
      ...base,
      fileType: doc.fileType,
      status: 'done',
      error: null,
      method: doc.method,
      pages: doc.pages.length,
      extraction,
      text: documentText(doc),
    };
  } catch (err) {
    if (!(err instanceof DocumentReadError)) throw err;
    return failedDocument(file, err.code, err.message, base);
  }
}

export async function processFile(filePath: string, opts: ProcessOptions, displayName = filePath): Promise<ProcessedDocument> {
  // Checked on the open file before reading: a FIFO or a 3 GB file is a failed document, not a hang or a crash.
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(filePath, MAX_FILE_BYTES);
  } catch (err) {
    if (!(err instanceof FileInputError)) throw err;
    return failedDocument(displayName, err.code, err.message);
  }
  return processBytes(displayName, bytes, opts);
}
