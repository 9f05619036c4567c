// Lays out text lines into a ReadDocument with plausible boxes, so extraction rules can be
// tested in milliseconds without rendering or OCR. Not used by the product.
import type { Box, FileType, Line, Page, ReadDocument, ReadMethod, Word } from '../types.ts';
import type { OcrEngine } from '../ocr.ts';

export interface LayoutLine {
  /** Cells separated by " | " are placed in columns: first at `x`, the last right-aligned. */
  text: string;
  /** Left edge of the line (0..1). Default 0.08. */
  x?: number;
  /** Text height as a fraction of the page height. Default 0.012. */
  size?: number;
  /** Extra vertical space before the line, in line heights. */
  gap?: number;
  /** Explicit column positions (left edges, 0..1) for the cells. */
  cols?: number[];
}

export interface LayoutOptions {
  method?: ReadMethod;
  fileType?: FileType;
  /** Word confidence (OCR pages); 1 for text. */
  confidence?: number;
}

const CHAR_W = 0.5; // character width relative to text height, on a 1:1.41 page
const PAGE_ASPECT = 595 / 842;

function wordsFor(text: string, x: number, y: number, size: number, conf: number): Word[] {
  const words: Word[] = [];
  const cw = (size * CHAR_W) / PAGE_ASPECT;
  let cursor = x;
  for (const part of text.split(/(\s+)/)) {
    if (!part) continue;
    if (/^\s+$/.test(part)) {
      cursor += part.length * cw;
      continue;
    }
    words.push({ text: part, confidence: conf, box: { x: round(cursor), y: round(y), w: round(part.length * cw), h: round(size) } });
    cursor += part.length * cw;
  }
  return words;
}

function round(n: number): number {
  return Math.round(n * 100000) / 100000;
}

function union(boxes: Box[]): Box {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** One page per array of lines. Plain strings are lines with default placement. */
export function layoutDocument(pages: (string | LayoutLine)[][], opts: LayoutOptions = {}): ReadDocument {
  const method = opts.method ?? 'text';
  const conf = opts.confidence ?? (method === 'ocr' ? 0.9 : 1);
  const outPages: Page[] = pages.map((lines, pi) => {
    let y = 0.05;
    const out: Line[] = [];
    for (const item of lines) {
      const l: LayoutLine = typeof item === 'string' ? { text: item } : item;
      const size = l.size ?? 0.012;
      y += (l.gap ?? 0) * size * 1.6;
      const cells = l.text.split(' | ');
      const cw = (size * CHAR_W) / PAGE_ASPECT;
      const x0 = l.x ?? 0.08;
      cells.forEach((cell, ci) => {
        if (!cell.trim()) return;
        let cx: number;
        if (l.cols && l.cols[ci] !== undefined) cx = l.cols[ci]!;
        else if (ci === 0) cx = x0;
        else if (ci === cells.length - 1 && cells.length > 1) cx = 0.92 - cell.length * cw;
        else cx = x0 + ((0.92 - x0) * ci) / (cells.length - 1) - (cell.length * cw) / 2;
        const words = wordsFor(cell, cx, y, size, conf);
        if (words.length === 0) return;
        // A reader reports each column cell as its own line, as PDF text items and OCR blocks do.
        out.push({ text: words.map((w) => w.text).join(' '), words, box: union(words.map((w) => w.box)), confidence: conf });
      });
      y += size * 1.6;
    }
    out.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
    return { number: pi + 1, method, width: method === 'ocr' ? 1240 : 595, height: method === 'ocr' ? 1754 : 842, lines: out };
  });
  return { fileType: opts.fileType ?? (method === 'ocr' ? 'png' : 'pdf'), method, pages: outPages };
}

/** Shorthand for a one-page document. */
export function layoutPage(lines: (string | LayoutLine)[], opts: LayoutOptions = {}): ReadDocument {
  return layoutDocument([lines], opts);
}

/**
 * The OCR engine for tests whose documents must never reach OCR (text-layer PDFs): it refuses,
 * so a page sent to OCR by mistake fails the test instead of slowing it down.
 */
export const noOcr: OcrEngine = {
  recognize: () => Promise.reject(new Error('a test document was sent to OCR')),
  close: async () => {},
};
