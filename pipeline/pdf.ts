// PDFs through pdf.js (pdfjs-dist 5.6.205 legacy build, the last line for Node 20).
//
// A page with a usable text layer is read from it, with positions; digital invoices are never
// OCR'd. A page without one (a scan, text drawn as outlines, a broken font encoding) becomes
// pixels and goes through OCR. When a page is nothing but one upright image covering it (what a
// scanner writes), the image pdf.js already decoded is taken as it is instead of rendering.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import {
  PDFArray,
  PDFDict,
  PDFDocument as PdfLibDocument,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  decodePDFRawStream,
  type PDFObject,
  type PDFPage as PdfLibPage,
} from 'pdf-lib';
import type { Line, Page, ReadDocument, Word } from './types.ts';
import type { OcrEngine } from './ocr.ts';
import { MAX_PAPER_INCHES, ocrImage } from './image.ts';
import { imageStats } from './image-stats.ts';
import { DEFAULT_PDF_LIMITS } from './pdf-guard.ts';
import { normalizeOcrLines } from './ocr-text.ts';
import { alnumCount, assembleLines, clampBox, roundBox, unionBox } from './lines.ts';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PDFDocumentProxy = import('pdfjs-dist/types/src/display/api.js').PDFDocumentProxy;
type PDFPageProxy = import('pdfjs-dist/types/src/display/api.js').PDFPageProxy;

const require = createRequire(import.meta.url);
let pdfjsPromise: Promise<PdfJs> | null = null;

/** pdf.js, loaded on first use (it is large and the CLI often reads no PDF). */
function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsPromise;
}

const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));
// pdf.js in Node reads these with fs; it wants directory paths ending in a separator. The wasm
// folder holds the JBIG2 and JPEG 2000 decoders that scanned PDFs often need.
const STANDARD_FONT_DATA_URL = path.join(pdfjsRoot, 'standard_fonts') + path.sep;
const CMAP_URL = path.join(pdfjsRoot, 'cmaps') + path.sep;
const WASM_URL = path.join(pdfjsRoot, 'wasm') + path.sep;
const ICC_URL = path.join(pdfjsRoot, 'iccs') + path.sep;

const binaryCache = new Map<string, Promise<Uint8Array>>();

/**
 * pdf.js's Node data factory reads a font or CMap file from disk for every document; this one
 * keeps them in memory (a few MB at most), which matters at ~100 small PDFs a second.
 */
class CachedBinaryDataFactory {
  private readonly urls: Record<string, string | null>;
  constructor(urls: { cMapUrl?: string | null; standardFontDataUrl?: string | null; wasmUrl?: string | null }) {
    this.urls = { cMapUrl: urls.cMapUrl ?? null, standardFontDataUrl: urls.standardFontDataUrl ?? null, wasmUrl: urls.wasmUrl ?? null };
  }
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const base = this.urls[kind];
    if (!base) throw new Error(`no ${kind} configured`);
    const file = base + filename;
    let data = binaryCache.get(file);
    if (!data) {
      data = readFile(file).then((b) => new Uint8Array(b));
      binaryCache.set(file, data);
      data.catch(() => binaryCache.delete(file));
    }
    // pdf.js may transfer what it is given: hand out copies.
    return (await data).slice();
  }
}

/** Resolution PDF pages are rendered at for OCR (see NOTES.md: gray ~200 dpi reads as well as 300, faster). */
export const PDF_OCR_DPI = 200;
/** A rendered page never exceeds this many pixels on its longest side (posters, CAD sheets). */
const MAX_RENDER_SIDE = 4200;
/** Letters and digits below which a page's text layer is not enough to read it by. */
const MIN_TEXT_CHARS = 20;
/** Above this, a text layer is trusted even when the page also holds images. */
const RICH_TEXT_CHARS = 200;

export class PdfReadError extends Error {
  override name = 'PdfReadError';
  constructor(
    message: string,
    readonly reason: 'corrupt' | 'encrypted' | 'too_large' | 'no_pages',
  ) {
    super(message);
  }
}

async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    // pdf.js may transfer (detach) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    standardFontDataUrl: STANDARD_FONT_DATA_URL,
    cMapUrl: CMAP_URL,
    cMapPacked: true,
    wasmUrl: WASM_URL,
    iccUrl: ICC_URL,
    BinaryDataFactory: CachedBinaryDataFactory as never,
    isEvalSupported: false,
    // pdf.js then skips a larger image instead of allocating it (read.ts refuses such files first, when pdf-lib can parse them).
    maxImageSize: DEFAULT_PDF_LIMITS.maxImagePixels,
    useSystemFonts: false,
    disableFontFace: true,
    useWorkerFetch: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    const name = (err as { name?: string })?.name ?? '';
    const msg = err instanceof Error ? err.message : String(err);
    if (name === 'PasswordException') throw new PdfReadError('the PDF is password-protected', 'encrypted');
    throw new PdfReadError(`the PDF cannot be parsed: ${msg}`, 'corrupt');
  }
}

async function withPdf<T>(bytes: Uint8Array, fn: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const doc = await openPdf(bytes);
  try {
    return await fn(doc);
  } finally {
    await doc.destroy().catch(() => {});
  }
}

export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  return withPdf(bytes, async (doc) => doc.numPages);
}

// ---------------------------------------------------------------------------------------------
// Text layer

interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
  fontName: string;
  dir?: string;
}

type Matrix = [number, number, number, number, number, number];

/**
 * Whether a unit square drawn through `m` (an image) is upright and covers the rectangle at
 * (x, y) of size w × h, each edge within `tolX` / `tolY`.
 */
function coversUpright(m: readonly number[], x: number, y: number, w: number, h: number, tolX: number, tolY: number): boolean {
  const upright = Math.abs(m[1]!) < 1e-6 && Math.abs(m[2]!) < 1e-6 && m[0]! > 0 && m[3]! > 0;
  return upright && Math.abs(m[4]! - x) < tolX && Math.abs(m[5]! - y) < tolY && Math.abs(m[0]! - w) < tolX && Math.abs(m[3]! - h) < tolY;
}

function multiply(m1: readonly number[], m2: readonly number[]): Matrix {
  return [
    m1[0]! * m2[0]! + m1[2]! * m2[1]!,
    m1[1]! * m2[0]! + m1[3]! * m2[1]!,
    m1[0]! * m2[2]! + m1[2]! * m2[3]!,
    m1[1]! * m2[2]! + m1[3]! * m2[3]!,
    m1[0]! * m2[4]! + m1[2]! * m2[5]! + m1[4]!,
    m1[1]! * m2[4]! + m1[3]! * m2[5]! + m1[5]!,
  ];
}

export interface PdfTextPage {
  number: number;
  /** Page size in points as displayed (after /Rotate). */
  width: number;
  height: number;
  lines: Line[];
  text: string;
}

/**
 * Words of one text item with boxes in viewport points. The item's advance width is shared among
 * its characters in proportion (pdf.js gives no per-glyph widths), which places a word within a
 * fraction of a character.
 */
function itemWords(item: TextItemLike, viewport: number[], style: { ascent?: number; descent?: number } | undefined): Word[] {
  const str = item.str;
  if (!str || !/\S/.test(str)) return [];
  const tx = multiply(viewport, item.transform);
  const fontHeight = Math.hypot(tx[2], tx[3]);
  const scaleX = Math.hypot(viewport[0]!, viewport[1]!);
  const advance = item.width * scaleX;
  if (!(fontHeight > 0) || !Number.isFinite(advance)) return [];
  let ascent = style?.ascent ?? 0.8;
  let descent = style?.descent ?? -0.2;
  if (!(ascent > 0.4 && ascent < 1.3)) ascent = 0.8;
  if (!(descent <= 0 && descent > -0.6)) descent = -0.2;
  // Direction of the baseline on the page (unit vector) and "up" from it; device space has y down.
  const len = Math.hypot(tx[0], tx[1]) || 1;
  const dx = tx[0] / len;
  const dy = tx[1] / len;
  const up = { x: dy, y: -dx };
  const chars = [...str];
  const words: Word[] = [];
  const re = /\S+/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(str))) {
    const startChars = [...str.slice(0, m.index)].length;
    const wordChars = [...m[0]].length;
    const a0 = (startChars / chars.length) * advance;
    const a1 = ((startChars + wordChars) / chars.length) * advance;
    const corners: Array<[number, number]> = [];
    for (const along of [a0, a1]) {
      for (const v of [ascent, descent]) {
        corners.push([tx[4] + dx * along + up.x * v * fontHeight, tx[5] + dy * along + up.y * v * fontHeight]);
      }
    }
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    const x0 = Math.min(...xs);
    const y0 = Math.min(...ys);
    words.push({ text: m[0], confidence: 1, box: { x: x0, y: y0, w: Math.max(...xs) - x0, h: Math.max(...ys) - y0 } });
  }
  return words;
}

/** Joins pieces that touch (text drawn glyph by glyph or with kerning splits) into one word. */
function joinTouchingWords(line: Line): Line {
  const out: Word[] = [];
  const h = line.box.h || 1;
  for (const w of line.words) {
    const prev = out[out.length - 1];
    if (prev) {
      const gap = w.box.x - (prev.box.x + prev.box.w);
      if (gap < h * 0.08 && gap > -h * 0.3) {
        out[out.length - 1] = { text: prev.text + w.text, confidence: 1, box: unionBox([prev.box, w.box]) };
        continue;
      }
    }
    out.push(w);
  }
  return { ...line, words: out, text: out.map((w) => w.text).join(' ') };
}

async function readTextLayer(page: PDFPageProxy): Promise<PdfTextPage> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const runs: Word[][] = [];
  for (const item of content.items) {
    if (!('str' in item)) continue;
    const words = itemWords(item as TextItemLike, viewport.transform, content.styles[(item as TextItemLike).fontName]);
    if (words.length > 0) runs.push(words);
  }
  const W = viewport.width;
  const H = viewport.height;
  const lines = assembleLines(runs)
    .map(joinTouchingWords)
    .map((l) => normaliseLine(l, W, H));
  return { number: page.pageNumber, width: round2(W), height: round2(H), lines, text: lines.map((l) => l.text).join('\n') };
}

function normaliseLine(line: Line, W: number, H: number): Line {
  const norm = (b: { x: number; y: number; w: number; h: number }) => roundBox(clampBox({ x: b.x / W, y: b.y / H, w: b.w / W, h: b.h / H }));
  return { ...line, box: norm(line.box), words: line.words.map((w) => ({ ...w, box: norm(w.box) })) };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Share of characters that are replacement, private-use or control characters (a broken font encoding). */
function brokenShare(text: string): number {
  const chars = [...text.replace(/\s/g, '')];
  if (chars.length === 0) return 0;
  const bad = chars.filter((c) => /[\uFFFD\p{Co}\p{Cc}]/u.test(c)).length;
  return bad / chars.length;
}

// ---------------------------------------------------------------------------------------------
// Images on a page

interface PageImages {
  /** Share of the page area covered by painted images (may exceed 1 with overlaps). */
  coverage: number;
  /** Painting operators that draw something visible other than images (paths, text). */
  otherPaints: number;
  /** The single image covering the page upright, when that is all the page shows. */
  fullPageImage: string | null;
  /** Text drawing operators in render mode 3 (invisible: neither filled, stroked nor clipped). */
  invisibleText: number;
  /** Visible text drawing operators painted after an image that covers the whole page. */
  textOverPageImage: number;
  /** All text drawing operators. */
  textOps: number;
}

async function inspectImages(page: PDFPageProxy, pdfjs: PdfJs): Promise<PageImages> {
  const OPS = pdfjs.OPS;
  const ops = await page.getOperatorList();
  const view = page.view; // [x0, y0, x1, y1] in user space
  const pageW = view[2]! - view[0]!;
  const pageH = view[3]! - view[1]!;
  const area = Math.abs(pageW * pageH) || 1;
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let textMode = 0;
  const stack: { ctm: Matrix; textMode: number }[] = [];
  let coverage = 0;
  let images = 0;
  let otherPaints = 0;
  let candidate: string | null = null;
  let pageImagePainted = false;
  let invisibleText = 0;
  let textOverPageImage = 0;
  let textOps = 0;
  const imageOps = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject]);
  const textDraws = new Set<number>([OPS.showText, OPS.showSpacedText, OPS.nextLineShowText, OPS.nextLineSetSpacingShowText]);
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i]!;
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push({ ctm, textMode });
    else if (fn === OPS.restore) ({ ctm, textMode } = stack.pop() ?? { ctm, textMode });
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as number[]);
    else if (fn === OPS.setTextRenderingMode && args) textMode = Number(args[0]) || 0;
    else if (fn === OPS.paintFormXObjectBegin && args) {
      stack.push({ ctm, textMode });
      if (Array.isArray(args[0])) ctm = multiply(ctm, args[0] as number[]);
    } else if (fn === OPS.paintFormXObjectEnd) ({ ctm, textMode } = stack.pop() ?? { ctm, textMode });
    else if (imageOps.has(fn)) {
      images++;
      coverage += Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]) / area;
      const covers = coversUpright(ctm, view[0]!, view[1]!, pageW, pageH, pageW * 0.01, pageH * 0.01);
      if (covers) pageImagePainted = true;
      if (fn === OPS.paintImageXObject && covers && typeof args?.[0] === 'string') candidate = args[0];
    } else if (textDraws.has(fn)) {
      textOps++;
      // Mode 3 draws nothing, and mode 7 only clips: OCR layers use 3.
      if (textMode === 3) invisibleText++;
      else {
        otherPaints++;
        if (pageImagePainted) textOverPageImage++;
      }
    } else if (fn === OPS.constructPath) otherPaints++;
  }
  return {
    coverage,
    otherPaints,
    fullPageImage: images === 1 && otherPaints === 0 && candidate ? candidate : null,
    invisibleText,
    textOverPageImage,
    textOps,
  };
}

/**
 * A page whose text is someone else's OCR of a picture of it: the text is drawn invisible, or
 * it lies over an image that covers the whole page (what scanners and phone apps save as a
 * "searchable PDF"). Such a layer is often wrong, so the page is OCR'd and the layer is one more
 * reading. Text drawn as part of the page (a digital invoice, even over a logo) is not this.
 */
export function isScanWithTextLayer(images: PageImages): boolean {
  if (images.textOps === 0) return false;
  const hidden = images.invisibleText + images.textOverPageImage;
  return hidden / images.textOps >= 0.8;
}

// ---------------------------------------------------------------------------------------------
// Scanner output: one JPEG drawn over the whole page

export interface FullPageJpeg {
  /** The JPEG exactly as stored in the PDF. */
  jpeg: Uint8Array;
  /** Pixels per inch of the image on the page; undefined when the page is no paper size (imageDpiOnPage). */
  dpi: number | undefined;
  /** The page's /Rotate: how the image is turned for display. */
  rotate: 0 | 90 | 180 | 270;
}

// Operators that set up state without painting; anything else means the page is more than one image.
const NEUTRAL_OPS = new Set(['q', 'Q', 'cm', 'gs', 're', 'W', 'W*', 'n', 'w', 'J', 'j', 'M', 'd', 'ri', 'i']);

function lookup(page: PdfLibPage, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? page.doc.context.lookup(obj) : obj;
}

function contentBytes(page: PdfLibPage): Uint8Array | null {
  const contents = lookup(page, page.node.get(PDFName.of('Contents')));
  const streams = contents instanceof PDFArray ? contents.asArray().map((o) => lookup(page, o)) : [contents];
  const parts: Uint8Array[] = [];
  for (const s of streams) {
    if (!(s instanceof PDFRawStream)) return null;
    try {
      parts.push(decodePDFRawStream(s).decode());
    } catch {
      return null;
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length + 1;
    out[at - 1] = 0x0a;
  }
  return out;
}

/**
 * The page's JPEG when the page is nothing but that one image, upright and covering the crop box
 * (what scanners and most scan apps write), read with pdf-lib without decoding anything. Taking
 * the JPEG as it is skips pdf.js's JavaScript JPEG decoder and the canvas (~0.5 s a page).
 */
export function fullPageJpeg(page: PdfLibPage): FullPageJpeg | null {
  const bytes = contentBytes(page);
  if (!bytes || bytes.length > 4096) return null;
  const text = Buffer.from(bytes).toString('latin1');
  if (/[()<>\[\]]/.test(text.replace(/\/[^\s/]+/g, ''))) return null;
  const tokens = text.replace(/%[^\r\n]*/g, ' ').split(/\s+/).filter(Boolean);
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  const operands: string[] = [];
  let drawn: { name: string; ctm: Matrix } | null = null;
  for (const tok of tokens) {
    if (tok.startsWith('/') || /^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
      operands.push(tok);
      continue;
    }
    if (tok === 'Do') {
      if (drawn) return null;
      drawn = { name: operands[operands.length - 1]?.slice(1) ?? '', ctm };
    } else if (tok === 'q') stack.push(ctm);
    else if (tok === 'Q') ctm = stack.pop() ?? ctm;
    else if (tok === 'cm') {
      const m = operands.slice(-6).map(Number);
      if (m.length !== 6 || m.some((n) => !Number.isFinite(n))) return null;
      ctm = multiply(ctm, m);
    } else if (!NEUTRAL_OPS.has(tok)) return null;
    operands.length = 0;
  }
  if (!drawn) return null;

  const resources = page.node.Resources();
  const xobjects = resources ? lookup(page, resources.get(PDFName.of('XObject'))) : undefined;
  if (!(xobjects instanceof PDFDict)) return null;
  const image = lookup(page, xobjects.get(PDFName.of(drawn.name)));
  if (!(image instanceof PDFRawStream)) return null;
  const dict = image.dict;
  const get = (key: string) => lookup(page, dict.get(PDFName.of(key)));
  if (get('Subtype') !== PDFName.of('Image')) return null;
  const filter = get('Filter');
  const filters = filter instanceof PDFArray ? filter.asArray().map((f) => lookup(page, f)) : [filter];
  if (filters.length !== 1 || filters[0] !== PDFName.of('DCTDecode')) return null;
  // Masks, decode arrays and CMYK change what the JPEG's pixels mean on the page.
  if (get('SMask') || get('Mask') || get('Decode') || get('ImageMask')) return null;
  const cs = get('ColorSpace');
  const csOk =
    cs === PDFName.of('DeviceGray') ||
    cs === PDFName.of('DeviceRGB') ||
    (cs instanceof PDFArray &&
      lookup(page, cs.get(0)) === PDFName.of('ICCBased') &&
      (() => {
        const icc = lookup(page, cs.get(1));
        const n = icc instanceof PDFRawStream ? lookup(page, icc.dict.get(PDFName.of('N'))) : undefined;
        return n instanceof PDFNumber && (n.asNumber() === 1 || n.asNumber() === 3);
      })());
  if (!csOk) return null;
  const width = get('Width');
  if (!(width instanceof PDFNumber)) return null;

  const box = page.getCropBox();
  const tol = (n: number) => Math.max(1, Math.abs(n) * 0.01);
  if (!coversUpright(drawn.ctm, box.x, box.y, box.width, box.height, tol(box.width), tol(box.height))) return null;
  const jpeg = image.contents;
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  const rotation = ((page.getRotation().angle % 360) + 360) % 360;
  if (rotation % 90 !== 0) return null;
  return { jpeg, dpi: imageDpiOnPage(width.asNumber(), box.width, box.height), rotate: rotation as 0 | 90 | 180 | 270 };
}

/**
 * The resolution of a page-filling image, from its pixels and the page's size in points; undefined
 * when the page is larger than any paper, as phone apps write pages the size of the image's pixels
 * (a 2480-px A4 photo on a 2480-pt page is not a 72-dpi image; OCR then plans it by its shape).
 */
export function imageDpiOnPage(pixelWidth: number, pageWidthPt: number, pageHeightPt: number): number | undefined {
  if (Math.max(Math.abs(pageWidthPt), Math.abs(pageHeightPt)) / 72 > MAX_PAPER_INCHES || !pageWidthPt) return undefined;
  return (pixelWidth / Math.abs(pageWidthPt)) * 72;
}

async function loadPdfLib(bytes: Uint8Array): Promise<PdfLibDocument | null> {
  try {
    return await PdfLibDocument.load(bytes, { ignoreEncryption: true, throwOnInvalidObject: false, updateMetadata: false });
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Pixels

/** The page drawn on white at `dpi` (at most MAX_RENDER_SIDE pixels long), and the dpi it got. */
async function renderPage(page: PDFPageProxy, dpi: number): Promise<{ img: Sharp; dpi: number }> {
  const base = page.getViewport({ scale: 1 });
  let scale = dpi / 72;
  const long = Math.max(base.width, base.height) * scale;
  if (long > MAX_RENDER_SIDE) scale *= MAX_RENDER_SIDE / long;
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.ceil(viewport.width));
  const height = Math.max(1, Math.ceil(viewport.height));
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  await page.render({ canvas: canvas as never, canvasContext: ctx as never, viewport }).promise;
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const img = sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } }).flatten({ background: '#ffffff' });
  return { img, dpi: scale * 72 };
}

/** A page as PNG at `dpi` (previews; capped at 4200 px on the longest side). */
export async function renderPdfPage(bytes: Uint8Array, pageNumber: number, dpi = 110): Promise<Buffer> {
  return withPdf(bytes, async (doc) => {
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > doc.numPages) {
      throw new RangeError(`page ${pageNumber} does not exist (the PDF has ${doc.numPages})`);
    }
    const page = await doc.getPage(pageNumber);
    const rendered = await renderPage(page, dpi);
    page.cleanup();
    return rendered.img.withDensity(Math.round(rendered.dpi)).png().toBuffer();
  });
}

interface DecodedImage {
  width: number;
  height: number;
  kind: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** The decoded pixels of a page's single full-page image as a lossless image sharp can read. */
async function fullPageImagePixels(page: PDFPageProxy, id: string): Promise<{ png: Buffer; dpi: number | undefined } | null> {
  let img: DecodedImage | null = null;
  try {
    img = (page.objs.has(id) ? page.objs.get(id) : page.commonObjs.get(id)) as DecodedImage | null;
  } catch {
    return null;
  }
  if (!img || !img.data || !img.width || !img.height) return null;
  const { width, height } = img;
  let raw: Buffer;
  let channels: 1 | 3 | 4;
  if (img.kind === 1) {
    // 1 bit per pixel, rows padded to whole bytes, a set bit is white.
    const rowBytes = (width + 7) >> 3;
    raw = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const byte = img.data[y * rowBytes + (x >> 3)]!;
        raw[y * width + x] = byte & (0x80 >> (x & 7)) ? 255 : 0;
      }
    }
    channels = 1;
  } else if (img.kind === 2 && img.data.length >= width * height * 3) {
    raw = Buffer.from(img.data.buffer, img.data.byteOffset, width * height * 3);
    channels = 3;
  } else if (img.kind === 3 && img.data.length >= width * height * 4) {
    raw = Buffer.from(img.data.buffer, img.data.byteOffset, width * height * 4);
    channels = 4;
  } else {
    return null;
  }
  const base = page.getViewport({ scale: 1 });
  const dpi = imageDpiOnPage(width, base.width, base.height);
  const png = await sharp(raw, { raw: { width, height, channels } })
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return { png, dpi };
}

async function pageImageForOcr(page: PDFPageProxy, images: PageImages | null): Promise<{ png: Buffer; dpi: number | undefined }> {
  // The fast path needs an unrotated page: the image is then the page as displayed.
  if (images?.fullPageImage && page.rotate % 360 === 0) {
    const direct = await fullPageImagePixels(page, images.fullPageImage);
    if (direct) return direct;
  }
  const rendered = await renderPage(page, PDF_OCR_DPI);
  return { png: await rendered.img.png({ compressionLevel: 1 }).toBuffer(), dpi: rendered.dpi };
}

// ---------------------------------------------------------------------------------------------
// The reader

export interface ReadPdfOptions {
  ocr: OcrEngine;
  maxPages?: number;
  /** Pages OCR'd at the same time (rendering stays sequential); default 4. */
  concurrency?: number;
  /** Called before each page; what it throws stops the reading (a time budget, see read.ts). */
  beforePage?: (page: number, pages: number) => void;
}


/**
 * Whether a page's own content may paint an image or invisible text (a `Do` or `3 Tr` operator),
 * read from its raw content stream: a digital page with neither is text and needs no operator
 * list (which costs more than reading its text, measured ~30 → ~65 ms per generated invoice).
 * Unknown (no pdf-lib view, undecodable stream) counts as "may".
 */
export function mayHideText(page: PdfLibPage | null): boolean {
  if (!page) return true;
  const bytes = contentBytes(page);
  if (!bytes) return true;
  const ops = Buffer.from(bytes).toString('latin1');
  return /(?:^|[\s)\]>])Do\b/.test(ops) || /(?:^|\s)3\s+Tr\b/.test(ops);
}

/** Why a page was OCR'd, or null when its text layer is used; `layerVotes` when the page's text is someone else's OCR. */
async function ocrReason(
  page: PDFPageProxy,
  text: PdfTextPage,
  pdfjs: PdfJs,
  libPage: () => Promise<PdfLibPage | null>,
): Promise<{ reason: string | null; images: PageImages | null; layerVotes?: boolean }> {
  const chars = alnumCount(text.text);
  if (brokenShare(text.text) > 0.3) return { reason: 'the text layer is unreadable (broken font encoding)', images: await inspectImages(page, pdfjs) };
  if (chars >= RICH_TEXT_CHARS && !mayHideText(await libPage())) return { reason: null, images: null };
  const images = await inspectImages(page, pdfjs);
  if (chars >= MIN_TEXT_CHARS && isScanWithTextLayer(images)) return { reason: 'a scan with its own OCR text layer', images, layerVotes: true };
  if (chars >= RICH_TEXT_CHARS) return { reason: null, images };
  if (chars < MIN_TEXT_CHARS) {
    // Nearly empty: OCR only if something is drawn that may be text (an image, or outlined glyphs).
    if (images.coverage > 0.02 || images.otherPaints > 40) return { reason: 'no text layer', images };
    return { reason: null, images };
  }
  if (images.coverage > 0.4) return { reason: 'a scanned page with little text layer', images, layerVotes: true };
  return { reason: null, images };
}

export async function readPdf(bytes: Uint8Array, opts: ReadPdfOptions): Promise<ReadDocument> {
  const pdfjs = await loadPdfJs();
  return withPdf(bytes, async (doc) => {
    const n = doc.numPages;
    if (n < 1) throw new PdfReadError('the PDF has no pages', 'no_pages');
    if (opts.maxPages !== undefined && n > opts.maxPages) {
      throw new PdfReadError(`the PDF has ${n} pages, more than the limit of ${opts.maxPages}`, 'too_large');
    }
    const pages: Page[] = new Array(n);
    // Scanned pages' own OCR layers, kept as one more reading (see isScanWithTextLayer).
    const embedded: Page[] = [];
    // pdf-lib's view of the same file, parsed only if some page looks scanned.
    let lib: Promise<PdfLibDocument | null> | null = null;
    const inFlight = new Set<Promise<void>>();
    const limit = Math.max(1, opts.concurrency ?? 4);
    let firstError: unknown = null;
    for (let i = 1; i <= n; i++) {
      if (firstError) break;
      opts.beforePage?.(i, n);
      let page: PDFPageProxy;
      try {
        page = await doc.getPage(i);
      } catch (err) {
        throw new PdfReadError(`page ${i} cannot be parsed: ${err instanceof Error ? err.message : String(err)}`, 'corrupt');
      }
      const text = await readTextLayer(page).catch(() => ({ number: i, width: 0, height: 0, lines: [], text: '' }) as PdfTextPage);
      const vp = page.getViewport({ scale: 1 });
      let scan: FullPageJpeg | null = null;
      if (alnumCount(text.text) < MIN_TEXT_CHARS) {
        lib ??= loadPdfLib(bytes);
        const libDoc = await lib;
        if (libDoc && libDoc.getPageCount() === n) {
          try {
            scan = fullPageJpeg(libDoc.getPage(i - 1));
          } catch {
            scan = null;
          }
        }
      }
      const libPage = async (): Promise<PdfLibPage | null> => {
        lib ??= loadPdfLib(bytes);
        const libDoc = await lib;
        return libDoc && libDoc.getPageCount() === n ? libDoc.getPage(i - 1) : null;
      };
      const { reason, images, layerVotes } = scan ? { reason: 'a scanned page', images: null, layerVotes: false } : await ocrReason(page, text, pdfjs, libPage);
      if (!reason) {
        pages[i - 1] = { number: i, method: 'text', width: round2(vp.width), height: round2(vp.height), lines: text.lines };
        page.cleanup();
        continue;
      }
      if (layerVotes && text.lines.length > 0) {
        embedded.push({ number: i, method: 'ocr', width: round2(vp.width), height: round2(vp.height), lines: normalizeOcrLines(text.lines) });
      }
      const input = scan
        ? { image: Buffer.from(scan.jpeg), prep: { dpi: scan.dpi, rotate: scan.rotate } }
        : await pageImageForOcr(page, images).then((r) => ({ image: r.png, prep: { dpi: r.dpi } }));
      page.cleanup();
      // The picture's statistics from the pixels OCR reads: rendering the page again through
      // pdf.js to measure it decoded a 300-dpi scan a second time (~1 s a page).
      const job = Promise.all([ocrImage(opts.ocr, input.image, input.prep), imageStats(input.image)])
        .then(([r, image]) => {
          pages[i - 1] = { number: i, method: 'ocr', width: round2(vp.width), height: round2(vp.height), lines: r.lines, image };
        })
        .catch((err) => {
          firstError ??= err;
        });
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (firstError) throw firstError;
    const method = pages.some((p) => p.method === 'ocr') ? 'ocr' : 'text';
    return embedded.length ? { fileType: 'pdf', method, pages, embeddedOcr: embedded } : { fileType: 'pdf', method, pages };
  });
}
