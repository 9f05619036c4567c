import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { zipSync } from 'fflate';
import { createOcrPool, type OcrEngine, type OcrPage } from './ocr.ts';
import type { DocumentErrorCode, ReadDocument } from './types.ts';
import { DocumentReadError, documentText, pageCount, pageText, readDocument, renderPagePreview } from './read.ts';
import { ocrImage } from './image.ts';
import { fullPageJpeg } from './pdf.ts';
import {
  makeCorruptPdf,
  makeMixedPdf,
  makeMultiPageTiff,
  makeScannedPdf,
  makeTextPdf,
  renderTextImage,
  sampleInvoice,
  type FixtureLine,
} from '../test/fixtures/make.ts';

// One pool for the file; OCR pages are few and small because the CPU is shared.
const pool = createOcrPool({ size: 2 });
afterAll(() => pool.close());

const forbiddenOcr: OcrEngine = {
  async recognize(): Promise<OcrPage> {
    throw new Error('OCR must not run');
  },
  async close() {},
};

const receipt = { width: 227, height: 340 };
const receiptLines = (n: string, total: string): FixtureLine[] => [
  { text: 'CORNER CAFE SDN BHD', bold: true, size: 12 },
  'No 12 Jalan Ampang',
  'Date: 14/03/2026 10:22',
  `Receipt: ${n}`,
  'Latte 2 x 12.50  25.00',
  { text: `TOTAL RM ${total}`, bold: true, size: 12 },
];

async function readError(bytes: Uint8Array, opts: Partial<Parameters<typeof readDocument>[1]> = {}): Promise<DocumentReadError> {
  const err = await readDocument(bytes, { ocr: forbiddenOcr, ...opts }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DocumentReadError);
  return err as DocumentReadError;
}

/** The text of the whole document holds every one of `values`. */
function expectText(doc: ReadDocument, ...values: string[]): void {
  const text = documentText(doc);
  for (const v of values) expect(text).toContain(v);
}

/** The first page reads upright (taller than wide): the turned image was turned back. */
function expectUpright(doc: ReadDocument): void {
  const page = doc.pages[0]!;
  expect(page.height).toBeGreaterThan(page.width);
}

describe('readDocument: PDFs', () => {
  it('reads a digital PDF from its text layer only', async () => {
    const { lines, truth } = sampleInvoice(2);
    const doc = await readDocument(await makeTextPdf([lines]), { ocr: forbiddenOcr });
    expect(doc).toMatchObject({ fileType: 'pdf', method: 'text' });
    expectText(doc, truth.invoiceNumber);
  });

  it('OCRs a scanned invoice (one full-page image per page) and finds its values', async () => {
    const { lines, truth } = sampleInvoice(5);
    const scan = await renderTextImage(lines, { dpi: 200, format: 'jpeg', noise: true });
    const doc = await readDocument(await makeScannedPdf([scan]), { ocr: pool });
    expect(doc).toMatchObject({ fileType: 'pdf', method: 'ocr' });
    expect(doc.pages[0]!.method).toBe('ocr');
    expectText(doc, truth.invoiceNumber, truth.date, truth.totalText, truth.vendor);
    // Boxes are fractions of the page: the vendor name is in the top left quarter.
    const vendorLine = doc.pages[0]!.lines.find((l) => l.text.includes(truth.vendor.split(' ')[0]!))!;
    expect(vendorLine.box.x).toBeLessThan(0.25);
    expect(vendorLine.box.y).toBeLessThan(0.15);
  });

  it('takes the JPEG out of a sideways scanned page and turns it by the page rotation', async () => {
    // Stored turned 270° clockwise, displayed upright through /Rotate 90.
    const scan = await renderTextImage(receiptLines('R-64001', '57.35'), { page: receipt, dpi: 200, format: 'jpeg', rotate: 270, exif: false });
    const bytes = await makeScannedPdf([scan], { rotate: 90 });
    const lib = await PDFDocument.load(bytes);
    const found = fullPageJpeg(lib.getPage(0));
    expect(found).not.toBeNull();
    expect(found!.rotate).toBe(90);
    expect(found!.dpi).toBeCloseTo(200, 0);
    expect(Buffer.from(found!.jpeg).equals(scan)).toBe(true);
    const doc = await readDocument(bytes, { ocr: pool });
    expectUpright(doc);
    expectText(doc, 'R-64001', '57.35');
  });

  it('renders and OCRs a scanned page whose image does not cover it', async () => {
    // A receipt scanned onto the middle of a page: the image is not the page, pdf.js renders it.
    const image = await renderTextImage(receiptLines('R-55120', '41.70'), { page: receipt, dpi: 200, format: 'png' });
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595.28, 841.89]);
    const png = await pdf.embedPng(image);
    page.drawImage(png, { x: 150, y: 300, width: receipt.width, height: receipt.height });
    const bytes = await pdf.save();
    expect(fullPageJpeg((await PDFDocument.load(bytes)).getPage(0))).toBeNull();
    const doc = await readDocument(bytes, { ocr: pool });
    expect(doc.method).toBe('ocr');
    expectText(doc, 'R-55120', '41.70');
    // The receipt sits right of x = 150pt: its lines start there, not at the page edge.
    expect(doc.pages[0]!.lines[0]!.box.x).toBeGreaterThan(150 / 595.28 - 0.02);
  });

  it('reads a mixed PDF page by page: text layer where there is one, OCR elsewhere', async () => {
    const scan = await renderTextImage(receiptLines('R-90017', '18.25'), { page: receipt, dpi: 200, format: 'jpeg' });
    const doc = await readDocument(await makeMixedPdf([['Cover letter for claim C-1', 'Attached: receipt'], scan]), { ocr: pool });
    expect(doc.method).toBe('ocr');
    expect(doc.pages.map((p) => p.method)).toEqual(['text', 'ocr']);
    expect(doc.pages[0]!.lines[0]!.text).toBe('Cover letter for claim C-1');
    expect(pageText(doc.pages[1]!)).toContain('R-90017');
    expect(documentText(doc).split('\f')).toHaveLength(2);
  });
});

describe('readDocument: images', () => {
  it('reads every page of a multi-page TIFF', async () => {
    const a = await renderTextImage(receiptLines('R-10001', '11.10'), { page: receipt, dpi: 200 });
    const b = await renderTextImage(receiptLines('R-20002', '22.20'), { page: receipt, dpi: 200 });
    const doc = await readDocument(await makeMultiPageTiff([a, b]), { ocr: pool });
    expect(doc).toMatchObject({ fileType: 'tiff', method: 'ocr' });
    expect(doc.pages.map((p) => p.number)).toEqual([1, 2]);
    expect(pageText(doc.pages[0]!)).toContain('R-10001');
    expect(pageText(doc.pages[1]!)).toContain('R-20002');
    expect(pageText(doc.pages[1]!)).toContain('22.20');
  });

  it('turns a sideways phone photo (EXIF orientation) upright before reading it', async () => {
    const photo = await renderTextImage(receiptLines('R-31415', '27.80'), { page: receipt, dpi: 200, rotate: 90, format: 'jpeg', noise: true });
    const doc = await readDocument(photo, { ocr: pool });
    expect(doc.fileType).toBe('jpeg');
    expectUpright(doc);
    expectText(doc, 'R-31415', '27.80');
  });

  it('reads a WebP', async () => {
    const webp = await renderTextImage(receiptLines('R-27182', '9.95'), { page: receipt, dpi: 200, format: 'webp' });
    const doc = await readDocument(webp, { ocr: pool });
    expect(doc.fileType).toBe('webp');
    expectText(doc, 'R-27182');
  });

  it('reads small print (a low-resolution screenshot) a second time enlarged', async () => {
    const { lines, truth } = sampleInvoice(7);
    const shot = await renderTextImage(lines, { width: 600 }); // ~9 px tall words
    const r = await ocrImage(pool, shot);
    expect(r.sourceWidth).toBe(600);
    expect(r.width).toBeGreaterThan(600 * 1.4);
    expect(r.confidence).toBeGreaterThan(0.9);
    expect(r.text).toContain(truth.invoiceNumber);
    expect(r.text).toContain(truth.totalText);
  });

  it('rescues a faded, shadowed receipt with the contrast pass', async () => {
    const faint = await renderTextImage(receiptLines('R-88213', '33.90'), { page: receipt, dpi: 200, faint: true, format: 'jpeg' });
    // With automatic page layout (PSM 3, the second reading of pipeline/process.ts) the plain
    // pass reads next to nothing of this page, so the contrast pass must take over.
    const auto = createOcrPool({ size: 1, psm: 3 });
    try {
      const rescued = await ocrImage(auto, faint);
      expect(rescued.variant).toBe('contrast');
      expect(rescued.text).toContain('33.90');
      expect(rescued.text).toContain('R-88213');
    } finally {
      await auto.close();
    }
  });
});

describe('readDocument: errors', () => {
  it('names what an unsupported file is', async () => {
    const heic = Uint8Array.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0]);
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(0), /empty/],
      [new TextEncoder().encode('not really a pdf, just text'), /plain text/],
      [zipSync({ 'a.pdf': await makeTextPdf([['x']]) }), /ZIP/],
      [heic, /HEIC/],
    ];
    for (const [bytes, message] of cases) {
      const err = await readError(bytes);
      expect(err.code).toBe('UNSUPPORTED');
      expect(err.message).toMatch(message);
    }
  });

  it('reports damaged files as CORRUPT', async () => {
    const brokenPng = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);
    const brokenJpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
    const inputs: Uint8Array[] = [await makeCorruptPdf('garbage'), await makeCorruptPdf('truncated'), await makeCorruptPdf('header-only'), brokenPng, brokenJpeg];
    const codes: DocumentErrorCode[] = [];
    for (const bytes of inputs) codes.push((await readError(bytes)).code);
    expect(codes).toEqual(['CORRUPT', 'CORRUPT', 'CORRUPT', 'CORRUPT', 'CORRUPT']);
  });

  it('refuses files over the size or page limits as TOO_LARGE', async () => {
    const pdf = await makeTextPdf([['page one words'], ['page two words'], ['page three words']]);
    expect((await readError(pdf, { maxBytes: 100 })).code).toBe('TOO_LARGE');
    expect((await readError(pdf, { maxPages: 2 })).code).toBe('TOO_LARGE');
    const page = await renderTextImage([], { page: { width: 100, height: 100 }, dpi: 72 });
    expect((await readError(await makeMultiPageTiff([page, page, page]), { maxPages: 2 })).code).toBe('TOO_LARGE');
  });

  it('reports a document with nothing readable as NO_TEXT', async () => {
    // A digital PDF with blank pages needs no OCR to know that.
    expect((await readError(await makeTextPdf([[], []]))).code).toBe('NO_TEXT');
    const blank = await renderTextImage([], { page: { width: 200, height: 150 }, dpi: 100, noise: true });
    const err = await readDocument(blank, { ocr: pool }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentReadError);
    expect((err as DocumentReadError).code).toBe('NO_TEXT');
  });
});

describe('pageCount and renderPagePreview', () => {
  it('count and preview pages of PDFs and TIFFs', async () => {
    const pdf = await makeTextPdf([['one'], ['two']]);
    expect(await pageCount(pdf)).toBe(2);
    const png = await renderPagePreview(pdf, 2, { dpi: 50 });
    expect((await sharp(png).metadata()).format).toBe('png');
    const small = { page: { width: 100, height: 80 }, dpi: 72 } as const;
    const tiff = await makeMultiPageTiff([await renderTextImage(['a'], small), await renderTextImage(['b'], small)]);
    expect(await pageCount(tiff)).toBe(2);
    expect((await sharp(await renderPagePreview(tiff, 2)).metadata()).width).toBe(100);
    await expect(renderPagePreview(tiff, 5)).rejects.toThrow(RangeError);
    await expect(pageCount(new TextEncoder().encode('hello'))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
