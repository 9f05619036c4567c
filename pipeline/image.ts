// Raster pages (PNG, JPEG, TIFF, WebP, and PDF pages rendered to pixels) prepared for OCR.
//
// Preparation, as measured in NOTES.md and bench/ocr.ts: turn by EXIF orientation, flatten alpha
// onto white, keep colour, bring page-sized scans to ~200 dpi (faster than 300 and read as well),
// never upscale small text into mush, and cap giant inputs. No hard threshold: tesseract binarises
// better itself. A contrast pass (flat-field + stretch) runs only for pages that came back with
// little text (faint or shadowed receipts); applied to every page it hurts the normal ones.

import sharp, { type Sharp } from 'sharp';
import type { OcrEngine, OcrPage } from './ocr.ts';
import { alnumCount } from './lines.ts';
import { normalizeOcrLines } from './ocr-text.ts';
import { MIN_WORD_CONFIDENCE } from './usable-text.ts';
import { MIN_ORIENTATION_CONFIDENCE, mayBeTurned, readsBetterTurned } from './orientation.ts';

/** Decoding refuses inputs above this many pixels (a 600 dpi A3 scan is ~70 M). */
export const MAX_INPUT_PIXELS = 120_000_000;
/** Longest side handed to OCR; beyond it pixels cost time and memory without reading better. */
export const MAX_OCR_SIDE = 4200;
/** Resolution page-sized scans are brought to before OCR. */
export const OCR_TARGET_DPI = 200;
/** Fewer letters and digits than this from the first pass triggers the contrast pass. */
export const FAINT_TEXT_THRESHOLD = 300;
/** Mean gray level (0..255) under which an edge row or column counts as a dark margin. */
export const DARK_MARGIN_LEVEL = 90;

/** A page whose long side is beyond this many inches is no sheet of paper (A3 is 16.5). */
export const MAX_PAPER_INCHES = 18;

export class ImageReadError extends Error {
  override name = 'ImageReadError';
  constructor(
    message: string,
    readonly reason: 'corrupt' | 'too_large',
  ) {
    super(message);
  }
}

function open(input: Buffer | Uint8Array, page = 0): Sharp {
  // 'error' tolerates libjpeg warnings (common in phone and scanner files) but not broken data.
  return sharp(input, { page, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
}

function wrapSharpError(err: unknown): never {
  // libvips appends its warning log to the message; the CLI prints one line per error.
  const msg = (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ');
  if (/pixel limit|exceeds/i.test(msg)) throw new ImageReadError(`image is too large: ${msg}`, 'too_large');
  throw new ImageReadError(`cannot decode image: ${msg}`, 'corrupt');
}

export interface ImageInfo {
  pages: number;
  /** Size of the first page as displayed (after EXIF orientation). */
  width: number;
  height: number;
  /** Pixels per inch when the file states a believable one. */
  density: number | null;
  format: string;
}

export async function imageInfo(bytes: Buffer | Uint8Array): Promise<ImageInfo> {
  let m;
  try {
    m = await open(bytes).metadata();
  } catch (err) {
    wrapSharpError(err);
  }
  if (!m.width || !m.height) throw new ImageReadError('image has no dimensions', 'corrupt');
  if (m.width * m.height > MAX_INPUT_PIXELS) {
    throw new ImageReadError(`image is too large: ${m.width}x${m.height} pixels`, 'too_large');
  }
  const swap = (m.orientation ?? 1) >= 5;
  return {
    pages: Math.max(1, m.pages ?? 1),
    width: swap ? m.height : m.width,
    height: swap ? m.width : m.height,
    density: believableDensity(m.density, m.width, m.height),
    format: m.format,
  };
}

/**
 * The stated density when it describes a physical document: 100–1200 dpi and a size between a
 * receipt and A3. Cameras and screenshots say 72 or 96 whatever the subject is.
 */
export function believableDensity(density: number | undefined, width: number, height: number): number | null {
  if (!density || density < 100 || density > 1200) return null;
  const longIn = Math.max(width, height) / density;
  const shortIn = Math.min(width, height) / density;
  if (longIn < 2 || longIn > MAX_PAPER_INCHES || shortIn < 1.5) return null;
  return density;
}

export interface OcrPlan {
  /** Resize factor applied to the oriented image. */
  scale: number;
  /** Resolution after scaling, when known or inferred; tesseract estimates it otherwise. */
  dpi: number | undefined;
}

/**
 * How to resample an image for OCR. Page-sized scans (known density, or an unknown one on a
 * large page-shaped image) go to ~200 dpi, downscaling only. Anything else keeps its pixels
 * unless it exceeds MAX_OCR_SIDE, because its text size is unknown and upscaling blurs.
 */
export function planOcrScale(width: number, height: number, density: number | null): OcrPlan {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  let scale = 1;
  let dpi: number | undefined;
  if (density) {
    const pageLike = short / density >= 5.5; // wider than a receipt: a letter/A4/A5 page
    scale = pageLike && density > OCR_TARGET_DPI * 1.15 ? OCR_TARGET_DPI / density : 1;
    dpi = density * scale;
  } else {
    const aspect = long / short;
    if (aspect > 1.2 && aspect < 1.6 && long > 2600) {
      // A page photographed or scanned without a usable density: assume A4/Letter height.
      scale = 2339 / long;
      dpi = OCR_TARGET_DPI;
    }
  }
  if (long * scale > MAX_OCR_SIDE) {
    const s = MAX_OCR_SIDE / long;
    if (dpi) dpi = (dpi / scale) * s;
    scale = s;
  }
  return { scale, dpi: dpi ? Math.round(dpi) : undefined };
}

export type OcrVariant = 'plain' | 'contrast';

function isGray(meta: { channels?: number; space?: string }): boolean {
  return meta.space === 'b-w' || meta.space === 'grey16' || meta.channels === 1 || meta.channels === 2;
}

export interface PreparedImage {
  /** PNG (grayscale for gray inputs and the contrast variant), density set when known. */
  png: Buffer;
  width: number;
  height: number;
  dpi: number | undefined;
  variant: OcrVariant;
  /** Size of the page before resampling (after EXIF orientation). */
  sourceWidth: number;
  sourceHeight: number;
  /** Contrast variant only: the share of the page's 64-px tiles that carry ink (inkedTileShare). */
  inkedTiles?: number;
}

export interface PrepareOptions {
  /** 0-based page of a multi-page TIFF. */
  page?: number;
  variant?: OcrVariant;
  /** Resolution of the input when the caller knows it (a PDF page it rendered). */
  dpi?: number;
  /**
   * Turn the image this many degrees clockwise instead of following its EXIF orientation (an
   * image taken out of a PDF: viewers ignore its EXIF and apply the page's /Rotate).
   */
  rotate?: 0 | 90 | 180 | 270;
  /** Turn this many degrees clockwise after orienting (a page found scanned sideways). */
  turn?: 0 | 90 | 180 | 270;
  /** Extra enlargement over the plan (small print read a second time). */
  upscale?: number;
  /** Paint dark margins around the paper white (see whitenDarkMargins). */
  whiten?: boolean;
}

/** One page of an image file (or a rendered PDF page) as tesseract should see it. */
export async function prepareForOcr(input: Buffer | Uint8Array, opts: PrepareOptions = {}): Promise<PreparedImage> {
  const variant = opts.variant ?? 'plain';
  try {
    // The page's own metadata: a TIFF's pages may differ in size and density.
    const pageMeta = await open(input, opts.page ?? 0).metadata();
    if (!pageMeta.width || !pageMeta.height) throw new ImageReadError('image has no dimensions', 'corrupt');
    const turn = opts.turn ?? 0;
    const swap = (opts.rotate === undefined ? (pageMeta.orientation ?? 1) >= 5 : opts.rotate % 180 !== 0) !== (turn % 180 !== 0);
    const w0 = swap ? pageMeta.height : pageMeta.width;
    const h0 = swap ? pageMeta.width : pageMeta.height;
    const density = opts.dpi ?? believableDensity(pageMeta.density, w0, h0);
    const plan = planOcrScale(w0, h0, density);
    if (opts.upscale && opts.upscale > 1) {
      const factor = Math.min(opts.upscale, MAX_OCR_SIDE / (Math.max(w0, h0) * plan.scale));
      plan.scale *= Math.max(1, factor);
      if (plan.dpi) plan.dpi = Math.round(plan.dpi * Math.max(1, factor));
    }
    let img = open(input, opts.page ?? 0);
    // sharp applies a rotate() after autoOrient() whatever the call order; one rotate() per image.
    if (opts.rotate === undefined) {
      img = img.autoOrient();
      if (turn) img = img.rotate(turn);
    } else if ((opts.rotate + turn) % 360) {
      img = img.rotate((opts.rotate + turn) % 360);
    }
    img = img.flatten({ background: '#ffffff' });
    if (plan.scale !== 1) {
      img = img.resize({ width: Math.max(1, Math.round(w0 * plan.scale)), kernel: plan.scale < 1 ? 'lanczos3' : 'cubic' });
    }
    // Colour stays colour: tesseract thresholds each channel and keeps the one that separates ink
    // from paper best, which reads coloured receipts better than our grayscale did (SROIE: 72
    // totals of 99 in colour, 67 in grayscale) at no measurable cost in time.
    img = variant === 'contrast' ? await flattenIllumination(img) : img.toColourspace(isGray(pageMeta) ? 'b-w' : 'srgb');
    if (opts.whiten) img = await whitenDarkMargins(img);
    // Unknown resolution must reach tesseract as unknown: a PNG otherwise carries the 72 dpi
    // that cameras write, tesseract believes it and reads worse (SROIE: 68 totals of 99 at
    // "72 dpi", 73 with the resolution left to tesseract, as with the untouched JPEG).
    img = img.withDensity(plan.dpi ?? 1);
    const { data, info } = await img.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer({ resolveWithObject: true });
    const prepared: PreparedImage = { png: data, width: info.width, height: info.height, dpi: plan.dpi, variant, sourceWidth: w0, sourceHeight: h0 };
    if (variant === 'contrast') prepared.inkedTiles = await inkedTileShare(data);
    return prepared;
  } catch (err) {
    if (err instanceof ImageReadError) throw err;
    wrapSharpError(err);
  }
}

/**
 * Paints white the dark bands a scanner lid or a table leaves around the paper. Tesseract reads
 * nothing at all from some receipts framed by a black torn edge (SROIE X51006619564: 0
 * characters framed, 667 with the band gone); painting rather than cropping keeps every word
 * box where it is on the original page.
 */
export async function whitenDarkMargins(img: Sharp): Promise<Sharp> {
  const { data, info } = await img.clone().toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const { width: W, height: H, channels } = info;
  if (W < 50 || H < 50) return img;
  const rowMean = new Float64Array(H);
  const colMean = new Float64Array(W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = data[(y * W + x) * channels]!;
      rowMean[y]! += v;
      colMean[x]! += v;
    }
  }
  for (let y = 0; y < H; y++) rowMean[y]! /= W;
  for (let x = 0; x < W; x++) colMean[x]! /= H;
  const dark = (m: number) => m < DARK_MARGIN_LEVEL;
  // A band must start at the edge and stays within the outer fifth: a dark table header or a
  // photo in the middle of a page is content, not margin.
  const band = (means: Float64Array, n: number, fromEnd: boolean): number => {
    let k = 0;
    while (k < n * 0.2 && dark(means[fromEnd ? n - 1 - k : k]!)) k++;
    // The paper's edge is torn or skewed: take a little more than the fully dark rows.
    return k === 0 ? 0 : Math.min(Math.round(n * 0.2), k + Math.round(n * 0.02));
  };
  const top = band(rowMean, H, false);
  const bottom = band(rowMean, H, true);
  const left = band(colMean, W, false);
  const right = band(colMean, W, true);
  if (top + bottom + left + right === 0) return img;
  const base = await img.png({ compressionLevel: 1 }).toBuffer();
  const white = (width: number, height: number) => ({ create: { width, height, channels: 3 as const, background: '#ffffff' } });
  const parts = [
    top && { input: white(W, top), top: 0, left: 0 },
    bottom && { input: white(W, bottom), top: H - bottom, left: 0 },
    left && { input: white(left, H), top: 0, left: 0 },
    right && { input: white(right, H), top: 0, left: W - right },
  ].filter((p): p is { input: ReturnType<typeof white>; top: number; left: number } => !!p);
  return sharp(base).composite(parts);
}

/**
 * Divides the page by its own heavily blurred copy (a flat-field correction), which removes
 * shadows and uneven fading, then stretches what is left to the full range. Measured on a faded,
 * shadowed receipt: plain and CLAHE lost the lower half, this read every line.
 */
async function flattenIllumination(img: Sharp): Promise<Sharp> {
  const { data, info } = await img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  const sigma = Math.max(8, Math.round(Math.min(info.width, info.height) / 40));
  const bg = await sharp(data, { raw }).blur(sigma).toColourspace('b-w').raw().toBuffer();
  if (bg.length !== data.length) throw new Error(`background estimate has ${bg.length} bytes, expected ${data.length}`);
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = (data[i]! * 255) / Math.max(1, bg[i]!);
    out[i] = v > 255 ? 255 : v;
  }
  return sharp(out, { raw }).normalise().toColourspace('b-w');
}

/**
 * A contrast-stretched page with ink in at least this share of its tiles has had the paper's grain
 * stretched into ink: real pages keep blank margins and gaps (the 99 SROIE receipts, cropped
 * tight: at most 89 %; speckled A4 scans: 99.9 %, which tesseract then reads for a minute as
 * 2,600 words of noise).
 */
export const GRAIN_INKED_TILES = 0.97;
const INK_TILE_PX = 64;

/** The share of INK_TILE_PX-square tiles of an image holding more than a few dark pixels. */
export async function inkedTileShare(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const { width: W, height: H, channels } = info;
  const cols = Math.ceil(W / INK_TILE_PX);
  const counts = new Uint32Array(cols * Math.ceil(H / INK_TILE_PX));
  for (let y = 0; y < H; y++) {
    const row = Math.floor(y / INK_TILE_PX) * cols;
    for (let x = 0; x < W; x++) if (data[(y * W + x) * channels]! < 128) counts[row + Math.floor(x / INK_TILE_PX)]!++;
  }
  let inked = 0;
  for (const c of counts) if (c > 20) inked++;
  return counts.length ? inked / counts.length : 0;
}

/**
 * What a reading is worth, to choose between two readings of one page: the letters and digits of
 * the words read with confidence, and when most of its words were read without confidence, less in
 * proportion. A reading of noise must not win by its size: counting every word's characters times
 * its confidence let a contrast pass that made 2,648 words at 0.19 out of a speckled scan's grain
 * outscore the clean reading of its 59 words at 0.95. A few unsure words are no sign of noise: a
 * faint receipt's contrast pass reads "TOTAL" at 0.01 beside "33.90" at 0.94.
 */
export function ocrScore(page: OcrPage): number {
  let score = 0;
  let words = 0;
  let unsure = 0;
  for (const line of page.lines) {
    for (const w of line.words) {
      words++;
      if (w.confidence >= MIN_WORD_CONFIDENCE) score += alnumCount(w.text) * w.confidence;
      else unsure++;
    }
  }
  const unsureShare = words ? unsure / words : 0;
  return unsureShare > 0.5 ? score * 2 * (1 - unsureShare) : score;
}

export interface OcrImageResult extends OcrPage {
  variant: OcrVariant;
  /** Size of the page before resampling; `width`/`height` are what OCR saw. */
  sourceWidth: number;
  sourceHeight: number;
}

/** Median height in pixels of the words (2+ letters or digits) OCR found; 0 when none. */
export function medianWordHeight(page: OcrPage): number {
  const hs = page.lines
    .flatMap((l) => l.words)
    .filter((w) => alnumCount(w.text) >= 2)
    .map((w) => w.box.h * page.height)
    .sort((a, b) => a - b);
  return hs.length ? hs[Math.floor(hs.length / 2)]! : 0;
}

/** Word height (px) below which print is too small for tesseract; it reads best near 25–35 px. */
export const SMALL_TEXT_PX = 15;
const TARGET_TEXT_PX = 26;

/**
 * OCR of one page image with two measured second passes, each kept only when it reads more:
 * - small print (screenshots, receipts photographed from afar): words under SMALL_TEXT_PX tall
 *   are read again enlarged to ~TARGET_TEXT_PX (a 789 px screenshot: confidence 0.67 → 0.86);
 * - faint or shadowed pages: fewer than FAINT_TEXT_THRESHOLD letters and digits are read again
 *   with the contrast variant (SROIE: totals found 73 → 81 of 99).
 */
export async function ocrImage(engine: OcrEngine, input: Buffer | Uint8Array, opts: PrepareOptions = {}): Promise<OcrImageResult> {
  const best = await bestReading(engine, input, opts);
  const lines = normalizeOcrLines(best.lines);
  return { ...best, lines, text: lines.map((l) => l.text).join('\n') };
}

async function bestReading(engine: OcrEngine, input: Buffer | Uint8Array, opts: PrepareOptions): Promise<OcrImageResult> {
  // Once the engine has chosen the page's language models, every further pass over the page
  // reads with them: choosing again would read a French page in English first on every pass.
  let languages: readonly string[] | undefined;
  const recognize = (prepared: PreparedImage, langs = languages) => engine.recognize(prepared.png, { dpi: prepared.dpi, ...(langs ? { languages: langs } : {}) });
  const read = async (pass: PrepareOptions & { variant: OcrVariant }, langs = languages) => {
    const prepared = await prepareForOcr(input, { ...opts, ...pass });
    return { prepared, page: await recognize(prepared, langs) };
  };
  let first = await read({ variant: 'plain' });
  languages = first.page.languages;
  if (engine.detectOrientation && mayBeTurned(first.page)) {
    const turn = await pageTurn(engine, first.prepared.png);
    if (turn) {
      // A page read sideways tells nothing of its language: the upright page chooses again.
      const turned = await read({ variant: 'plain', turn }, undefined);
      if (readsBetterTurned(first.page, turned.page)) {
        first = turned;
        languages = turned.page.languages;
        // Every further pass reads the page upright too.
        opts = { ...opts, turn };
      }
    }
  }
  const plain = first.prepared;
  const source = { sourceWidth: plain.sourceWidth, sourceHeight: plain.sourceHeight };
  let best: OcrImageResult = { ...first.page, variant: 'plain', ...source };
  if (engine.singlePass) return best;
  /** Reads the page again prepared as `pass` says; keeps that reading when it scores higher. */
  const reread = async (pass: PrepareOptions & { variant: OcrVariant }): Promise<boolean> => {
    const prepared = await prepareForOcr(input, { ...opts, ...pass });
    // A contrast pass that stretched the paper's grain into ink would read only noise, slowly.
    if ((prepared.inkedTiles ?? 0) >= GRAIN_INKED_TILES) return false;
    const page = await recognize(prepared);
    if (ocrScore(page) <= ocrScore(best)) return false;
    best = { ...page, variant: pass.variant, ...source };
    return true;
  };
  let upscale = 1;
  const textHeight = medianWordHeight(best);
  if (textHeight > 0 && textHeight < SMALL_TEXT_PX) {
    const factor = Math.min(3, TARGET_TEXT_PX / textHeight);
    if (factor >= 1.4 && Math.max(plain.width, plain.height) * factor <= MAX_OCR_SIDE) {
      if (await reread({ variant: 'plain', upscale: factor })) upscale = factor;
    }
  }
  if (alnumCount(best.text) >= FAINT_TEXT_THRESHOLD) return best;
  await reread({ variant: 'contrast', upscale });
  if (alnumCount(best.text) >= FAINT_TEXT_THRESHOLD) return best;
  // Still next to nothing: a dark frame around the paper can blind tesseract to the whole page.
  // Only here, since painting margins on every page measured worse (SROIE totals 81 → 79 of 99).
  await reread({ variant: 'plain', upscale, whiten: true });
  return best;
}

/** How far to turn a page clockwise to make it upright, when the engine's orientation model is clear. */
async function pageTurn(engine: OcrEngine, png: Buffer): Promise<90 | 180 | 270 | null> {
  const o = await engine.detectOrientation!(png).catch(() => null);
  if (!o || o.degrees === 0 || o.confidence < MIN_ORIENTATION_CONFIDENCE) return null;
  return o.degrees;
}

/** A page of an image file as PNG for previews: oriented, flattened, at most `maxWidth` wide. */
export async function renderImagePage(bytes: Buffer | Uint8Array, pageNumber = 1, opts: { maxWidth?: number } = {}): Promise<Buffer> {
  const info = await imageInfo(bytes);
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > info.pages) {
    throw new RangeError(`page ${pageNumber} does not exist (the image has ${info.pages})`);
  }
  try {
    let img = open(bytes, pageNumber - 1).autoOrient().flatten({ background: '#ffffff' });
    if (opts.maxWidth) img = img.resize({ width: opts.maxWidth, withoutEnlargement: true });
    return await img.png().toBuffer();
  } catch (err) {
    wrapSharpError(err);
  }
}
