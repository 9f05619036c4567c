// Documents built to exhaust memory or time: each is refused with a clear TOO_LARGE (or CORRUPT,
// UNSUPPORTED) before it costs what it declares, and a document that is merely long stops at its
// time budget with the page it reached.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { OcrEngine, OcrPage } from './ocr.ts';
import { checkPdfCost, isPdfLibNoise, PdfBudgetError } from './pdf-guard.ts';
import { DocumentReadError, readDocument } from './read.ts';
import { contentBombPdf, encryptedPdf, giantPagePdf, imageBombPdf, manyPagesPdf, pngBomb } from '../test/fixtures/hostile.ts';
import { makeCorruptPdf, makeTextPdf } from '../test/fixtures/make.ts';
import { noOcr } from './extract/testing.ts';


/** An OCR engine that takes `ms` per page and reads a line of text. */
function slowOcr(ms: number): OcrEngine & { calls: number } {
  const engine = {
    calls: 0,
    async recognize(): Promise<OcrPage> {
      engine.calls++;
      await new Promise((r) => setTimeout(r, ms));
      const box = { x: 0.1, y: 0.1, w: 0.5, h: 0.05 };
      return { width: 100, height: 100, text: 'Invoice total 10.00', confidence: 0.9, lines: [{ text: 'Invoice total 10.00', confidence: 0.9, box, words: [{ text: 'Invoice', confidence: 0.9, box }, { text: 'total', confidence: 0.9, box }, { text: '10.00', confidence: 0.9, box }] }] };
    },
    close: async () => {},
  };
  return engine;
}

async function readError(bytes: Uint8Array, opts: Partial<Parameters<typeof readDocument>[1]> = {}): Promise<DocumentReadError> {
  const err = await readDocument(bytes, { ocr: noOcr, ...opts }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentReadError);
  return err as DocumentReadError;
}

describe('PDFs that expand to gigabytes', () => {
  it('refuses a declared 40,000 × 40,000 image in a 0.5 MB file without allocating it', async () => {
    const pdf = await imageBombPdf(40_000, 40_000, 500);
    expect(pdf.length).toBeLessThan(1024 * 1024);
    const rss = process.memoryUsage().rss;
    const err = await readError(pdf);
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toBe('the PDF would take too much memory or time to read: an image is 40,000 × 40,000 pixels (1,600 Mpx), more than the 50 Mpx limit');
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
  }, 30_000);

  it('refuses a content stream that inflates to 900 MB after counting at most 64 MB of it', async () => {
    const pdf = await contentBombPdf(900);
    expect(pdf.length).toBeLessThan(1024 * 1024);
    const t0 = Date.now();
    const rss = process.memoryUsage().rss;
    const err = await readError(pdf);
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/a content stream expands to more than 64 MB \(from \d+ KB\)$/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
    expect(Date.now() - t0).toBeLessThan(10_000);
  }, 30_000);

  it('refuses a page larger than 200 inches, user unit included, and reads a poster-sized one', async () => {
    const err = await readError(await giantPagePdf(14_400, 14_400, 75_000));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/page 1 is 15,000,000 × 15,000,000 inches, larger than the 200-inch limit/);
    await expect(checkPdfCost(await giantPagePdf(14_400, 14_400))).resolves.toBeUndefined();
  });

  it('lets an ordinary text PDF through, and measures it quickly', async () => {
    const pdf = await makeTextPdf([['Invoice 1', 'Total 10.00 EUR'], ['Page 2']]);
    const t0 = performance.now();
    await checkPdfCost(pdf);
    expect(performance.now() - t0).toBeLessThan(500);
    await expect(checkPdfCost(await imageBombPdf(2000, 3000, 1))).resolves.toBeUndefined();
    await expect(checkPdfCost(await contentBombPdf(60), { maxImagePixels: 1e9, maxStreamBytes: 1e9, maxTotalStreamBytes: 10 * 1024 * 1024, maxPageSide: 14_400 })).rejects.toBeInstanceOf(PdfBudgetError);
  });
});

describe('image decompression bombs', () => {
  it('refuses a 1 KB PNG declaring 100,000 × 100,000 pixels from its header', async () => {
    const png = pngBomb(100_000, 100_000);
    expect(png.length).toBeLessThan(4096);
    expect(await readError(png)).toMatchObject({ code: 'TOO_LARGE', message: 'image is too large: Input image exceeds pixel limit' });
  });
});

describe('PDFs that are broken, locked or long', () => {
  it('gives each broken kind its own clear error', async () => {
    expect((await readError(new Uint8Array(0))).message).toBe('the file is empty');
    expect(await readError(await encryptedPdf())).toMatchObject({ code: 'UNSUPPORTED', message: 'the PDF is password-protected' });
    for (const kind of ['garbage', 'truncated', 'header-only'] as const) {
      const err = await readError(await makeCorruptPdf(kind));
      expect(err.code).toMatch(/CORRUPT|NO_TEXT/);
      expect(err.message.split('\n')).toHaveLength(1);
    }
    const pages = await readError(await manyPagesPdf(3000));
    expect(pages).toMatchObject({ code: 'TOO_LARGE', message: 'the PDF has 3000 pages, more than the limit of 200' });
  }, 60_000);

  it('stops a long scanned PDF at its time budget, naming the page it reached, and reports progress until then', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 560, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
    const pdf = await manyPagesPdf(200, jpeg);
    expect(pdf.length).toBeLessThan(200_000);
    const ocr = slowOcr(50);
    const seen: number[] = [];
    const t0 = Date.now();
    const err = await readError(pdf, { ocr, timeBudgetS: 1, onPage: (page) => seen.push(page) });
    const took = Date.now() - t0;
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/^reading stopped before page (\d+) of 200: the document took more than its 1 s time budget$/);
    const reached = Number(/page (\d+)/.exec(err.message)![1]);
    expect(reached).toBeGreaterThan(1);
    expect(reached).toBeLessThan(200);
    expect(seen).toEqual(Array.from({ length: reached - 1 }, (_, i) => i + 1));
    // The pages already given to OCR finish; nothing more starts.
    expect(took).toBeLessThan(5_000);
    expect(ocr.calls).toBeLessThanOrEqual((reached + 4) * 3); // up to 3 passes a page (contrast, enlarged re-read)
  }, 30_000);
});

describe("pdf-lib's console noise", () => {
  it('drops only its two damaged-object warnings (decoy: any other warning passes)', () => {
    expect(isPdfLibNoise('Trying to parse invalid object: {"line":22,"column":88,"offset":126})')).toBe(true);
    expect(isPdfLibNoise('Invalid object ref: 3 0 R')).toBe(true);
    expect(isPdfLibNoise('Warning: Invalid object ref in a note about something else')).toBe(false);
    expect(isPdfLibNoise('something went wrong')).toBe(false);
    expect(isPdfLibNoise({ message: 'Invalid object ref: 3 0 R' })).toBe(false);
  });
});
