// A small flow layout on pdf-lib for the generated PDFs: headings, wrapped paragraphs, label /
// value lists and tables whose rows wrap, break across pages and repeat their header on every
// new page; then "page n of N" stamped on every page, rotated pages included. pdf-lib draws at
// coordinates only, so this keeps a cursor from the top of the page and starts pages itself.
import { PDFDocument, degrees, rgb, type PDFPage, type RGB } from 'pdf-lib';
import { cleanText, embedFonts, type FontChain, type PdfFontOptions, type TextFonts } from './fonts.ts';

/** A4 portrait in points. */
export const A4: readonly [number, number] = [595.28, 841.89];
export const A4_LANDSCAPE: readonly [number, number] = [841.89, 595.28];

const GREY = rgb(0.4, 0.4, 0.4);
const RULE = rgb(0.75, 0.75, 0.75);
const HEADER_FILL = rgb(0.9, 0.92, 0.95);

/** Lines of `text` no wider than `width`: words kept whole unless one alone is too wide. */
export function wrapText(font: FontChain, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  const space = font.measureClean(' ', size);
  for (const paragraph of cleanText(text).split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(/ +/).filter((w) => w !== '')) {
      const wordWidth = font.measureClean(word, size);
      if (line && lineWidth + space + wordWidth <= width) {
        line += ` ${word}`;
        lineWidth += space + wordWidth;
        continue;
      }
      if (!line && wordWidth <= width) {
        line = word;
        lineWidth = wordWidth;
        continue;
      }
      if (wordWidth <= width) {
        lines.push(line);
        line = word;
        lineWidth = wordWidth;
        continue;
      }
      // A word wider than the column (a long file name, text with no spaces such as Chinese) is
      // cut after a / - _ . where it can be, else between characters.
      let piece = line ? `${line} ` : '';
      let pieceWidth = line ? lineWidth + space : 0;
      for (const part of word.split(/(?<=[/\-_.])/)) {
        const partWidth = font.measureClean(part, size);
        if (pieceWidth + partWidth <= width) {
          piece += part;
          pieceWidth += partWidth;
          continue;
        }
        if (piece.trim()) lines.push(piece.trimEnd());
        piece = '';
        pieceWidth = 0;
        for (const ch of part) {
          const w = font.measureClean(ch, size);
          if (piece && pieceWidth + w > width) {
            lines.push(piece);
            piece = '';
            pieceWidth = 0;
          }
          piece += ch;
          pieceWidth += w;
        }
      }
      line = piece;
      lineWidth = pieceWidth;
    }
    lines.push(line);
  }
  return lines;
}

export interface TableColumn {
  header: string;
  /** Share of the content width (the shares are scaled to add up to it). */
  width: number;
  align?: 'left' | 'right';
}

export interface TableRow {
  cells: string[];
  color?: RGB;
  bold?: boolean;
}

export interface FlowOptions {
  pageSize?: readonly [number, number];
  margin?: number;
  /** Space kept free at the bottom for the page number. */
  footer?: number;
}

export class PdfFlow {
  page!: PDFPage;
  /** Distance from the top edge of the page to the top of the next thing drawn. */
  y = 0;
  readonly size: readonly [number, number];
  readonly margin: number;
  private readonly footer: number;

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: TextFonts,
    options: FlowOptions = {},
  ) {
    this.size = options.pageSize ?? A4;
    this.margin = options.margin ?? 42;
    this.footer = options.footer ?? 28;
    this.newPage();
  }

  /** A new document with the fonts embedded and the first page started. */
  static async create(options: FlowOptions & { fonts?: PdfFontOptions; title?: string } = {}): Promise<PdfFlow> {
    const doc = await PDFDocument.create();
    if (options.title) doc.setTitle(options.title);
    doc.setProducer('claimproof');
    doc.setCreator('claimproof');
    return new PdfFlow(doc, await embedFonts(doc, options.fonts), options);
  }

  get width(): number {
    return this.size[0] - 2 * this.margin;
  }

  private get bottom(): number {
    return this.size[1] - this.margin - this.footer;
  }

  newPage(): void {
    this.page = this.doc.addPage([this.size[0], this.size[1]]);
    this.y = this.margin;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensure(height: number): void {
    if (this.y + height > this.bottom && this.y > this.margin) this.newPage();
  }

  space(points: number): void {
    this.y = Math.min(this.y + points, this.bottom);
  }

  private line(font: FontChain, text: string, x: number, size: number, color: RGB = rgb(0, 0, 0)): void {
    // y is the top of the line box; the baseline sits at ~80 % of the font size below it.
    font.draw(this.page, text, { x, y: this.size[1] - this.y - size * 0.8, size, color });
  }

  /** A wrapped paragraph that continues on the next page when it does not fit. */
  text(text: string, opts: { size?: number; bold?: boolean; color?: RGB; indent?: number; hang?: number; after?: number } = {}): void {
    const size = opts.size ?? 10;
    const font = opts.bold ? this.fonts.bold : this.fonts.regular;
    const indent = opts.indent ?? 0;
    // A hanging indent keeps the continuation lines of a bullet clear of the bullet.
    const hang = opts.hang ?? 0;
    const leading = size * 1.3;
    wrapText(font, text, size, this.width - indent - hang).forEach((l, i) => {
      this.ensure(leading);
      this.line(font, l, this.margin + indent + (i > 0 ? hang : 0), size, opts.color);
      this.y += leading;
    });
    this.y += opts.after ?? size * 0.4;
  }

  heading(text: string, size = 13): void {
    this.ensure(size * 3);
    this.space(size * 0.4);
    this.text(text, { size, bold: true, after: size * 0.3 });
  }

  /** "Label: value" lines with the labels in a column of their own. */
  keyValues(pairs: ReadonlyArray<readonly [string, string]>, opts: { size?: number; labelWidth?: number } = {}): void {
    const size = opts.size ?? 10;
    const labelWidth = opts.labelWidth ?? 110;
    const leading = size * 1.3;
    for (const [label, value] of pairs) {
      const lines = wrapText(this.fonts.regular, value, size, this.width - labelWidth);
      this.ensure(leading * Math.min(lines.length, 3));
      this.line(this.fonts.bold, label, this.margin, size, GREY);
      for (const l of lines) {
        this.ensure(leading);
        this.line(this.fonts.regular, l, this.margin + labelWidth, size);
        this.y += leading;
      }
    }
    this.y += size * 0.4;
  }

  /**
   * A table with a shaded header row, repeated at the top of each page the table continues on.
   * Cells wrap; a row taller than what is left of the page continues on the next one.
   */
  table(columns: ReadonlyArray<TableColumn>, rows: ReadonlyArray<TableRow>, opts: { size?: number } = {}): void {
    const size = opts.size ?? 8.5;
    const leading = size * 1.25;
    const pad = 3;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const xs = widths.map((_, i) => this.margin + widths.slice(0, i).reduce((s, w) => s + w, 0));
    const cellLines = (cells: string[], font: FontChain) => cells.map((c, i) => wrapText(font, c ?? '', size, widths[i]! - 2 * pad));

    const headerLines = cellLines(
      columns.map((c) => c.header),
      this.fonts.bold,
    );
    const headerHeight = Math.max(...headerLines.map((l) => l.length)) * leading + 2 * pad;
    const drawHeader = () => {
      this.page.drawRectangle({ x: this.margin, y: this.size[1] - this.y - headerHeight, width: this.width, height: headerHeight, color: HEADER_FILL });
      headerLines.forEach((lines, i) => lines.forEach((l, j) => this.cell(this.fonts.bold, l, xs[i]!, widths[i]!, pad, this.y + pad + j * leading, size, columns[i]!.align)));
      this.y += headerHeight;
    };

    this.ensure(headerHeight + leading + 2 * pad);
    drawHeader();
    for (const row of rows) {
      const font = row.bold ? this.fonts.bold : this.fonts.regular;
      const lines = cellLines(row.cells, font);
      const count = Math.max(1, ...lines.map((l) => l.length));
      let from = 0;
      // Keep a short row whole: move it to the next page rather than split two lines from three.
      if (this.y + count * leading + 2 * pad > this.bottom && count * leading + 2 * pad < this.bottom - this.margin - headerHeight) {
        this.newPage();
        drawHeader();
      }
      while (from < count) {
        let fit = Math.floor((this.bottom - this.y - 2 * pad) / leading);
        if (fit < 1) {
          this.newPage();
          drawHeader();
          fit = Math.floor((this.bottom - this.y - 2 * pad) / leading);
        }
        const to = Math.min(count, from + Math.max(1, fit));
        lines.forEach((cl, i) =>
          cl.slice(from, to).forEach((l, j) => this.cell(font, l, xs[i]!, widths[i]!, pad, this.y + pad + j * leading, size, columns[i]!.align, row.color)),
        );
        this.y += (to - from) * leading + 2 * pad;
        this.page.drawLine({ start: { x: this.margin, y: this.size[1] - this.y }, end: { x: this.margin + this.width, y: this.size[1] - this.y }, thickness: 0.4, color: RULE });
        from = to;
        if (from < count) {
          this.newPage();
          drawHeader();
        }
      }
    }
    this.y += size;
  }

  private cell(font: FontChain, text: string, x: number, width: number, pad: number, top: number, size: number, align: 'left' | 'right' = 'left', color?: RGB): void {
    const left = align === 'right' ? x + width - pad - font.widthOf(text, size) : x + pad;
    font.draw(this.page, text, { x: left, y: this.size[1] - top - size * 0.8, size, ...(color ? { color } : {}) });
  }
}

// ---------------------------------------------------------------------------------------------
// Stamps on finished pages (also on copied evidence pages, which may be rotated or cropped)

/**
 * Draws one line of small text along the top or bottom edge of a page as it is displayed,
 * whatever its /Rotate and crop box, on a white band so it stays legible over content.
 */
export function stampEdge(page: PDFPage, font: FontChain, text: string, edge: 'top' | 'bottom', opts: { size?: number; align?: 'left' | 'right' | 'center'; inset?: number } = {}): void {
  const size = opts.size ?? 7.5;
  const inset = opts.inset ?? 14;
  const crop = page.getCropBox();
  const angle = (((page.getRotation().angle % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  const turned = angle === 90 || angle === 270;
  const shownW = turned ? crop.height : crop.width;
  const shownH = turned ? crop.width : crop.height;
  const width = font.widthOf(text, size);
  const u = opts.align === 'right' ? shownW - inset - width : opts.align === 'center' ? (shownW - width) / 2 : inset;
  // Baseline distance from the displayed top edge.
  const v = edge === 'top' ? inset * 0.5 + size : shownH - inset * 0.5;
  // Displayed (u from the left, v from the top) to the page's own coordinates.
  const toUser = (du: number, dv: number): [number, number] => {
    switch (angle) {
      case 90:
        return [crop.x + dv, crop.y + du];
      case 180:
        return [crop.x + crop.width - du, crop.y + dv];
      case 270:
        return [crop.x + crop.width - dv, crop.y + crop.height - du];
      default:
        return [crop.x + du, crop.y + crop.height - dv];
    }
  };
  const [bx, by] = toUser(u - 2, v + size * 0.3);
  page.drawRectangle({ x: bx, y: by, width: width + 4, height: size * 1.3, color: rgb(1, 1, 1), opacity: 0.85, rotate: degrees(angle) });
  const [tx, ty] = toUser(u, v);
  font.draw(page, text, { x: tx, y: ty, size, color: GREY, rotate: angle });
}

/** "page n of N" (after `prefix`) at the bottom right of every page of the document. */
export function stampPageNumbers(doc: PDFDocument, font: FontChain, prefix = ''): void {
  const pages = doc.getPages();
  pages.forEach((page, i) => stampEdge(page, font, `${prefix}page ${i + 1} of ${pages.length}`, 'bottom', { align: 'right' }));
}
