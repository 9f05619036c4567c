// End to end through real files: generated PDFs read by pipeline/read.ts, then extracted; and
// one rendered image through the OCR pool.
import { afterAll, describe, expect, it } from 'vitest';
import { makeTextPdf, renderTextImage, sampleInvoice, type FixtureLine } from '../../test/fixtures/make.ts';
import { createOcrPool, type OcrEngine } from '../ocr.ts';
import { readDocument } from '../read.ts';
import { extract } from './index.ts';
import { noOcr } from './testing.ts';

/** Text-layer PDFs never reach OCR; an engine that fails proves it. */

describe('generated text-layer invoices', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('sample invoice %i: every field as generated', async (seed) => {
    const { lines, truth } = sampleInvoice(seed);
    const doc = await readDocument(await makeTextPdf([lines]), { ocr: noOcr });
    const ex = extract(doc);
    expect(ex.kind).toBe('invoice');
    expect(ex.fields.vendor?.value).toBe(truth.vendor);
    expect(ex.fields.amount?.value).toBe(truth.totalMinor);
    expect(ex.fields.currency?.value).toBe(truth.currency);
    expect(ex.fields.date?.value).toBe(truth.date);
    expect(ex.fields.invoiceNumber?.value).toBe(truth.invoiceNumber);
    expect(ex.fields.amount!.page).toBe(1);
    expect(ex.fields.amount!.box!.y).toBeGreaterThan(0.3);
  });

  it('reads a European invoice with decoys in a PDF', async () => {
    const right = 595.28 - 56;
    const lines: FixtureLine[] = [
      { text: 'FACTUUR', size: 16, bold: true },
      { text: 'Bluebird Audio B.V.', x: 380, y: 70, size: 13, bold: true },
      { text: 'Weena 664, 3012 CN Rotterdam', x: 380, y: 86 },
      { text: 'Pino Klant', y: 150 },
      { text: 'Sessamestreet 32, 1025 RX Amsterdam', y: 165 },
      { text: 'Factuurnummer: 993548900', y: 210 },
      { text: 'Klantnummer: 6669263', y: 225 },
      { text: 'Ordernummer: 12572103', y: 240 },
      { text: 'Factuurdatum: 19 april 2014', y: 255 },
      { text: 'Orderdatum: 18 april 2014', y: 270 },
      { text: 'Vervaldatum: 3 mei 2014', y: 285 },
      { text: 'Artikel', y: 330, bold: true },
      { text: 'Prijs incl. BTW', y: 330, x: right, align: 'right', bold: true },
      { text: 'Koptelefoon', y: 350 },
      { text: '€ 399,00', y: 350, x: right, align: 'right' },
      { text: 'Luidspreker set', y: 368 },
      { text: '€ 1.318,97', y: 368, x: right, align: 'right' },
      { text: 'Exclusief BTW', y: 400, x: 330 },
      { text: '€ 1.419,81', y: 400, x: right, align: 'right' },
      { text: 'BTW 21%', y: 418, x: 330 },
      { text: '€ 298,16', y: 418, x: right, align: 'right' },
      { text: 'Totaal', y: 440, x: 330, bold: true },
      { text: '€ 1.717,97', y: 440, x: right, align: 'right', bold: true },
    ];
    const ex = extract(await readDocument(await makeTextPdf([lines]), { ocr: noOcr }));
    expect(ex.fields.vendor?.value).toBe('Bluebird Audio B.V.');
    expect(ex.fields.amount?.value).toBe(171797);
    expect(ex.fields.currency?.value).toBe('EUR');
    expect(ex.fields.date?.value).toBe('2014-04-19');
    expect(ex.fields.invoiceNumber?.value).toBe('993548900');
  });

  it('reads a CSR PDF line by line', async () => {
    const right = 595.28 - 56;
    const row = (y: number, d: string, h: string, r: string, a: string): FixtureLine[] => [
      { text: d, y },
      { text: h, x: 300, y },
      { text: r, x: 380, y },
      { text: a, x: right, y, align: 'right' },
    ];
    const lines: FixtureLine[] = [
      { text: 'Certification Statement and Report', size: 16, bold: true },
      { text: 'Partner: Contoso Channel Solutions Ltd', y: 100 },
      { text: 'Programme: Cloud Co-op Fund 2026', y: 116 },
      { text: 'Activity: Partner webinar series, usage period 2026-01-01 to 2026-03-31', y: 132 },
      ...row(180, 'Description', 'Hours', 'Rate', 'Amount'),
      ...row(200, 'Content preparation', '10', '85.00', '850.00'),
      ...row(218, 'Webinar delivery', '6', '120.00', '720.00'),
      ...row(236, 'Follow-up emails', '4', '85.00', '400.00'),
      { text: 'Total', y: 262, bold: true },
      { text: 'USD 1,970.00', x: right, y: 262, align: 'right', bold: true },
      { text: 'I certify that the activities above were performed in-house by our staff.', y: 300 },
      { text: 'Signed: J. Smith, Marketing Director   Date: 2026-04-03', y: 320 },
    ];
    const ex = extract(await readDocument(await makeTextPdf([lines]), { ocr: noOcr }));
    expect(ex.kind).toBe('csr');
    expect(ex.fields.vendor?.value).toBe('Contoso Channel Solutions Ltd');
    expect(ex.fields.currency?.value).toBe('USD');
    expect(ex.csr?.statedTotalMinor).toBe(197000);
    expect(ex.csr?.lines.map((l) => [l.description, l.hours, l.rateMinor, l.amountMinor])).toEqual([
      ['Content preparation', 10, 8500, 85000],
      ['Webinar delivery', 6, 12000, 72000],
      ['Follow-up emails', 4, 8500, 40000],
    ]);
  });
});

describe('a rendered invoice image through OCR', () => {
  const pool = createOcrPool({ size: 1 });
  afterAll(() => pool.close());

  it('extracts the fields of sample invoice 3 from pixels', async () => {
    const { lines, truth } = sampleInvoice(3);
    const png = await renderTextImage(lines, { dpi: 200 });
    const doc = await readDocument(png, { ocr: pool });
    expect(doc.method).toBe('ocr');
    const ex = extract(doc);
    expect(ex.fields.amount?.value).toBe(truth.totalMinor);
    expect(ex.fields.date?.value).toBe(truth.date);
    expect(ex.fields.invoiceNumber?.value).toBe(truth.invoiceNumber);
    expect(ex.fields.vendor?.value).toBe(truth.vendor);
  }, 120_000);
});
