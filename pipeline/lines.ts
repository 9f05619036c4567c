// Words → Lines for both readers. A text layer and an OCR engine both deliver runs of words
// (pdf.js items, tesseract lines) that can split one visual row into pieces (a label on the
// left, its amount far right). Extraction reads "Total ... 1,234.56" as one line, so pieces whose
// vertical extents mostly overlap are joined into one row, ordered left to right.

import type { Box, Line, Word } from './types.ts';

export function unionBox(boxes: Box[]): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.w);
    y1 = Math.max(y1, b.y + b.h);
  }
  if (!Number.isFinite(x0)) return { x: 0, y: 0, w: 0, h: 0 };
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function clampBox(b: Box): Box {
  const x0 = Math.min(1, Math.max(0, b.x));
  const y0 = Math.min(1, Math.max(0, b.y));
  const x1 = Math.min(1, Math.max(0, b.x + b.w));
  const y1 = Math.min(1, Math.max(0, b.y + b.h));
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

interface Row {
  words: Word[];
  top: number;
  bottom: number;
  /** Height of the tallest piece; tolerance scales with it. */
  height: number;
}

function verticalOverlap(aTop: number, aBottom: number, bTop: number, bBottom: number): number {
  return Math.min(aBottom, bBottom) - Math.max(aTop, bTop);
}

function horizontallyFree(row: Row, box: Box): boolean {
  // Two pieces that overlap horizontally are stacked text (e.g. superscripts aside), not one row.
  for (const w of row.words) {
    const overlap = Math.min(w.box.x + w.box.w, box.x + box.w) - Math.max(w.box.x, box.x);
    if (overlap > Math.min(w.box.w, box.w) * 0.5) return false;
  }
  return true;
}

/**
 * Joins runs of words (each already known to lie on one line) into rows and returns Lines in
 * reading order: top to bottom, then left to right. Empty runs are dropped.
 */
export function assembleLines(runs: Word[][]): Line[] {
  const pieces = runs
    .filter((r) => r.length > 0)
    .map((words) => ({ words, box: unionBox(words.map((w) => w.box)) }))
    .sort((a, b) => a.box.y + a.box.h / 2 - (b.box.y + b.box.h / 2) || a.box.x - b.box.x);

  const rows: Row[] = [];
  for (const piece of pieces) {
    const top = piece.box.y;
    const bottom = piece.box.y + piece.box.h;
    let best: Row | null = null;
    let bestOverlap = 0;
    // Only recent rows can hold a piece sorted by its centre; looking back a few is enough.
    for (let i = rows.length - 1; i >= 0 && i >= rows.length - 4; i--) {
      const row = rows[i]!;
      const overlap = verticalOverlap(row.top, row.bottom, top, bottom);
      const needed = 0.5 * Math.min(row.bottom - row.top, bottom - top);
      if (overlap > needed && overlap > bestOverlap && horizontallyFree(row, piece.box)) {
        best = row;
        bestOverlap = overlap;
      }
    }
    if (best) {
      best.words.push(...piece.words);
      best.top = Math.min(best.top, top);
      best.bottom = Math.max(best.bottom, bottom);
      best.height = Math.max(best.height, piece.box.h);
    } else {
      rows.push({ words: [...piece.words], top, bottom, height: piece.box.h });
    }
  }

  return rows
    .map((row) => toLine(row.words.sort((a, b) => a.box.x - b.box.x)))
    .sort((a, b) => a.box.y + a.box.h / 2 - (b.box.y + b.box.h / 2) || a.box.x - b.box.x);
}

function toLine(words: Word[]): Line {
  let chars = 0;
  let weighted = 0;
  for (const w of words) {
    const n = Math.max(1, w.text.length);
    chars += n;
    weighted += w.confidence * n;
  }
  return {
    text: words.map((w) => w.text).join(' '),
    words,
    box: unionBox(words.map((w) => w.box)),
    confidence: chars > 0 ? round3(weighted / chars) : 0,
  };
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function roundBox(b: Box): Box {
  const r = (n: number) => Math.round(n * 10000) / 10000;
  return { x: r(b.x), y: r(b.y), w: r(b.w), h: r(b.h) };
}

/** Letters and digits in a text: how much a reading holds (usable-text.ts judges whether it is text). */
export function alnumCount(text: string): number {
  const m = text.match(/[\p{L}\p{N}]/gu);
  return m ? m.length : 0;
}
