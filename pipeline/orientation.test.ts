import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { mayBeTurned, readsBetterTurned } from './orientation.ts';
import { createOcrPool, type OcrEngine } from './ocr.ts';
import { ocrImage } from './image.ts';
import type { Line } from './types.ts';
import { renderTextImage } from '../test/fixtures/make.ts';

function reading(text: string): { lines: Line[] } {
  const box = { x: 0, y: 0, w: 0.1, h: 0.02 };
  return { lines: text.split('\n').map((t) => ({ text: t, box, confidence: 0.9, words: t.split(/\s+/).filter(Boolean).map((w) => ({ text: w, confidence: 0.9, box })) })) };
}

describe('mayBeTurned', () => {
  it('doubts a reading of fragments, and a reading of nothing', () => {
    expect(mayBeTurned(reading('iiil ,\'|1 =: tlrn aewq Ssp ;. ~ lIl vvmr ocrt'))).toBe(true);
    expect(mayBeTurned(reading(''))).toBe(true);
  });

  it('trusts an upright reading, in English or another language (decoys)', () => {
    expect(mayBeTurned(reading('INVOICE\nBooth rental 2 x 450.00\nSubtotal 900.00\nTotal Due 1,071.00\nThank you for your business'))).toBe(false);
    expect(mayBeTurned(reading('FACTURE\nLocation de stand\nTotal TTC 1 404,00\nMerci pour votre confiance'))).toBe(false);
  });
});

describe('readsBetterTurned', () => {
  it('prefers a turned reading that finds clearly more words', () => {
    expect(readsBetterTurned(reading('lrn tsq'), reading('INVOICE Booth rental Subtotal Total Due Thank you'))).toBe(true);
  });
  it('keeps the first reading when the turned one finds as little (decoy)', () => {
    expect(readsBetterTurned(reading('INVOICE Total Due'), reading('Total invoice'))).toBe(false);
  });
});

describe('ocrImage with an orientation model', () => {
  const pool = createOcrPool({ size: 1 });
  const osd = createOcrPool({ size: 1, languages: ['osd'] });
  const asked: number[] = [];
  const engine: OcrEngine = {
    recognize: (img, o) => pool.recognize(img, o),
    detectOrientation: async (img) => {
      const o = await osd.detectOrientation!(img);
      asked.push(o?.degrees ?? -1);
      return o;
    },
    close: async () => {},
  };
  afterAll(() => Promise.all([pool.close(), osd.close()]));
  const lines = [
    'INVOICE INV-2026-0815',
    'Northwind Event Services Ltd, 12 Market Street, London',
    'Description of the services delivered for the spring campaign',
    'Booth rental at the trade fair, two days',
    'Printed banners and roll-up stands for the booth',
    'Catering for attendees during the product launch',
    'Subtotal 1,250.00',
    'VAT 20% 250.00',
    'Total Due 1,500.00',
    'Thank you for your business. Payment within 30 days.',
  ].map((text) => ({ text, size: 13 }));

  it('reads a page scanned sideways upright', async () => {
    const page = await renderTextImage(lines, { page: { width: 500, height: 330 }, dpi: 200 });
    const sideways = await sharp(page).rotate(90).png().toBuffer();
    asked.length = 0;
    const r = await ocrImage(engine, sideways);
    expect(asked).toEqual([270]);
    expect(r.text).toContain('Total Due 1,500.00');
    // The page as read is upright: wider than tall, like the page printed.
    expect(r.sourceWidth).toBeGreaterThan(r.sourceHeight);
  });

  it('never asks about, or turns, an upright page (decoy)', async () => {
    const page = await renderTextImage(lines, { page: { width: 500, height: 330 }, dpi: 200 });
    asked.length = 0;
    const r = await ocrImage(engine, page);
    expect(asked).toEqual([]);
    expect(r.text).toContain('Total Due 1,500.00');
  });
});
