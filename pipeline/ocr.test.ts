import { afterAll, describe, expect, it } from 'vitest';
import { createOcrPool, OcrError, tesseractLangPath } from './ocr.ts';
import { prepareForOcr } from './image.ts';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderTextImage } from '../test/fixtures/make.ts';

// Small images only: OCR is the slow part of the suite and the CPU is shared.
const label = { width: 300, height: 90 };

describe('createOcrPool', () => {
  const pool = createOcrPool({ size: 1, recycleAfter: 2 });
  afterAll(() => pool.close());

  it('uses the model shipped in node_modules', () => {
    expect(existsSync(path.join(tesseractLangPath(), 'eng.traineddata.gz'))).toBe(true);
  });

  it('starts no worker before the first page', () => {
    expect(pool.stats()).toMatchObject({ size: 1, workersStarted: 0, pagesDone: 0 });
  });

  it('returns lines, word boxes where the words are, and confidences in 0..1', async () => {
    const img = await renderTextImage([{ text: 'Total 42.50', x: 20, y: 40, size: 20 }, { text: 'INV-0815', x: 150, y: 75, size: 14 }], {
      page: label,
      dpi: 200,
    });
    const prepared = await prepareForOcr(img);
    const page = await pool.recognize(prepared.png, { dpi: prepared.dpi });
    expect(page.width).toBe(prepared.width);
    expect(page.height).toBe(prepared.height);
    expect(page.lines.map((l) => l.text)).toEqual(['Total 42.50', 'INV-0815']);
    const total = page.lines[0]!.words[0]!;
    // Drawn at x = 20pt of a 300pt-wide label, baseline 40pt of 90pt, 20pt type.
    expect(total.box.x).toBeCloseTo(20 / 300, 1);
    expect(total.box.y).toBeGreaterThan((40 - 20) / 90 - 0.05);
    expect(total.box.y + total.box.h).toBeLessThan(40 / 90 + 0.05);
    const inv = page.lines[1]!.words[0]!;
    expect(inv.box.x).toBeCloseTo(150 / 300, 1);
    for (const l of page.lines) {
      expect(l.confidence).toBeGreaterThan(0.6);
      expect(l.confidence).toBeLessThanOrEqual(1);
    }
    expect(page.confidence).toBeGreaterThan(0.6);
  });

  it('rejects an undecodable image without harming the pool, then keeps working', async () => {
    const err = await pool.recognize(Buffer.from('definitely not an image')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const img = await renderTextImage([{ text: 'Still alive 7', x: 20, y: 50, size: 20 }], { page: label, dpi: 200 });
    const page = await pool.recognize((await prepareForOcr(img)).png);
    expect(page.text).toContain('Still alive');
  });

  it('recycles workers after the configured number of pages', async () => {
    const img = await renderTextImage([{ text: 'Recycle 123', x: 20, y: 50, size: 20 }], { page: label, dpi: 200 });
    const png = (await prepareForOcr(img)).png;
    const before = pool.stats();
    await pool.recognize(png);
    await pool.recognize(png);
    const after = pool.stats();
    expect(after.pagesDone - before.pagesDone).toBe(2);
    expect(after.workersRecycled).toBeGreaterThan(before.workersRecycled);
    expect(after.workersStarted).toBeGreaterThan(before.workersStarted);
  });

  it('closes its workers and rejects queued pages; a closed pool restarts lazily', async () => {
    const img = await renderTextImage([{ text: 'Queued 9', x: 20, y: 50, size: 20 }], { page: label, dpi: 200 });
    const png = (await prepareForOcr(img)).png;
    const running = pool.recognize(png);
    const queued = pool.recognize(png);
    // The second page waits for the single worker; closing drops it.
    const settled = Promise.allSettled([running, queued]);
    await pool.close();
    const [, q] = await settled;
    expect(q.status).toBe('rejected');
    if (q.status === 'rejected') expect(q.reason).toBeInstanceOf(OcrError);
    const again = await pool.recognize(png);
    expect(again.text).toContain('Queued');
  });

  it('abandons a page that takes too long, retries it once on a fresh worker, then gives up', async () => {
    const impatient = createOcrPool({ size: 1, timeoutMs: 30 });
    try {
      const img = await renderTextImage(['A whole page of text takes longer than 30 ms'], { dpi: 150 });
      const err = await impatient.recognize((await prepareForOcr(img)).png).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OcrError);
      expect((err as Error).message).toMatch(/timed out/);
      expect(impatient.stats()).toMatchObject({ workersStarted: 2, workersFailed: 2, pagesDone: 0 });
    } finally {
      await impatient.close();
    }
  });

  it('never runs more workers than cores', () => {
    const big = createOcrPool({ size: 1000 });
    expect(big.stats().size).toBeLessThanOrEqual(os.availableParallelism());
  });
});
