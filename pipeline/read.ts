// The reading entry point: file bytes in, a ReadDocument (pages of positioned lines) out.
// The type is taken from the content, the reader chosen by it; every failure a user can cause
// (wrong type, damaged file, nothing readable, too big) is a DocumentReadError with a code,
// so callers flag the document instead of crashing or retrying forever.

import type { DocumentErrorCode, FileType, Page, ReadDocument } from './types.ts';
import type { OcrEngine } from './ocr.ts';
import { OcrError } from './ocr.ts';
import { describeContent, detectFileType } from './detect.ts';
import { PdfReadError, pdfPageCount, readPdf, renderPdfPage } from './pdf.ts';
import { ImageReadError, imageInfo, ocrImage, renderImagePage } from './image.ts';
import { checkPdfCost, PdfBudgetError } from './pdf-guard.ts';
import { formatSize } from './file-input.ts';
import { DEFAULT_TIME_BUDGET_S } from './limits.ts';
import { imageStats, looksBlank } from './image-stats.ts';
import { judgeText } from './usable-text.ts';

export class DocumentReadError extends Error {
  override name = 'DocumentReadError';
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ReadOptions {
  ocr: OcrEngine;
  /** More pages than this is TOO_LARGE (default 200). */
  maxPages?: number;
  /** More bytes than this is TOO_LARGE (default 100 MB). */
  maxBytes?: number;
  /** Seconds the whole document may take, OCR included (default DEFAULT_TIME_BUDGET_S); past it the reading stops with TOO_LARGE. */
  timeBudgetS?: number;
  /** When the budget started (ms since the epoch); a second reading of the same document shares the first one's. Default: now. */
  startedAt?: number;
  /** Called before each page is read, for progress on long documents. */
  onPage?: (page: number, pages: number) => void;
}


export const DEFAULT_MAX_PAGES = 200;
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
const SUPPORTED = 'PDF, PNG, JPEG, TIFF or WebP';

/** The file's type by content, or a DocumentReadError('UNSUPPORTED') naming what it is instead. */
export function requireFileType(bytes: Uint8Array): FileType {
  const type = detectFileType(bytes);
  if (type) return type;
  if (bytes.length === 0) throw new DocumentReadError('UNSUPPORTED', 'the file is empty');
  throw new DocumentReadError('UNSUPPORTED', `unsupported file type: ${describeContent(bytes)} (expected ${SUPPORTED})`);
}

export async function readDocument(bytes: Uint8Array, opts: ReadOptions): Promise<ReadDocument> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  const type = requireFileType(bytes);
  if (bytes.length > maxBytes) {
    throw new DocumentReadError('TOO_LARGE', `the file is ${formatSize(bytes.length)}, more than the limit of ${formatSize(maxBytes)}`);
  }
  const budgetS = opts.timeBudgetS ?? DEFAULT_TIME_BUDGET_S;
  const deadline = (opts.startedAt ?? Date.now()) + budgetS * 1000;
  // Checked between pages: a page already being read finishes, no new one starts.
  const beforePage = (page: number, pages: number) => {
    if (Date.now() > deadline) {
      throw new DocumentReadError('TOO_LARGE', `reading stopped before page ${page} of ${pages}: the document took more than its ${budgetS} s time budget`);
    }
    opts.onPage?.(page, pages);
  };
  let doc: ReadDocument;
  try {
    if (type === 'pdf') await checkPdfCost(bytes, undefined, maxPages);
    doc = type === 'pdf' ? await readPdf(bytes, { ocr: opts.ocr, maxPages, beforePage }) : await readImage(bytes, type, opts.ocr, maxPages, beforePage);
  } catch (err) {
    throw toDocumentError(err, type);
  }
  // The picture of an OCR'd page is evidence too (a booth photo has few words); a page that is
  // one tone edge to edge adds nothing.
  if (type === 'pdf') await addPdfImageStats(bytes, doc);
  if (!judgeText(doc.pages.flatMap((p) => p.lines.flatMap((l) => l.words))).usable && !doc.pages.some((p) => p.image && !looksBlank(p.image))) {
    const how = doc.method === 'ocr' ? 'OCR found' : 'the text layer holds';
    throw new DocumentReadError('NO_TEXT', `no usable text: ${how} no dictionary word or document value on ${doc.pages.length} page(s)${doc.method === 'ocr' ? ' and the image is blank' : ''}`);
  }
  return doc;
}

/** Image statistics of the OCR'd pages of a PDF, from a thumbnail rendering (a few ms a page). */
async function addPdfImageStats(bytes: Uint8Array, doc: ReadDocument): Promise<void> {
  for (const page of doc.pages) {
    if (page.method !== 'ocr' || page.image) continue;
    page.image = await imageStats(await renderPdfPage(bytes, page.number, STATS_DPI));
  }
}

const STATS_DPI = 30;

async function readImage(bytes: Uint8Array, type: Exclude<FileType, 'pdf'>, ocr: OcrEngine, maxPages: number, beforePage: (page: number, pages: number) => void): Promise<ReadDocument> {

  const info = await imageInfo(bytes);
  if (info.pages > maxPages) {
    throw new DocumentReadError('TOO_LARGE', `the image has ${info.pages} pages, more than the limit of ${maxPages}`);
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A few pages at a time keep the pool busy without decoding a 200-page TIFF into memory at once.
  const pages: Page[] = new Array(info.pages);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, info.pages) }, async () => {
      while (next < info.pages) {
        const i = next++;
        beforePage(i + 1, info.pages);
        const [r, image] = await Promise.all([ocrImage(ocr, input, { page: i }), imageStats(input, { page: i })]);
        pages[i] = { number: i + 1, method: 'ocr', width: r.sourceWidth, height: r.sourceHeight, lines: r.lines, image };
      }
    }),
  );
  return { fileType: type, method: 'ocr', pages };
}

function toDocumentError(err: unknown, type: FileType): DocumentReadError {
  if (err instanceof DocumentReadError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof PdfBudgetError) return new DocumentReadError('TOO_LARGE', `the PDF would take too much memory or time to read: ${msg}`);
  if (err instanceof PdfReadError) {
    const code: DocumentErrorCode = err.reason === 'encrypted' ? 'UNSUPPORTED' : err.reason === 'too_large' ? 'TOO_LARGE' : 'CORRUPT';
    return new DocumentReadError(code, msg);
  }
  if (err instanceof ImageReadError) return new DocumentReadError(err.reason === 'too_large' ? 'TOO_LARGE' : 'CORRUPT', msg);
  if (err instanceof OcrError) return new DocumentReadError('READ_ERROR', msg);
  // Anything pdf.js throws past opening (a damaged page, an undecodable stream) is the file's fault.
  if (type === 'pdf') return new DocumentReadError('CORRUPT', `the PDF is damaged: ${msg}`);
  return new DocumentReadError('READ_ERROR', msg);
}

/** Number of pages of a supported file (throws DocumentReadError like readDocument). */
export async function pageCount(bytes: Uint8Array): Promise<number> {
  const type = requireFileType(bytes);
  try {
    return type === 'pdf' ? await pdfPageCount(bytes) : (await imageInfo(bytes)).pages;
  } catch (err) {
    throw toDocumentError(err, type);
  }
}

/**
 * Page `pageNumber` (1-based) of any supported file as a PNG preview: PDFs rendered at `dpi`
 * (default 110), images oriented and scaled to at most `maxWidth` pixels (default 1600).
 * A page that does not exist is a RangeError.
 */
export async function renderPagePreview(bytes: Uint8Array, pageNumber: number, opts: { dpi?: number; maxWidth?: number } = {}): Promise<Buffer> {
  const type = requireFileType(bytes);
  try {
    if (type === 'pdf') return await renderPdfPage(bytes, pageNumber, opts.dpi ?? 110);
    return await renderImagePage(bytes, pageNumber, { maxWidth: opts.maxWidth ?? 1600 });
  } catch (err) {
    if (err instanceof RangeError) throw err;
    throw toDocumentError(err, type);
  }
}

/** All text of a page, lines joined by newlines. */
export function pageText(page: Page): string {
  return page.lines.map((l) => l.text).join('\n');
}

/** All text of a document, pages (see pageText) joined by form feeds. */
export function documentText(doc: ReadDocument): string {
  return doc.pages.map(pageText).join('\f');
}
