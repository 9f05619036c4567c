// What every field rule looks at: the rows, every amount and date found on them, and where the
// words that label a value sit (left of it on its row, or above it in its column).
import type { ImageStats } from '../image-stats.ts';
import type { Box, ReadDocument } from '../types.ts';
import { scanDates, type DateMention } from './date.ts';
import { decimalStyle, scanMoney, type MoneyMention } from './money-scan.ts';
import type { DecimalStyle } from './number.ts';
import { buildView, spanBox, type DocView, type Row, type Span } from './text.ts';

export interface DocContext {
  view: DocView;
  style: DecimalStyle | null;
  money: MoneyMention[];
  dates: DateMention[];
  /** The same, by row. */
  moneyOn(row: Row): MoneyMention[];
  datesOn(row: Row): DateMention[];
  /** All text as printed, rows joined by newlines. */
  text: string;
  /** All normalised text. */
  norm: string;
  /** How the OCR'd pages look as pictures, page by page (absent for text-layer pages). */
  images: ImageStats[];
}

export function buildContext(doc: ReadDocument): DocContext {
  const view = buildView(doc);
  const style = decimalStyle(view.rows);
  const dates: DateMention[] = [];
  const money: MoneyMention[] = [];
  for (const r of view.rows) {
    const rowDates = scanDates(r);
    dates.push(...rowDates);
    // A date is never also an amount ("31.05.14"), so amounts inside date spans are dropped.
    money.push(...scanMoney(r, style).filter((m) => !rowDates.some((d) => overlaps(d.span, m.span))));
  }
  const byRow = <T extends { row: Row }>(list: T[]) => {
    const map = new Map<Row, T[]>();
    for (const x of list) map.set(x.row, [...(map.get(x.row) ?? []), x]);
    return (row: Row) => map.get(row) ?? [];
  };
  return {
    view,
    style,
    money,
    dates,
    moneyOn: byRow(money),
    datesOn: byRow(dates),
    text: view.rows.map((r) => r.text).join('\n'),
    norm: view.rows.map((r) => r.norm).join('\n'),
    images: doc.pages.flatMap((p) => (p.image ? [p.image] : [])),
  };
}

export function overlaps(a: Span, b: Span): boolean {
  return a.row === b.row && a.start < b.end && b.start < a.end;
}

/** Token indexes of the row taken by values (amounts, dates) rather than words. */
function valueTokens(ctx: DocContext, row: Row): Set<number> {
  const set = new Set<number>();
  for (const m of ctx.moneyOn(row)) for (let i = m.span.start; i < m.span.end; i++) set.add(i);
  for (const d of ctx.datesOn(row)) for (let i = d.span.start; i < d.span.end; i++) set.add(i);
  return set;
}

export interface Label {
  /** Normalised label words. */
  norm: string;
  /** Where it came from: the same row just left of the value, the row's leading words, the row above, or a column header. */
  where: 'left' | 'row' | 'above' | 'header';
  rowIndex: number;
  /** For a column header: the whole header row, normalised. */
  rowNorm?: string;
}

const LETTERS = /[a-z]{2,}/;

/**
 * The words that label the value at `span`: those just left of it on its row back to the
 * previous value; when there are none, the row's first words; when the row has no words, the
 * row just above (a label printed over its value).
 */
export function labelsFor(ctx: DocContext, span: Span): Label[] {
  const row = span.row;
  const taken = valueTokens(ctx, row);
  const out: Label[] = [];
  let i = span.start - 1;
  const left: string[] = [];
  while (i >= 0 && !taken.has(i)) {
    left.unshift(row.tokens[i]!.norm);
    i--;
  }
  const leftText = left.join(' ').trim();
  if (LETTERS.test(leftText)) out.push({ norm: leftText, where: 'left', rowIndex: row.index });
  else {
    const words: string[] = [];
    for (let k = 0; k < span.start; k++) if (!taken.has(k)) words.push(row.tokens[k]!.norm);
    const rowText = words.join(' ').trim();
    if (LETTERS.test(rowText)) out.push({ norm: rowText, where: 'row', rowIndex: row.index });
  }
  if (out.length === 0) {
    const above = previousRow(ctx, row);
    if (above && above.box.y + above.box.h > row.box.y - 2.5 * row.height) {
      const aboveTaken = valueTokens(ctx, above);
      const b = spanBox(span)!;
      const words = above.tokens.filter((t, k) => !aboveTaken.has(k) && t.box.x < b.x + b.w + 0.05);
      const t = words.map((w) => w.norm).join(' ');
      if (LETTERS.test(t) && aboveTaken.size === 0) out.push({ norm: t, where: 'above', rowIndex: above.index });
    }
  }
  const header = columnHeader(ctx, span);
  if (header) out.push(header);
  return out;
}

export function previousRow(ctx: DocContext, row: Row): Row | null {
  const page = ctx.view.pages.find((p) => p.number === row.page)!;
  return row.pageIndex > 0 ? page.rows[row.pageIndex - 1]! : null;
}

export function nextRow(ctx: DocContext, row: Row): Row | null {
  const page = ctx.view.pages.find((p) => p.number === row.page)!;
  return page.rows[row.pageIndex + 1] ?? null;
}

/**
 * The header of the column the value sits in: the nearest row above (within a few rows) with
 * words overlapping the value horizontally and no values of its own under them.
 */
export function columnHeader(ctx: DocContext, span: Span, maxRows = 8): Label | null {
  const row = span.row;
  const b = spanBox(span);
  if (!b) return null;
  const page = ctx.view.pages.find((p) => p.number === row.page)!;
  for (let k = row.pageIndex - 1, n = 0; k >= 0 && n < maxRows; k--, n++) {
    const r = page.rows[k]!;
    const taken = valueTokens(ctx, r);
    const hits = r.tokens.filter((t, i) => !taken.has(i) && hOverlap(t.box, b) > 0);
    if (hits.length === 0) continue;
    const words = hits.map((t) => t.norm).join(' ');
    if (!LETTERS.test(words)) return null;
    // A header row holds no amounts; a row with amounts above is another line item.
    if (ctx.moneyOn(r).some((m) => m.fractionDigits > 0)) return null;
    // Widen to the whole header cell (the segment holding the hits).
    const seg = r.segments.find((s) => s.includes(hits[0]!));
    const cell = seg ? seg.map((t) => t.norm).join(' ') : words;
    return { norm: cell, where: 'header', rowIndex: r.index, rowNorm: r.norm };
  }
  return null;
}

export function hOverlap(a: Box, b: Box): number {
  return Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
}

/** Regex tests with weights; returns the sum of the weights of those that match. */
export function weigh(text: string, rules: [RegExp, number][]): { score: number; hits: string[] } {
  let score = 0;
  const hits: string[] = [];
  for (const [re, w] of rules) {
    const m = re.exec(text);
    if (m) {
      score += w;
      hits.push(m[0]);
    }
  }
  return { score, hits };
}
