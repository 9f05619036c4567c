import { PDFDocument, degrees } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { cleanText, embedFonts } from './fonts.ts';
import { stampEdge, wrapText } from './pdf-layout.ts';
import { pdfPagesText } from './testing.ts';

async function fonts() {
  const doc = await PDFDocument.create();
  return { doc, fonts: await embedFonts(doc, { fallbacks: [] }) };
}

describe('wrapText', () => {
  it('fills lines word by word and keeps paragraphs', async () => {
    const { fonts: f } = await fonts();
    const lines = wrapText(f.regular, 'one two three four five six\nseven', 10, f.regular.widthOf('one two three', 10) + 1);
    expect(lines).toEqual(['one two three', 'four five six', 'seven']);
  });

  it('cuts a word wider than the column after / - _ . first, then between characters', async () => {
    const { fonts: f } = await fonts();
    const width = f.regular.widthOf('CL-1002/fabrikam-', 10) + 1;
    const lines = wrapText(f.regular, 'CL-1002/fabrikam-invoice-scan.pdf', 10, width);
    expect(lines.join('')).toBe('CL-1002/fabrikam-invoice-scan.pdf');
    expect(lines[0]).toBe('CL-1002/fabrikam-');
    for (const l of lines) expect(f.regular.widthOf(l, 10)).toBeLessThanOrEqual(width);
    const cjk = wrapText(f.regular, '上海会展有限公司上海会展有限公司', 10, 30);
    expect(cjk.length).toBeGreaterThan(1);
    for (const l of cjk) expect(f.regular.widthOf(l, 10)).toBeLessThanOrEqual(30);
  });
});

describe('cleanText', () => {
  it('unifies line ends, turns tabs into spaces, drops invisible format characters and marks control characters', () => {
    expect(cleanText('a\r\nb\rc\td\u200be\u0007f')).toBe('a\nb\nc de\uFFFDf');
    // Decomposed accents become one character, which the font has.
    expect(cleanText('e\u0301')).toBe('é');
  });
});

describe('stampEdge', () => {
  it('writes upright along the displayed top and bottom of pages turned any way', async () => {
    const { doc, fonts: f } = await fonts();
    for (const angle of [0, 90, 180, 270]) {
      const page = doc.addPage([300, 500]);
      page.setRotation(degrees(angle));
      stampEdge(page, f.regular, `top label at ${angle}`, 'top');
      stampEdge(page, f.regular, `bottom label at ${angle}`, 'bottom', { align: 'right' });
    }
    const pages = await pdfPagesText(await doc.save());
    pages.forEach((t, i) => {
      const angle = i * 90;
      // Read as whole lines, top first: the stamps run left to right as the page is shown.
      expect(t.split('\n')).toEqual([`top label at ${angle}`, `bottom label at ${angle}`]);
    });
  });
});
