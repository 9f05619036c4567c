// The extractor's view of a page: visual rows of tokens with their boxes. Readers split text
// differently (a PDF text item can hold several words, OCR can put the label and the amount of
// one printed line into two blocks), so everything below works on rows rebuilt from word boxes,
// not on the reader's lines.
import { roundBox, unionBox } from '../lines.ts';
import type { Box, ReadDocument, ReadMethod } from '../types.ts';

export interface Token {
  /** As printed (one whitespace-free piece). */
  text: string;
  /** Lower case, accents removed, for keyword matching. */
  norm: string;
  box: Box;
  confidence: number;
}

export interface Row {
  page: number;
  method: ReadMethod;
  /** Position of the row in the whole document (0-based, pages in order). */
  index: number;
  /** Position of the row on its page (0-based). */
  pageIndex: number;
  /** Rows on the page, to weigh positions. */
  pageRows: number;
  tokens: Token[];
  /** Tokens joined by one space, as printed. */
  text: string;
  /** Tokens' `norm` joined by one space; same token starts as `text` is not guaranteed. */
  norm: string;
  textStarts: number[];
  normStarts: number[];
  box: Box;
  /** Median token height: a font-size proxy (fraction of the page height). */
  height: number;
  /** Page width / height: multiplies a horizontal fraction into page-height units. */
  aspect: number;
  /** Token groups split where the horizontal gap is wide (columns of a table, label | value). */
  segments: Token[][];
}

export interface DocView {
  rows: Row[];
  pages: { number: number; rows: Row[]; method: ReadMethod }[];
  method: ReadMethod;
  /** Median row height over the document, to compare font sizes. */
  medianHeight: number;
}

export function normalize(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-');
}

/** Union of the boxes present, rounded to 4 places; null when there are none. */
export function unionBoxes(boxes: (Box | null | undefined)[]): Box | null {
  const present = boxes.filter((b): b is Box => !!b);
  return present.length ? roundBox(unionBox(present)) : null;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Chinese prints a label and its value without a space ("合计：¥128.00", "日期2026年3月5日"):
 * a space after the label lets it be read as the value's label (the word's box is then shared
 * by character count, as for any word holding spaces).
 */
function separateCjkLabel(text: string): string {
  if (!/[\u3400-\u9fff]/.test(text)) return text;
  return text.replace(/(\p{Script=Han}[：:]?)(?=[¥￥$€£]?\d)/gu, '$1 ');
}

/** Splits a reader word that holds spaces into tokens, sharing its box by character count. */
function splitWord(text: string, box: Box, confidence: number): Token[] {
  const parts: { s: string; start: number }[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) parts.push({ s: m[0], start: m.index });
  if (parts.length === 0) return [];
  if (parts.length === 1 && parts[0]!.s.length === text.length) {
    return [{ text, norm: normalize(text), box, confidence }];
  }
  const n = text.length;
  return parts.map(({ s, start }) => ({
    text: s,
    norm: normalize(s),
    box: { x: box.x + (box.w * start) / n, y: box.y, w: (box.w * s.length) / n, h: box.h },
    confidence,
  }));
}

function vOverlap(a: Box, b: Box): number {
  const top = Math.max(a.y, b.y);
  const bottom = Math.min(a.y + a.h, b.y + b.h);
  return Math.max(0, bottom - top);
}

function makeRow(tokens: Token[], page: number, method: ReadMethod, aspect: number): Omit<Row, 'index' | 'pageIndex' | 'pageRows'> {
  tokens.sort((a, b) => a.box.x - b.box.x);
  const textStarts: number[] = [];
  const normStarts: number[] = [];
  let text = '';
  let norm = '';
  for (const t of tokens) {
    if (text) {
      text += ' ';
      norm += ' ';
    }
    textStarts.push(text.length);
    normStarts.push(norm.length);
    text += t.text;
    norm += t.norm;
  }
  const height = median(tokens.map((t) => t.box.h));
  const segments: Token[][] = [];
  let cur: Token[] = [];
  for (const t of tokens) {
    const prev = cur[cur.length - 1];
    // A gap wider than ~1.5 character heights separates columns; a normal space is ~0.3.
    if (prev && (t.box.x - (prev.box.x + prev.box.w)) * aspect > 1.5 * Math.max(height, 1e-6)) {
      segments.push(cur);
      cur = [];
    }
    cur.push(t);
  }
  if (cur.length) segments.push(cur);
  return { page, method, tokens, text, norm, textStarts, normStarts, box: unionBoxes(tokens.map((t) => t.box))!, height, aspect, segments };
}

/**
 * Rebuilds visual rows: tokens whose vertical extents overlap by more than half the smaller
 * height belong to one row. Readers give lines; two lines side by side (label block, amount
 * block) are merged, and a line never gets split.
 */
export function buildView(doc: ReadDocument): DocView {
  const pages: DocView['pages'] = [];
  const rows: Row[] = [];
  for (const page of doc.pages) {
    type Group = { tokens: Token[]; top: number; bottom: number; h: number };
    const groups: Group[] = [];
    const lines = [...page.lines].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
    for (const line of lines) {
      const words = line.words.length ? line.words : [{ text: line.text, box: line.box, confidence: line.confidence }];
      const tokens = words.flatMap((w) => splitWord(separateCjkLabel(w.text), w.box, w.confidence));
      if (tokens.length === 0) continue;
      const lb = unionBoxes(tokens.map((t) => t.box))!;
      const lh = median(tokens.map((t) => t.box.h)) || lb.h;
      const core: Box = { x: lb.x, y: lb.y + lb.h / 2 - lh / 2, w: lb.w, h: lh };
      let best: Group | null = null;
      let bestOv = 0;
      for (const g of groups) {
        const ov = vOverlap(core, { x: 0, y: g.top, w: 1, h: g.bottom - g.top });
        const need = 0.5 * Math.min(lh, g.h);
        if (ov > need && ov > bestOv && !overlapsHorizontally(g.tokens, tokens)) {
          best = g;
          bestOv = ov;
        }
      }
      if (best) {
        best.tokens.push(...tokens);
      } else {
        groups.push({ tokens, top: core.y, bottom: core.y + core.h, h: lh });
      }
    }
    const pageRows = groups
      .map((g) => makeRow(g.tokens, page.number, page.method, page.width > 0 && page.height > 0 ? page.width / page.height : 1))
      .sort((a, b) => a.box.y + a.box.h / 2 - (b.box.y + b.box.h / 2) || a.box.x - b.box.x);
    const done: Row[] = pageRows.map((r, i) => ({ ...r, index: rows.length + i, pageIndex: i, pageRows: pageRows.length }));
    rows.push(...done);
    pages.push({ number: page.number, rows: done, method: page.method });
  }
  return { rows, pages, method: doc.method, medianHeight: median(rows.map((r) => r.height)) };
}

function overlapsHorizontally(a: Token[], b: Token[]): boolean {
  // Two lines that overlap horizontally are stacked text (or a mis-grouped OCR line), not two
  // halves of one printed row.
  for (const x of a) {
    for (const y of b) {
      const ov = Math.min(x.box.x + x.box.w, y.box.x + y.box.w) - Math.max(x.box.x, y.box.x);
      if (ov > 0.5 * Math.min(x.box.w, y.box.w)) return true;
    }
  }
  return false;
}

export interface Span {
  row: Row;
  /** Token index range [start, end). */
  start: number;
  end: number;
}

/** Token span covering [from, to) of `row.norm` (or `row.text` when `onText`). */
export function spanAt(row: Row, from: number, to: number, onText = false): Span {
  const starts = onText ? row.textStarts : row.normStarts;
  const src = onText ? row.tokens.map((t) => t.text) : row.tokens.map((t) => t.norm);
  let start = 0;
  let end = 0;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    const e = s + src[i]!.length;
    if (e <= from) start = i + 1;
    if (s < to) end = i + 1;
  }
  return { row, start: Math.min(start, end), end };
}

export function spanBox(span: Span): Box | null {
  return unionBoxes(span.row.tokens.slice(span.start, span.end).map((t) => t.box));
}

export function spanText(span: Span): string {
  return span.row.tokens
    .slice(span.start, span.end)
    .map((t) => t.text)
    .join(' ');
}

export function spanConfidence(span: Span): number {
  const ts = span.row.tokens.slice(span.start, span.end);
  if (ts.length === 0) return 1;
  return Math.min(...ts.map((t) => t.confidence));
}

/** Every match of a (global) regex on the row's normalised text, as token spans. */
export function matchAll(row: Row, re: RegExp): { m: RegExpExecArray; span: Span }[] {
  const out: { m: RegExpExecArray; span: Span }[] = [];
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  let m: RegExpExecArray | null;
  while ((m = g.exec(row.norm))) {
    if (m[0].length === 0) {
      g.lastIndex++;
      continue;
    }
    out.push({ m, span: spanAt(row, m.index, m.index + m[0].length) });
  }
  return out;
}

/** Rows just below `row` on the same page whose tokens overlap the horizontal band [x0, x1]. */
export function rowsBelow(view: DocView, row: Row, x0: number, x1: number, max = 2): Row[] {
  const page = view.pages.find((p) => p.number === row.page);
  if (!page) return [];
  const out: Row[] = [];
  for (let i = row.pageIndex + 1; i < page.rows.length && out.length < max; i++) {
    const r = page.rows[i]!;
    if (r.box.y - (row.box.y + row.box.h) > 4 * Math.max(row.height, r.height)) break;
    if (r.tokens.some((t) => t.box.x < x1 && t.box.x + t.box.w > x0)) out.push(r);
  }
  return out;
}

/** Logistic squashing of a score into a 0..1 confidence. */
export function squash(score: number, mid = 0, scale = 1): number {
  return 1 / (1 + Math.exp(-(score - mid) / scale));
}
