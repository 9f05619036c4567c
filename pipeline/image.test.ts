import { describe, expect, it } from 'vitest';
import sharp, { type Sharp } from 'sharp';
import zlib from 'node:zlib';
import { GRAIN_INKED_TILES, ImageReadError, MAX_OCR_SIDE, believableDensity, imageInfo, ocrImage, ocrScore, planOcrScale, prepareForOcr, renderImagePage, whitenDarkMargins } from './image.ts';
import type { OcrEngine, OcrPage } from './ocr.ts';
import { makeMultiPageTiff, renderTextImage } from '../test/fixtures/make.ts';

/** A PNG that declares a size without carrying the pixels (decoders check the header first). */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(width + 1))), chunk('IEND', Buffer.alloc(0))]);
}

describe('planOcrScale', () => {
  it('brings page-sized scans down to ~200 dpi and never up', () => {
    expect(planOcrScale(2480, 3508, 300)).toEqual({ scale: 200 / 300, dpi: 200 });
    expect(planOcrScale(4960, 7016, 600)).toEqual({ scale: 200 / 600, dpi: 200 });
    expect(planOcrScale(1654, 2339, 200)).toEqual({ scale: 1, dpi: 200 });
    expect(planOcrScale(1240, 1754, 150)).toEqual({ scale: 1, dpi: 150 });
  });

  it('keeps the pixels of receipts and photos whose text size is unknown', () => {
    // A 300 dpi receipt (3 in wide) keeps its resolution: its print is small.
    expect(planOcrScale(900, 2400, 300)).toEqual({ scale: 1, dpi: 300 });
    // A phone photo of a receipt says 72 dpi: no believable density, nothing changes.
    expect(planOcrScale(1000, 1800, null)).toEqual({ scale: 1, dpi: undefined });
    // A tiny screenshot is not blown up.
    expect(planOcrScale(789, 557, null).scale).toBe(1);
  });

  it('treats a large page-shaped image without density as a page and caps giant inputs', () => {
    const page = planOcrScale(4000, 5657, null);
    expect(page.scale).toBeCloseTo(2339 / 5657, 5);
    expect(page.dpi).toBe(200);
    const strip = planOcrScale(2000, 12000, null);
    expect(12000 * strip.scale).toBeLessThanOrEqual(MAX_OCR_SIDE);
  });

  it('believes only densities that describe a physical document', () => {
    expect(believableDensity(72, 4032, 3024)).toBeNull();
    expect(believableDensity(96, 789, 557)).toBeNull();
    expect(believableDensity(300, 2480, 3508)).toBe(300);
    expect(believableDensity(600, 100, 100)).toBeNull();
  });
});

describe('prepareForOcr', () => {
  it('brings a 300 dpi page to 200 dpi, keeping colour and stating the density', async () => {
    const img = await renderTextImage(['Invoice 1'], { dpi: 300, format: 'jpeg' });
    const p = await prepareForOcr(img);
    expect(p.dpi).toBe(200);
    expect(p.width).toBe(Math.round(2480 * (200 / 300)));
    expect(p.sourceWidth).toBe(2480);
    const meta = await sharp(p.png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.channels).toBe(3);
    expect(meta.density).toBe(200);
    // A grayscale scan stays one channel.
    const gray = await sharp(img).greyscale().toColourspace('b-w').png().toBuffer();
    expect((await sharp((await prepareForOcr(gray)).png).metadata()).channels).toBe(1);
  });

  it('leaves the resolution of a photo unknown instead of passing on its 72 dpi', async () => {
    const photo = await sharp(await renderTextImage(['x'], { page: { width: 227, height: 400 }, dpi: 150 }))
      .withDensity(72)
      .jpeg()
      .toBuffer();
    const p = await prepareForOcr(photo);
    expect(p.dpi).toBeUndefined();
    // Below tesseract's credible range (70), so it treats the resolution as unknown.
    expect((await sharp(p.png).metadata()).density ?? 0).toBeLessThan(70);
  });

  it('applies the EXIF orientation of a phone photo', async () => {
    const img = await renderTextImage(['Receipt'], { page: { width: 227, height: 400 }, dpi: 100, rotate: 90, format: 'jpeg' });
    const stored = await sharp(img).metadata();
    expect(stored.width).toBeGreaterThan(stored.height!); // stored sideways
    const p = await prepareForOcr(img);
    expect(p.height).toBeGreaterThan(p.width); // upright again
  });

  it('flattens transparency onto white, not black', async () => {
    const transparent = await sharp({ create: { width: 200, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const p = await prepareForOcr(transparent);
    const stats = await sharp(p.png).stats();
    expect(stats.channels[0]!.mean).toBeGreaterThan(250);
  });

  it('stretches a faint page in the contrast variant without thresholding it', async () => {
    const img = await renderTextImage(['Faded TOTAL 12.00'], { page: { width: 227, height: 200 }, dpi: 200, faint: true });
    const plain = await sharp((await prepareForOcr(img)).png).stats();
    const contrast = await sharp((await prepareForOcr(img, { variant: 'contrast' })).png).stats();
    const range = (s: Awaited<ReturnType<ReturnType<typeof sharp>['stats']>>) => s.channels[0]!.max - s.channels[0]!.min;
    expect(range(contrast)).toBeGreaterThan(range(plain));
    // Still grey levels, not a two-colour image.
    const { data } = await sharp((await prepareForOcr(img, { variant: 'contrast' })).png).raw().toBuffer({ resolveWithObject: true });
    expect(new Set(data).size).toBeGreaterThan(16);
  });

  it('knows a contrast pass that stretched the paper\'s grain into ink (rule) from one of a printed page (decoy)', async () => {
    const grainy = await grainyPage();
    expect((await prepareForOcr(grainy, { variant: 'contrast' })).inkedTiles).toBeGreaterThanOrEqual(GRAIN_INKED_TILES);
    const clean = await renderTextImage(['INVOICE INV-2026-0042', 'Booth rental 1,200.00', 'Total Due 1,404.00'], { dpi: 100 });
    expect((await prepareForOcr(clean, { variant: 'contrast' })).inkedTiles).toBeLessThan(0.3);
    // The plain variant is never judged: it is always read.
    expect((await prepareForOcr(grainy)).inkedTiles).toBeUndefined();
  });

  it('does not read the contrast variant of a grainy page with little text', async () => {
    let readings = 0;
    const engine: OcrEngine = {
      async recognize(): Promise<OcrPage> {
        readings++;
        const words = [{ text: 'Total', confidence: 0.95, box: { x: 0.1, y: 0.1, w: 0.1, h: 0.02 } }, { text: '12.00', confidence: 0.95, box: { x: 0.3, y: 0.1, w: 0.1, h: 0.02 } }];
        return { width: 800, height: 1100, lines: [{ text: 'Total 12.00', confidence: 0.95, box: { x: 0.1, y: 0.1, w: 0.3, h: 0.02 }, words }], text: 'Total 12.00', confidence: 0.95 };
      },
      close: async () => {},
    };
    const page = await ocrImage(engine, await grainyPage());
    expect(page.variant).toBe('plain');
    // The plain reading, then only the whitened-margins pass: the contrast pass is skipped.
    expect(readings).toBe(2);
  });
});

describe('ocrScore', () => {
  const reading = (words: [string, number][]): OcrPage => {
    const ws = words.map(([text, confidence], i) => ({ text, confidence, box: { x: (i % 10) / 10, y: Math.floor(i / 10) / 100, w: 0.05, h: 0.01 } }));
    return { width: 1000, height: 1000, lines: [{ text: words.map((w) => w[0]).join(' '), confidence: 0.5, box: { x: 0, y: 0, w: 1, h: 0.01 }, words: ws }], text: '', confidence: 0.5 };
  };
  it('ranks a short confident reading over a long one made of noise (rule)', () => {
    const clean = reading(Array.from({ length: 59 }, () => ['Invoice', 0.95] as [string, number]));
    const noise = reading([...Array.from({ length: 86 }, () => ['Invoice', 0.7] as [string, number]), ...Array.from({ length: 2560 }, () => ['SRR', 0.19] as [string, number])]);
    expect(ocrScore(clean)).toBeGreaterThan(ocrScore(noise));
  });
  it('does not take a few unsure words for noise: a faint page\'s contrast reading still counts its sure words (decoy)', () => {
    const plain = reading(Array.from({ length: 11 }, () => ['Receipt', 0.9] as [string, number]));
    const contrast = reading([...Array.from({ length: 15 }, () => ['Receipt', 0.9] as [string, number]), ...Array.from({ length: 7 }, () => ['TOTAL', 0.01] as [string, number])]);
    expect(ocrScore(contrast)).toBeGreaterThan(ocrScore(plain));
  });
  it('still ranks a reading with more confident words first (decoy)', () => {
    const less = reading(Array.from({ length: 20 }, () => ['Total', 0.9] as [string, number]));
    const more = reading([...Array.from({ length: 40 }, () => ['Total', 0.8] as [string, number]), ['x1', 0.3]]);
    expect(ocrScore(more)).toBeGreaterThan(ocrScore(less));
  });
});

/** An A4 page at 100 dpi, two short lines of print on paper with a fine light-grey grain. */
async function grainyPage(): Promise<Buffer> {
  const text = await renderTextImage(['Total 12.00'], { dpi: 100 });
  const { width: W, height: H } = await sharp(text).metadata();
  const paper = Buffer.alloc(W * H);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < paper.length; i++) paper[i] = 230 + Math.floor(rand() * 25);
  return sharp(paper, { raw: { width: W, height: H, channels: 1 } })
    .composite([{ input: await sharp(text).toColourspace('b-w').png().toBuffer(), blend: 'multiply' }])
    .jpeg()
    .toBuffer();
}

describe('images that fail', () => {
  it('refuses images larger than the pixel limit and undecodable bytes', async () => {
    const err = await imageInfo(pngHeaderOnly(20000, 20000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageReadError);
    expect((err as ImageReadError).reason).toBe('too_large');
    const bad = await prepareForOcr(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ImageReadError);
    expect((bad as ImageReadError).reason).toBe('corrupt');
  });
});

describe('multi-page TIFF and previews', () => {
  it('counts pages and renders each one', async () => {
    const small = { page: { width: 200, height: 120 }, dpi: 100 } as const;
    const first = await renderTextImage([{ text: 'ONE', size: 40, y: 80 }], small);
    const second = await renderTextImage([], small);
    const tiff = await makeMultiPageTiff([first, second]);
    const info = await imageInfo(tiff);
    expect(info.pages).toBe(2);
    const p1 = await sharp(await renderImagePage(tiff, 1)).stats();
    const p2 = await sharp(await renderImagePage(tiff, 2)).stats();
    expect(p1.channels[0]!.min).toBeLessThan(60); // the text
    expect(p2.channels[0]!.min).toBeGreaterThan(200); // blank
    await expect(renderImagePage(tiff, 3)).rejects.toThrow(RangeError);
    const preview = await sharp(await renderImagePage(first, 1, { maxWidth: 100 })).metadata();
    expect(preview.width).toBe(100);
  });
});

describe('whitenDarkMargins', () => {
  const gray = (img: Sharp) => img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });

  it('paints a dark frame white and keeps the page size and its content', async () => {
    const W = 200;
    const H = 400;
    // White paper with a black band of 30 rows at the top and bottom and a dark "logo" block in the middle.
    const paper = await sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
      .composite([
        { input: { create: { width: W, height: 30, channels: 3, background: '#000000' } }, top: 0, left: 0 },
        { input: { create: { width: W, height: 30, channels: 3, background: '#000000' } }, top: H - 30, left: 0 },
        { input: { create: { width: 60, height: 40, channels: 3, background: '#000000' } }, top: 180, left: 70 },
      ])
      .png()
      .toBuffer();
    const out = await gray(await whitenDarkMargins(sharp(paper)));
    expect(out.info.width).toBe(W);
    expect(out.info.height).toBe(H);
    const at = (x: number, y: number) => out.data[y * W + x]!;
    expect(at(100, 5)).toBeGreaterThan(240);
    expect(at(100, H - 5)).toBeGreaterThan(240);
    expect(at(100, 200)).toBeLessThan(20);
  });

  it('leaves a page without dark margins untouched', async () => {
    const page = sharp({ create: { width: 120, height: 160, channels: 3, background: '#f0f0f0' } }).png();
    const same = await whitenDarkMargins(page);
    expect(same).toBe(page);
  });
});
