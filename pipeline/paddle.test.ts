import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTextImage } from '../test/fixtures/make.ts';
import { prepareForOcr } from './image.ts';
import { createPaddlePool, paddleDictionary, paddleModelDir, toOcrPage } from './paddle.ts';

describe('paddleDictionary', () => {
  it('is the keys plus a space: one entry per recogniser class after the CTC blank', () => {
    const dict = paddleDictionary(readFileSync(path.join(paddleModelDir(), 'ppocr_keys_v1.txt'), 'utf8'));
    expect(dict).toHaveLength(6624);
    expect(dict[dict.length - 1]).toBe(' ');
    // What the Latin-script documents need: é and ü are there, ß and € are not (see engines.ts).
    expect(dict).toContain('é');
    expect(dict).toContain('ü');
    expect(dict).not.toContain('€');
  });
});

describe('toOcrPage', () => {
  it('splits a detected line into words with boxes shared by character count, as fractions', () => {
    const page = toOcrPage([{ text: 'Total 42.50', box: { x: 100, y: 50, width: 220, height: 20 }, confidence: 0.97 }], { width: 1000, height: 500, sourceWidth: 2000, sourceHeight: 1000 });
    expect(page.width).toBe(2000);
    const [total, amount] = page.lines[0]!.words;
    expect(total!.text).toBe('Total');
    expect(total!.box.x).toBeCloseTo(0.1, 5);
    expect(total!.box.w).toBeCloseTo(0.1, 5);
    expect(amount!.box.x).toBeCloseTo(0.22, 5);
    expect(amount!.confidence).toBeCloseTo(0.97, 3);
  });
  it('drops empty detections and clamps confidences (decoy: nothing read is no line)', () => {
    const page = toOcrPage([{ text: '  ', box: { x: 0, y: 0, width: 10, height: 10 }, confidence: 1.2 }], { width: 100, height: 100, sourceWidth: 100, sourceHeight: 100 });
    expect(page.lines).toEqual([]);
    expect(page.confidence).toBe(0);
  });
});

// One engine-level run on a small generated label: loads the real models from node_modules.
describe('createPaddlePool', () => {
  const pool = createPaddlePool({ recycleAfter: 2 });
  afterAll(() => pool.close());

  it('reads a label offline, where it is printed, and recycles its instance', async () => {
    const img = await renderTextImage([{ text: 'Total 42.50', x: 20, y: 40, size: 20 }, { text: 'INV-0815', x: 150, y: 75, size: 14 }], { page: { width: 300, height: 90 }, dpi: 200 });
    const prepared = await prepareForOcr(img);
    const page = await pool.recognize(prepared.png);
    expect(page.text).toContain('42.50');
    expect(page.text).toContain('INV-0815');
    const word = page.lines.flatMap((l) => l.words).find((w) => w.text === '42.50')!;
    expect(word.box.x).toBeGreaterThan(0.2);
    expect(word.box.x).toBeLessThan(0.5);
    expect(word.confidence).toBeGreaterThan(0.8);
    await pool.recognize(prepared.png);
    expect(pool.stats()).toMatchObject({ pagesDone: 2, instancesStarted: 1, instancesRecycled: 1 });
  }, 60_000);

  it('rejects an undecodable image and keeps working', async () => {
    await expect(pool.recognize(Buffer.from('not an image'))).rejects.toThrow(/OCR failed/);
    const img = await renderTextImage([{ text: 'Summe 12,00', x: 20, y: 40, size: 20 }], { page: { width: 300, height: 60 }, dpi: 200 });
    expect((await pool.recognize(img)).text).toContain('12,00');
  }, 60_000);

  it('abandons a page that takes too long, retries it once on a fresh instance, then gives up', async () => {
    const impatient = createPaddlePool({ size: 1, timeoutMs: 1 });
    try {
      const img = await renderTextImage([{ text: 'Total 42.50', x: 20, y: 40, size: 20 }], { page: { width: 300, height: 90 }, dpi: 200 });
      await expect(impatient.recognize(img)).rejects.toThrow(/timed out after 1 ms, twice/);
      expect(impatient.stats()).toMatchObject({ instancesStarted: 2, instancesAbandoned: 2, pagesDone: 0 });
    } finally {
      await impatient.close();
    }
  }, 60_000);
});
