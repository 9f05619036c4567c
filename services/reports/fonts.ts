// Text in generated PDFs. Vendor and partner names come from anywhere (Zażółć Sp. z o.o.,
// Ελληνική Εταιρεία, 上海会展有限公司, a stray control character from OCR), and pdf-lib's standard
// fonts only encode WinAnsi: drawing anything else throws. So the PDFs embed DejaVu Sans, cut to
// Latin, Greek and Cyrillic and committed beside this file (fonts/, 2 × 136 KB, licence there),
// which works on any machine with no system font. A character it lacks is drawn with the first
// fallback font that has it (by default the system's full DejaVu, Noto Sans or Droid Sans
// Fallback when installed, which covers Chinese), and only when none has it, as U+FFFD.
// If the bundled font cannot be read at all, Helvetica with the same replacement rule is used.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, StandardFonts, degrees, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';

const BUNDLED = {
  regular: new URL('./fonts/DejaVuSans.ttf', import.meta.url),
  bold: new URL('./fonts/DejaVuSans-Bold.ttf', import.meta.url),
};

/** Fonts tried, in order, for characters the bundled one lacks; only those present are used. */
export const DEFAULT_FALLBACK_FONTS: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
  '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
];

export type FontSource = string | URL | Uint8Array;

export interface PdfFontOptions {
  regular?: FontSource;
  bold?: FontSource;
  /** TrueType/OpenType files (not collections) for characters the main fonts lack. */
  fallbacks?: readonly FontSource[];
}

const REPLACEMENT = '\uFFFD';

// Fonts are read once per process: a report run or a packet request must not re-read 300 KB.
const bytesCache = new Map<string, Promise<Uint8Array | null>>();
type Coverage = { has(cp: number): boolean };
const coverageCache = new WeakMap<Uint8Array, Coverage | null>();

function loadSource(src: FontSource): Promise<Uint8Array | null> {
  if (src instanceof Uint8Array) return Promise.resolve(src);
  const key = src instanceof URL ? src.href : src;
  let p = bytesCache.get(key);
  if (!p) {
    p = readFile(src).then(
      (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
      () => null,
    );
    bytesCache.set(key, p);
  }
  return p;
}

/** Which code points a font file has glyphs for; null when fontkit cannot use it (a collection, a broken file). */
function coverageOf(bytes: Uint8Array): Coverage | null {
  if (coverageCache.has(bytes)) return coverageCache.get(bytes)!;
  let cov: Coverage | null = null;
  try {
    const font = fontkit.create(bytes) as unknown as { hasGlyphForCodePoint?: (cp: number) => boolean };
    if (typeof font.hasGlyphForCodePoint === 'function') cov = { has: (cp) => font.hasGlyphForCodePoint!(cp) };
  } catch {
    cov = null;
  }
  coverageCache.set(bytes, cov);
  return cov;
}

interface Fallback {
  coverage: Coverage;
  embed: () => Promise<PDFFont>;
  font: PDFFont | null;
}

export interface TextRun {
  font: PDFFont;
  text: string;
}

/**
 * Prepares text for drawing: NFC (so "é" is one glyph), line ends unified, tabs as spaces,
 * invisible format characters dropped, other control characters shown as U+FFFD.
 */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\p{Cf}]/gu, '')
    .replace(/[^\P{Cc}\n]/gu, REPLACEMENT);
}

/** One font plus fallbacks; splits text into runs that each font can draw. */
export class FontChain {
  private readonly primarySet: Set<number>;
  private readonly replacement: string;
  /** Which font draws a character, and as what (the replacement when no font has it). */
  private readonly picks = new Map<string, { font: PDFFont; text: string }>();
  /** Advance widths at size 1, per font and character: measuring is what wrapping does most. */
  private readonly widths = new Map<PDFFont, Map<string, number>>();

  constructor(
    readonly primary: PDFFont,
    private readonly fallbacks: Fallback[],
  ) {
    this.primarySet = new Set(primary.getCharacterSet());
    this.replacement = this.primarySet.has(REPLACEMENT.codePointAt(0)!) ? REPLACEMENT : '?';
  }

  /** Embeds whatever fallback fonts `text` needs; call before `runs` for text that may need them. */
  async prepare(text: string): Promise<void> {
    for (const ch of new Set(cleanText(text))) {
      const cp = ch.codePointAt(0)!;
      if (this.primarySet.has(cp) || ch === '\n') continue;
      const fb = this.fallbacks.find((f) => f.coverage.has(cp));
      if (fb && !fb.font) {
        fb.font = await fb.embed();
        // Characters looked at before this font was embedded are looked at again.
        this.picks.clear();
      }
    }
  }

  private pick(ch: string): { font: PDFFont; text: string } {
    let p = this.picks.get(ch);
    if (!p) {
      const cp = ch.codePointAt(0)!;
      if (this.primarySet.has(cp)) p = { font: this.primary, text: ch };
      else {
        const fb = this.fallbacks.find((f) => f.font && f.coverage.has(cp));
        p = fb ? { font: fb.font!, text: ch } : { font: this.primary, text: this.replacement };
      }
      this.picks.set(ch, p);
    }
    return p;
  }

  private advance(font: PDFFont, ch: string): number {
    let perFont = this.widths.get(font);
    if (!perFont) this.widths.set(font, (perFont = new Map()));
    let w = perFont.get(ch);
    if (w === undefined) {
      w = font.widthOfTextAtSize(ch, 1000) / 1000;
      perFont.set(ch, w);
    }
    return w;
  }

  /** Runs of one line of text (no newlines); characters no embedded font has become the replacement. */
  runs(text: string): TextRun[] {
    const out: TextRun[] = [];
    for (const ch of cleanText(text).replace(/\n/g, ' ')) {
      const { font, text: drawn } = this.pick(ch);
      const last = out[out.length - 1];
      if (last && last.font === font) last.text += drawn;
      else out.push({ font, text: drawn });
    }
    return out;
  }

  /**
   * Width of text already passed through `cleanText`, as the sum of its characters' advances
   * (what pdf-lib draws: it places glyphs by advance, without kerning).
   */
  measureClean(text: string, size: number): number {
    let w = 0;
    for (const ch of text) {
      const { font, text: drawn } = this.pick(ch);
      w += this.advance(font, drawn);
    }
    return w * size;
  }

  widthOf(text: string, size: number): number {
    return this.measureClean(cleanText(text).replace(/\n/g, ' '), size);
  }

  /**
   * Draws one line with its baseline starting at (x, y), turned `rotate` degrees counter-clockwise
   * (for stamping rotated pages); returns its width.
   */
  draw(page: PDFPage, text: string, at: { x: number; y: number; size: number; color?: RGB; rotate?: number }): number {
    const angle = ((at.rotate ?? 0) * Math.PI) / 180;
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    let along = 0;
    for (const r of this.runs(text)) {
      page.drawText(r.text, {
        x: at.x + dx * along,
        y: at.y + dy * along,
        size: at.size,
        font: r.font,
        color: at.color ?? rgb(0, 0, 0),
        ...(at.rotate ? { rotate: degrees(at.rotate) } : {}),
      });
      along += r.font.widthOfTextAtSize(r.text, at.size);
    }
    return along;
  }
}

export interface TextFonts {
  regular: FontChain;
  bold: FontChain;
  /** False when the bundled font could not be read and Helvetica (WinAnsi only) is drawing. */
  unicode: boolean;
  /** Embeds the fallback fonts these texts need; call once with every text before laying out. */
  prepare(texts: Iterable<string>): Promise<void>;
}

function textFonts(regular: FontChain, bold: FontChain, unicode: boolean): TextFonts {
  return {
    regular,
    bold,
    unicode,
    async prepare(texts) {
      // Regular and bold share the fallback entries: preparing one embeds for both.
      await regular.prepare([...texts].join('\n'));
    },
  };
}

async function fallbacksFor(doc: PDFDocument, sources: readonly FontSource[]): Promise<Fallback[]> {
  const out: Fallback[] = [];
  for (const src of sources) {
    if (typeof src === 'string' && !existsSync(src)) continue;
    const bytes = await loadSource(src);
    const coverage = bytes ? coverageOf(bytes) : null;
    if (!bytes || !coverage) continue;
    out.push({ coverage, font: null, embed: () => doc.embedFont(bytes, { subset: true }) });
  }
  return out;
}

/** Embeds the fonts into `doc` (subset: only the glyphs drawn end up in the file). */
export async function embedFonts(doc: PDFDocument, options: PdfFontOptions = {}): Promise<TextFonts> {
  doc.registerFontkit(fontkit);
  const [regularBytes, boldBytes] = await Promise.all([loadSource(options.regular ?? BUNDLED.regular), loadSource(options.bold ?? BUNDLED.bold)]);
  // Regular and bold share one set of fallback entries, so a fallback font is embedded once.
  const fallbacks = await fallbacksFor(doc, options.fallbacks ?? DEFAULT_FALLBACK_FONTS);
  if (regularBytes) {
    try {
      const regular = await doc.embedFont(regularBytes, { subset: true });
      const bold = boldBytes ? await doc.embedFont(boldBytes, { subset: true }) : regular;
      return textFonts(new FontChain(regular, fallbacks), new FontChain(bold, fallbacks), true);
    } catch {
      // A damaged font file: fall through to the standard fonts rather than fail the report.
    }
  }
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  return textFonts(new FontChain(regular, fallbacks), new FontChain(bold, fallbacks), false);
}
