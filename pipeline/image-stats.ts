// What a page image looks like, apart from its words: how colourful it is, how much of it is
// paper, how busy its edges are, how flat its areas are. The classifier reads a photograph of a
// booth or a screenshot of a campaign as proof of execution from these even when OCR finds few
// words on it, and a page that is all one tone is blank however much speckle OCR made of it.
//
// Computed with sharp on a thumbnail (at most STATS_SIDE pixels a side): a few milliseconds,
// and independent of the scan's resolution.
import sharp from 'sharp';

export interface ImageStats {
  /**
   * Hasler–Süsstrunk colourfulness on 0..255 channels: ~0 for grey, under ~15 for print on
   * paper, 30+ for a colour photograph.
   */
  colourfulness: number;
  /** Share of pixels that are paper: bright and unsaturated. */
  paperShare: number;
  /** Share of pixels on a clear edge (gradient over EDGE_STEP levels). */
  edgeDensity: number;
  /** Share of pixels within UNIFORM_BAND levels of the median grey: 1 for an empty page. */
  uniformity: number;
  /** Share of pixels equal to all four neighbours: rendered graphics are flat, photographs and scans grainy. */
  flatShare: number;
  /** Share of pixels that are saturated colour (screen UI, banners, photographs). */
  colourShare: number;
  /** Share of pixels much darker than the page's median tone: print, drawings, shadows. */
  inkShare: number;
}

export const STATS_SIDE = 256;
const EDGE_STEP = 40;
const UNIFORM_BAND = 14;
const INK_STEP = 60;

/** Statistics of one page of an image file (0-based `page` for multi-page TIFFs). */
export async function imageStats(input: Buffer | Uint8Array, opts: { page?: number } = {}): Promise<ImageStats> {
  const { data, info } = await sharp(input, { page: opts.page ?? 0, limitInputPixels: false, failOn: 'error' })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    // Nearest neighbour keeps flat areas flat and grain grainy, which is what the statistics measure.
    .resize({ width: STATS_SIDE, height: STATS_SIDE, fit: 'inside', withoutEnlargement: true, kernel: 'nearest' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return statsOfRgb(data, info.width, info.height, info.channels);
}

/** The statistics of raw RGB(A) pixels; exported for tests that build pixels by hand. */
export function statsOfRgb(data: Uint8Array, width: number, height: number, channels: number): ImageStats {
  const n = width * height;
  const gray = new Uint8Array(n);
  let sumRg = 0;
  let sumYb = 0;
  let sumRg2 = 0;
  let sumYb2 = 0;
  let paper = 0;
  let colour = 0;
  const hist = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    const r = data[i * channels]!;
    const g = data[i * channels + 1]!;
    const b = data[i * channels + 2]!;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sumRg += rg;
    sumYb += yb;
    sumRg2 += rg * rg;
    sumYb2 += yb * yb;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const y = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    gray[i] = y;
    hist[y]!++;
    if (y > 200 && max - min < 30) paper++;
    if (max - min > 60 && max > 60) colour++;
  }
  const mRg = sumRg / n;
  const mYb = sumYb / n;
  const sdRg = Math.sqrt(Math.max(0, sumRg2 / n - mRg * mRg));
  const sdYb = Math.sqrt(Math.max(0, sumYb2 / n - mYb * mYb));
  const colourfulness = Math.sqrt(sdRg * sdRg + sdYb * sdYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);

  let acc = 0;
  let median = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= n / 2) {
      median = v;
      break;
    }
  }
  let uniform = 0;
  for (let v = Math.max(0, median - UNIFORM_BAND); v <= Math.min(255, median + UNIFORM_BAND); v++) uniform += hist[v]!;
  let ink = 0;
  for (let v = 0; v < median - INK_STEP; v++) ink += hist[v]!;

  let edges = 0;
  let flat = 0;
  const inner = Math.max(0, width - 2) * Math.max(0, height - 2);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const gx = gray[i + 1]! - gray[i - 1]!;
      const gy = gray[i + width]! - gray[i - width]!;
      if (Math.abs(gx) + Math.abs(gy) > EDGE_STEP) edges++;
      if (sameColour(data, channels, i, i + 1) && sameColour(data, channels, i, i - 1) && sameColour(data, channels, i, i + width) && sameColour(data, channels, i, i - width)) flat++;
    }
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    colourfulness: Math.round(colourfulness * 10) / 10,
    paperShare: round(paper / n),
    edgeDensity: round(inner ? edges / inner : 0),
    uniformity: round(uniform / n),
    flatShare: round(inner ? flat / inner : 0),
    colourShare: round(colour / n),
    inkShare: round(ink / n),
  };
}

function sameColour(data: Uint8Array, channels: number, a: number, b: number): boolean {
  return data[a * channels] === data[b * channels] && data[a * channels + 1] === data[b * channels + 1] && data[a * channels + 2] === data[b * channels + 2];
}

/**
 * Nearly one tone from edge to edge: a blank sheet, a scan of the lid, a grey page with a
 * scanner streak. Grain and dust specks are a few pixels in a thousand; print is more. Used only
 * together with the words: a sparse page that OCR reads words from is never blank.
 */
export function looksBlank(s: ImageStats): boolean {
  return s.uniformity >= 0.97 && s.inkShare < 0.01 && s.colourShare < 0.02;
}

export type ImageLook = 'blank' | 'document' | 'photo' | 'screenshot';

/**
 * What the picture is, from its statistics alone: paper with print, a photograph (colourful,
 * grainy, little paper), or a screenshot (flat areas of saturated colour, as screens draw them).
 */
export function imageLook(s: ImageStats): ImageLook {
  if (looksBlank(s)) return 'blank';
  if (s.flatShare >= 0.45 && s.colourShare >= 0.08 && s.paperShare < 0.85) return 'screenshot';
  // Colour is required: a grey page under a shadow (a faded receipt photographed badly) has as
  // little paper white as a photograph, and is still a document.
  if (s.colourfulness >= 22 && s.paperShare < 0.45 && s.flatShare < 0.45) return 'photo';
  return 'document';
}
