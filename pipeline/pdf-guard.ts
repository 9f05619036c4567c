// What a PDF will cost before pdf.js spends it. A PDF under 1 MB can declare a 40,000 × 40,000
// image (pdf.js allocates what is declared: 4.8 GB) or carry a content stream that inflates to a
// gigabyte of operators (minutes of parsing). Both are visible in the file's structure without
// rendering anything: image sizes are declared in their dictionaries, and a stream's inflated
// size can be counted while inflating into nothing. So the document is measured first (pdf-lib,
// which never decodes an image) and refused with a clear TOO_LARGE when it would cost more than
// a document of evidence ever needs.
import { createInflate } from 'node:zlib';
import { PDFArray, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFObject } from 'pdf-lib';

// pdf-lib reports each damaged object it skips with console.warn ("Trying to parse invalid
// object", "Invalid object ref"): raw lines on the terminal of `claimproof extract` and between
// the service's JSON log lines. The damage is the reader's to report (a CORRUPT error or nothing
// at all when pdf.js copes), so exactly those two messages are dropped; every other warning passes.
const PDF_LIB_NOISE = /^(Trying to parse invalid object: |Invalid object ref: )/;

export function isPdfLibNoise(first: unknown): boolean {
  return typeof first === 'string' && PDF_LIB_NOISE.test(first);
}

const consoleWarn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (!isPdfLibNoise(args[0])) consoleWarn(...args);
};

export interface PdfLimits {
  /** Pixels of one image (a 600-dpi A4 scan is 35 M). */
  maxImagePixels: number;
  /** Bytes one non-image stream (page content, form, font) may inflate to. */
  maxStreamBytes: number;
  /** Bytes all non-image streams together may inflate to. */
  maxTotalStreamBytes: number;
  /** Longest page side in points (PDF's own limit is 14,400: 200 inches), after /UserUnit. */
  maxPageSide: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxImagePixels: 50_000_000,
  maxStreamBytes: 64 * 1024 * 1024,
  maxTotalStreamBytes: 256 * 1024 * 1024,
  maxPageSide: 14_400,
};

export class PdfBudgetError extends Error {
  override name = 'PdfBudgetError';
}

const MB = 1024 * 1024;

function resolve(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

function num(doc: PDFDocument, obj: PDFObject | undefined): number | null {
  const v = resolve(doc, obj);
  return v instanceof PDFNumber ? v.asNumber() : null;
}

function filters(doc: PDFDocument, stream: PDFRawStream): string[] {
  const f = resolve(doc, stream.dict.get(PDFName.of('Filter')));
  const list = f instanceof PDFArray ? f.asArray().map((x) => resolve(doc, x)) : [f];
  return list.filter((x): x is PDFName => x instanceof PDFName).map((x) => x.decodeText());
}

/** Bytes `data` inflates to, counting without keeping them, stopping past `limit` (then limit + 1). Damaged data counts what came out. */
function inflatedSize(data: Uint8Array, limit: number): Promise<number> {
  return new Promise((resolvePromise) => {
    const z = createInflate();
    let n = 0;
    const done = () => resolvePromise(n);
    z.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > limit) {
        z.destroy();
        done();
      }
    });
    z.on('end', done);
    z.on('error', done);
    z.on('close', done);
    z.end(data);
  });
}

/**
 * Throws PdfBudgetError when the PDF declares an image, a page or inflated streams larger than
 * `limits`. A file pdf-lib cannot parse, one that is encrypted (its streams are ciphertext) or
 * one with more than `maxPages` pages is passed on unmeasured: pdf.js then says what is wrong
 * with it, and pdf.js's own image-size limit and the time budget still hold.
 */
export async function checkPdfCost(bytes: Uint8Array, limits: PdfLimits = DEFAULT_PDF_LIMITS, maxPages = Infinity): Promise<void> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, throwOnInvalidObject: false, updateMetadata: false });
  } catch {
    return;
  }
  // Too many pages is refused by the reader at once (pdf.js counts them without reading them).
  if (doc.isEncrypted || doc.getPageCount() > maxPages) return;

  doc.getPages().forEach((page, i) => {
    const unit = num(doc, page.node.get(PDFName.of('UserUnit'))) ?? 1;
    const { width, height } = page.getMediaBox();
    const side = Math.max(Math.abs(width), Math.abs(height)) * (unit > 0 ? unit : 1);
    if (!Number.isFinite(side) || side > limits.maxPageSide) {
      const inches = (n: number) => (Number.isFinite(n) ? Math.round(n / 72).toLocaleString('en-US') : 'an infinite');
      throw new PdfBudgetError(`page ${i + 1} is ${inches(Math.abs(width) * unit)} × ${inches(Math.abs(height) * unit)} inches, larger than the ${limits.maxPageSide / 72}-inch limit`);
    }
  });

  let total = 0;
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream)) continue;
    const isImage = resolve(doc, obj.dict.get(PDFName.of('Subtype'))) === PDFName.of('Image');
    if (isImage) {
      // pdf.js allocates the declared size, whatever the data holds.
      const w = num(doc, obj.dict.get(PDFName.of('Width'))) ?? 0;
      const h = num(doc, obj.dict.get(PDFName.of('Height'))) ?? 0;
      if (w * h > limits.maxImagePixels || !Number.isFinite(w * h)) {
        throw new PdfBudgetError(`an image is ${w.toLocaleString('en-US')} × ${h.toLocaleString('en-US')} pixels (${Math.round((w * h) / 1e6).toLocaleString('en-US')} Mpx), more than the ${limits.maxImagePixels / 1e6} Mpx limit`);
      }
      continue;
    }
    const f = filters(doc, obj);
    if (f[0] !== 'FlateDecode') {
      total += obj.contents.length;
      continue;
    }
    const size = await inflatedSize(obj.contents, Math.min(limits.maxStreamBytes, limits.maxTotalStreamBytes - total));
    if (size > limits.maxStreamBytes) throw new PdfBudgetError(`a content stream expands to more than ${limits.maxStreamBytes / MB} MB (from ${Math.ceil(obj.contents.length / 1024)} KB)`);
    total += size;
    if (total > limits.maxTotalStreamBytes) throw new PdfBudgetError(`its streams expand to more than ${limits.maxTotalStreamBytes / MB} MB`);
  }
}
