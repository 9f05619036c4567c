import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { OcrEngine, OcrPage } from './ocr.ts';
import type { Line, ReadDocument } from './types.ts';
import { PdfReadError, pdfPageCount, readPdf, renderPdfPage } from './pdf.ts';
import { A4, expectedWordBox, layoutFixture, makeCorruptPdf, makeSearchablePdf, makeTextPdf, renderTextImage, sampleInvoice, type FixtureLine } from '../test/fixtures/make.ts';

/** An engine that must never be called: digital PDFs are read from their text layer only. */
function forbiddenOcr(): OcrEngine & { calls: number } {
  const engine = {
    calls: 0,
    async recognize(): Promise<OcrPage> {
      engine.calls++;
      throw new Error('OCR must not run on a text-layer page');
    },
    async close() {},
  };
  return engine;
}

function findWord(doc: ReadDocument, text: string, pageNumber = 1) {
  for (const line of doc.pages[pageNumber - 1]!.lines) {
    const w = line.words.find((w) => w.text === text);
    if (w) return { line, word: w };
  }
  return null;
}

describe('readPdf: text layer', () => {
  it('reads a digital invoice without OCR, every line in order', async () => {
    const { lines, truth } = sampleInvoice(1);
    const ocr = forbiddenOcr();
    const doc = await readPdf(await makeTextPdf([lines]), { ocr });
    expect(ocr.calls).toBe(0);
    expect(doc.method).toBe('text');
    expect(doc.fileType).toBe('pdf');
    expect(doc.pages).toHaveLength(1);
    const page = doc.pages[0]!;
    expect(page.method).toBe('text');
    expect(page.width).toBeCloseTo(A4.width, 1);
    expect(page.height).toBeCloseTo(A4.height, 1);
    const texts = page.lines.map((l) => l.text);
    expect(texts[0]).toBe(truth.vendor);
    expect(texts).toContain(`Invoice No: ${truth.invoiceNumber}`);
    expect(texts).toContain(`Invoice Date: ${truth.date}`);
    // Label and amount drawn far apart on the same baseline make one line, left to right.
    expect(texts).toContain(`Total ${truth.currency} ${truth.totalText}`);
    // Reading order: top to bottom.
    const tops = page.lines.map((l) => l.box.y);
    expect([...tops].sort((a, b) => a - b)).toEqual(tops);
    for (const l of page.lines) for (const w of l.words) expect(w.confidence).toBe(1);
  });

  it("puts each word's box where it was drawn (0..1, top-left origin)", async () => {
    const lines: FixtureLine[] = [
      { text: 'Invoice Number INV-77', x: 300, y: 120, size: 14 },
      { text: 'Amount due 1,234.56', x: 80, y: 700, size: 10 },
      { text: '999.00', align: 'right', y: 400, size: 12 },
    ];
    const placed = await layoutFixture(lines);
    const doc = await readPdf(await makeTextPdf([lines]), { ocr: forbiddenOcr() });
    const checks: Array<[number, string]> = [
      [0, 'INV-77'],
      [0, 'Invoice'],
      [1, '1,234.56'],
      [2, '999.00'],
    ];
    for (const [i, word] of checks) {
      const expected = expectedWordBox(placed[i]!, word)!;
      const found = findWord(doc, word);
      expect(found, word).not.toBeNull();
      const box = found!.word.box;
      expect(box.x).toBeCloseTo(expected.x, 2);
      expect(box.y).toBeCloseTo(expected.y, 2);
      expect(box.w).toBeCloseTo(expected.w, 2);
      expect(box.h).toBeCloseTo(expected.h, 2);
    }
    // The right-aligned amount ends at the right margin.
    const amount = findWord(doc, '999.00')!.word.box;
    expect(amount.x + amount.w).toBeCloseTo((A4.width - 56) / A4.width, 2);
  });

  it('sorts lines drawn out of order and splits words on whitespace', async () => {
    const doc = await readPdf(
      await makeTextPdf([
        [
          { text: 'third line', y: 300 },
          { text: 'first   line  here', y: 100 },
          { text: 'second', y: 200 },
        ],
      ]),
      { ocr: forbiddenOcr() },
    );
    const lines = doc.pages[0]!.lines;
    expect(lines.map((l) => l.text)).toEqual(['first line here', 'second', 'third line']);
    expect(lines[0]!.words.map((w) => w.text)).toEqual(['first', 'line', 'here']);
    const [a, b, c] = lines[0]!.words.map((w) => w.box);
    expect(a!.x + a!.w).toBeLessThan(b!.x);
    expect(b!.x + b!.w).toBeLessThan(c!.x);
  });

  it('joins text drawn glyph by glyph into words', async () => {
    // Some producers place every character separately; the line must still read as words.
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([A4.width, A4.height]);
    let x = 72;
    for (const ch of 'TOTAL 42.50') {
      if (ch !== ' ') page.drawText(ch, { x, y: 700, size: 12, font });
      x += font.widthOfTextAtSize(ch, 12);
    }
    const doc = await readPdf(await pdf.save(), { ocr: forbiddenOcr() });
    expect(doc.pages[0]!.lines.map((l: Line) => l.text)).toEqual(['TOTAL 42.50']);
  });

  it('keeps euro and pound signs and replaces what Helvetica cannot draw', async () => {
    const doc = await readPdf(await makeTextPdf([['Total €1.234,56', 'Fee £12.00', 'Price ₹100']]), { ocr: forbiddenOcr() });
    expect(doc.pages[0]!.lines.map((l) => l.text)).toEqual(['Total €1.234,56', 'Fee £12.00', 'Price Rs100']);
  });

  it('reads every page of a multi-page PDF and counts them', async () => {
    const bytes = await makeTextPdf([['Page one text here'], ['Page two text here'], ['Page three text here']]);
    expect(await pdfPageCount(bytes)).toBe(3);
    const doc = await readPdf(bytes, { ocr: forbiddenOcr() });
    expect(doc.pages.map((p) => [p.number, p.lines[0]?.text])).toEqual([
      [1, 'Page one text here'],
      [2, 'Page two text here'],
      [3, 'Page three text here'],
    ]);
  });

  it('measures boxes on the page as displayed when the page is rotated', async () => {
    const doc = await readPdf(await makeTextPdf([['Rotated page invoice 12345']], { rotate: 90 }), { ocr: forbiddenOcr() });
    const page = doc.pages[0]!;
    // /Rotate 90 shows an A4 portrait page as landscape.
    expect(page.width).toBeCloseTo(A4.height, 1);
    expect(page.height).toBeCloseTo(A4.width, 1);
    const box = page.lines[0]!.box;
    for (const v of [box.x, box.y, box.x + box.w, box.y + box.h]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(page.lines.map((l) => l.words.map((w) => w.text).join(' ')).join(' ')).toContain('12345');
  });

  it('refuses more pages than allowed and broken files', async () => {
    const three = await makeTextPdf([['a b c d e'], ['f g h i j'], ['k l m n o']]);
    await expect(readPdf(three, { ocr: forbiddenOcr(), maxPages: 2 })).rejects.toMatchObject({ reason: 'too_large' });
    for (const kind of ['garbage', 'truncated', 'header-only'] as const) {
      const err = await readPdf(await makeCorruptPdf(kind), { ocr: forbiddenOcr() }).catch((e: unknown) => e);
      expect(err, kind).toBeInstanceOf(PdfReadError);
      expect((err as PdfReadError).reason).toBe('corrupt');
    }
  });
});

describe('renderPdfPage', () => {
  it('renders a page to a PNG of the requested resolution', async () => {
    const bytes = await makeTextPdf([['first'], ['second page']]);
    const png = await renderPdfPage(bytes, 2, 72);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(Math.ceil(A4.width));
    expect(meta.height).toBe(Math.ceil(A4.height));
    // Something dark was drawn (the text), on white.
    const stats = await sharp(png).stats();
    expect(stats.channels[0]!.min).toBeLessThan(100);
    expect(stats.channels[0]!.max).toBe(255);
    await expect(renderPdfPage(bytes, 3, 72)).rejects.toThrow(RangeError);
  });
});

describe('readPdf: scans that carry their own OCR layer', () => {
  const truthLines: FixtureLine[] = [{ text: 'Harbor Print Ltd', size: 16 }, 'Invoice INV-2041', 'Date 12/03/2026', 'Total 1,240.00'];
  // The scanner's layer misread the total: it must not be taken as the page's text.
  const wrongLayer: FixtureLine[] = [{ text: 'Harbor Print Ltd', size: 16 }, 'Invoice INV-2041', 'Date 12/03/2026', 'Total 7,240.00'];
  const scriptedOcr = () => {
    const engine = {
      calls: 0,
      async recognize(): Promise<OcrPage> {
        engine.calls++;
        const texts = ['Harbor Print Ltd', 'Invoice INV-2041', 'Date 12/03/2026', 'Total 1,240.00'];
        const lines: Line[] = texts.map((text, i) => {
          const box = { x: 0.1, y: 0.1 + i * 0.05, w: 0.4, h: 0.02 };
          return { text, box, confidence: 0.9, words: [{ text, box, confidence: 0.9 }] };
        });
        return { width: 1000, height: 1400, lines, text: texts.join('\n'), confidence: 0.9 };
      },
      async close() {},
    };
    return engine;
  };
  const scan = () => renderTextImage(truthLines, { dpi: 100, format: 'jpeg' });

  it('OCRs a page whose text is drawn invisible over its image, keeping the layer as a reading', async () => {
    const ocr = scriptedOcr();
    const doc = await readPdf(await makeSearchablePdf([await scan()], [wrongLayer], { invisible: true }), { ocr });
    expect(ocr.calls).toBeGreaterThan(0);
    expect(doc.method).toBe('ocr');
    expect(doc.pages[0]!.lines.map((l) => l.text)).toContain('Total 1,240.00');
    expect(doc.embeddedOcr?.[0]?.lines.map((l) => l.text)).toContain('Total 7,240.00');
  });

  it('OCRs a scan whose invisible layer is long enough to pass for a digital page', async () => {
    const ocr = scriptedOcr();
    const { lines } = sampleInvoice(5);
    const doc = await readPdf(await makeSearchablePdf([await scan()], [lines], { invisible: true }), { ocr });
    expect(ocr.calls).toBeGreaterThan(0);
    expect(doc.method).toBe('ocr');
    expect(doc.embeddedOcr?.[0]?.lines.length).toBeGreaterThan(5);
  });

  it('treats visible text lying over a full-page image the same way', async () => {
    const ocr = scriptedOcr();
    const doc = await readPdf(await makeSearchablePdf([await scan()], [wrongLayer], { invisible: false }), { ocr });
    expect(doc.method).toBe('ocr');
    expect(doc.embeddedOcr).toHaveLength(1);
  });

  it('keeps a digital page with a small logo image on the text path (decoy)', async () => {
    const logo = await sharp({ create: { width: 120, height: 60, channels: 3, background: '#3366cc' } }).png().toBuffer();
    const { lines } = sampleInvoice(3);
    const pdf = await PDFDocument.load(await makeTextPdf([lines]));
    const img = await pdf.embedPng(logo);
    pdf.getPage(0).drawImage(img, { x: 400, y: 760, width: 120, height: 60 });
    const ocr = forbiddenOcr();
    const doc = await readPdf(await pdf.save(), { ocr });
    expect(ocr.calls).toBe(0);
    expect(doc.method).toBe('text');
    expect(doc.embeddedOcr).toBeUndefined();
  });
});
