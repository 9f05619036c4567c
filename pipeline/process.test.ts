import { afterAll, describe, expect, it } from 'vitest';
import { makeCorruptPdf, makeScannedPdf, makeSearchablePdf, renderTextImage, type FixtureLine } from '../test/fixtures/make.ts';
import { createOcrPool, type OcrEngine } from './ocr.ts';
import { isPageScan, needsSecondReading, processBytes } from './process.ts';
import type { Extraction, Field } from './types.ts';

const pool = createOcrPool({ size: 2 });
afterAll(() => pool.close());

const receipt = { width: 227, height: 340 };
const lines: FixtureLine[] = [
  { text: 'CORNER CAFE SDN BHD', bold: true, size: 12 },
  'No 12 Jalan Ampang',
  'Date: 14/03/2026 10:22',
  'Receipt: R-88213',
  'Latte 2 x 12.50  25.00',
  'Cake 1 x 8.90  8.90',
  { text: 'TOTAL RM 33.90', bold: true, size: 12 },
];

const field = <T>(value: T, confidence: number, extra: Partial<Field<T>> = {}): Field<T> => ({ value, confidence, page: 1, box: null, ...extra });
const ex = (kind: Extraction['kind'], amount: Field<number> | null, date: Field<string> | null, currency: Field<string> | null = field('EUR', 0.9)): Extraction => ({
  kind,
  kindConfidence: 0.9,
  fields: { vendor: null, amount, currency, date, invoiceNumber: null },
  csr: null,
});

describe('needsSecondReading', () => {
  it('asks again for a missing or doubtful total or date, not for an open day/month order or a POE', () => {
    expect(needsSecondReading(ex('invoice', field(3390, 0.9), field('2026-03-14', 0.9)))).toBe(false);
    expect(needsSecondReading(ex('invoice', null, field('2026-03-14', 0.9)))).toBe(true);
    expect(needsSecondReading(ex('invoice', field(3390, 0.4), field('2026-03-14', 0.9)))).toBe(true);
    expect(needsSecondReading(ex('invoice', field(3390, 0.9), field('2026-03-04', 0.4)))).toBe(true);
    expect(needsSecondReading(ex('invoice', field(3390, 0.9), field('2026-03-04', 0.4, { alternatives: ['2026-04-03'] })))).toBe(false);
    expect(needsSecondReading(ex('poe', null, null))).toBe(false);
  });
  it('asks again for a total read without any currency (the first engine may lack the symbol)', () => {
    expect(needsSecondReading(ex('invoice', field(3390, 0.9), field('2026-03-14', 0.9), null))).toBe(true);
    expect(needsSecondReading(ex('invoice', null, field('2026-03-14', 0.9), null))).toBe(true);
    expect(needsSecondReading(ex('poe', field(3390, 0.9), field('2026-03-14', 0.9), null))).toBe(false);
  });
});

describe('processBytes', () => {
  it('reads a faded receipt: a second reading rescues the total the first one missed', async () => {
    const faint = await renderTextImage(lines, { page: receipt, dpi: 200, faint: true, format: 'jpeg' });
    const doc = await processBytes('faint.jpg', faint, { ocr: pool });
    expect(doc.status).toBe('done');
    expect(doc.method).toBe('ocr');
    expect(doc.extraction?.fields.amount?.value).toBe(3390);
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);

  it('turns a broken file into a failed result instead of throwing', async () => {
    const refuse: OcrEngine = { recognize: () => Promise.reject(new Error('no OCR expected')), close: async () => {} };
    const doc = await processBytes('broken.pdf', await makeCorruptPdf('garbage'), { ocr: refuse });
    expect(doc.status).toBe('failed');
    expect(doc.error?.code).toMatch(/CORRUPT|UNSUPPORTED/);
    expect(doc.extraction).toBeNull();
  });
});

describe('processBytes: a scan with its own OCR layer', () => {
  const page: FixtureLine[] = [{ text: 'Harbor Print Ltd', size: 16 }, 'Invoice INV-2041', 'Date 12/03/2026', 'Subtotal 1,000.00', 'VAT 240.00', 'Total EUR 1,240.00'];
  const layer = (total: string): FixtureLine[] => [{ text: 'Harbor Print Ltd', size: 16 }, 'Invoice INV-2041', 'Date 12/03/2026', `Total EUR ${total}`];
  /** An engine that reads `texts` whatever the image, as our OCR of the page would. */
  const reads = (texts: string[]): OcrEngine => ({
    async recognize() {
      const lines = texts.map((text, i) => {
        const box = { x: 0.1, y: 0.1 + i * 0.06, w: 0.5, h: 0.02 };
        return { text, box, confidence: 0.9, words: text.split(' ').map((t, k) => ({ text: t, confidence: 0.9, box: { ...box, x: 0.1 + k * 0.1, w: 0.09 } })) };
      });
      return { width: 1000, height: 1400, lines, text: texts.join('\n'), confidence: 0.9 };
    },
    close: async () => {},
  });
  const ourReading = ['Harbor Print Ltd', 'Invoice INV-2041', 'Date 12/03/2026', 'Subtotal 1,000.00', 'VAT 240.00', 'Total EUR 1,240.00'];

  it('takes the total from our OCR, not from a wrong layer, and keeps the layer as an alternative', async () => {
    const image = await renderTextImage(page, { dpi: 100, format: 'jpeg' });
    const pdf = await makeSearchablePdf([image], [layer('7,240.00')]);
    const doc = await processBytes('scan.pdf', pdf, { ocr: reads(ourReading) });
    expect(doc.method).toBe('ocr');
    expect(doc.extraction?.fields.amount?.value).toBe(124000);
    expect(doc.extraction?.fields.amount?.alternatives).toContain(724000);
  });

  it('lets an agreeing layer raise the confidence, with nothing left as an alternative', async () => {
    const image = await renderTextImage(page, { dpi: 100, format: 'jpeg' });
    const alone = await processBytes('scan.pdf', await makeScannedPdf([image]), { ocr: reads(ourReading) });
    const agreed = await processBytes('scan.pdf', await makeSearchablePdf([image], [layer('1,240.00')]), { ocr: reads(ourReading) });
    expect(agreed.extraction?.fields.amount?.value).toBe(124000);
    expect(agreed.extraction!.fields.amount!.confidence).toBeGreaterThan(alone.extraction!.fields.amount!.confidence);
    expect(agreed.extraction?.fields.amount?.alternatives).toBeUndefined();
  });
});

describe('isPageScan', () => {
  it('takes PDFs and A4-sized scans for page scans', async () => {
    expect(await isPageScan(await makeScannedPdf([await renderTextImage(['Total 1.00'], { dpi: 72, format: 'jpeg' })]))).toBe(true);
    expect(await isPageScan(await renderTextImage(['Total 1.00'], { dpi: 200, format: 'jpeg' }))).toBe(true);
  });
  it('takes receipts and small photos for what they are (decoys)', async () => {
    expect(await isPageScan(await renderTextImage(lines, { page: receipt, dpi: 200, format: 'jpeg' }))).toBe(false);
    expect(await isPageScan(await renderTextImage(['Total 1.00'], { width: 800, format: 'png' }))).toBe(false);
  });
});
