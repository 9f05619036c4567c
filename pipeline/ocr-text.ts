// OCR output cleaned once, before any extractor sees it. Every engine has print quirks that are
// not the document's: Paddle glues a date to the time after it ("15/01/201911:05:16") and some
// engines print full-width punctuation ("：", "，"); every engine confuses look-alike glyphs in a
// label ("Tota1", "T0TAL") or in a figure ("1O.5O"). Repairing those here keeps the extractors'
// rules about documents, not about engines. Only OCR readings go through this (a text layer says
// what the author typed), and a word is changed only where the repaired form is unambiguous.

import type { Line, Word } from './types.ts';
import { unionBox } from './lines.ts';

/**
 * Label words whose misread forms are repaired. Short, common words on invoices and receipts in
 * the languages claimproof reads; a digit inside one of them is always a misread letter.
 */
const LABEL_WORDS = new Set([
  'total', 'subtotal', 'totals', 'invoice', 'date', 'amount', 'balance', 'cash', 'change', 'tax', 'receipt', 'rounding',
  'gross', 'net', 'due', 'paid', 'payable', 'qty', 'price', 'discount', 'tendered', 'item', 'items', 'bill', 'vat', 'gst',
  'summe', 'gesamt', 'betrag', 'rechnung', 'datum', 'netto', 'brutto', 'facture', 'montant', 'totale', 'importe', 'fecha',
  'factura', 'totaal', 'bedrag', 'factuur', 'suma', 'celkem', 'faktura', 'razem',
]);

// Digits that stand for a letter inside a word, with the letters each may be.
const DIGIT_AS_LETTER: Record<string, string[]> = { '0': ['o'], '1': ['l', 'i'], '5': ['s'], '8': ['b'], '|': ['l', 'i'] };

/** The label word a misread token stands for ("Tota1" → "Total"), keeping its case, or null. */
export function repairLabelWord(token: string): string | null {
  const m = /^([A-Za-z0-9|]+)([:.]?)$/.exec(token);
  if (!m) return null;
  const word = m[1]!;
  const letters = (word.match(/[A-Za-z]/g) ?? []).length;
  const wrong = word.length - letters;
  // Mostly letters, one or two glyphs wrong: "SUBT0TA1", not an identifier like "A10".
  if (wrong === 0 || wrong > 2 || letters < 3 || letters < 2 * wrong) return null;
  let candidates = [''];
  for (const ch of word.toLowerCase()) {
    const options = DIGIT_AS_LETTER[ch] ?? (/[a-z]/.test(ch) ? [ch] : null);
    if (!options) return null;
    candidates = candidates.flatMap((c) => options.map((o) => c + o));
  }
  const hits = candidates.filter((c) => LABEL_WORDS.has(c));
  if (hits.length !== 1) return null;
  const hit = hits[0]!;
  const upper = word === word.toUpperCase() || word.replace(/[^A-Za-z]/g, '') === word.replace(/[^A-Za-z]/g, '').toUpperCase();
  const capital = /^[A-Z]/.test(word) && !upper;
  const cased = upper ? hit.toUpperCase() : capital ? hit[0]!.toUpperCase() + hit.slice(1) : hit;
  return cased + m[2]!;
}

/**
 * Letters misread for digits inside a figure ("1O.5O" → "10.50", "2O19"): a token of digits and
 * separators where no more glyphs are O, o, l, I or | than are digits, with at least two real
 * digits and a separator or four glyphs (so "NO", "IO" and roman numerals stay words).
 */
export function repairFigure(token: string): string | null {
  if (!/^[0-9OolI|.,:/-]+$/.test(token)) return null;
  const digits = (token.match(/[0-9]/g) ?? []).length;
  const wrong = (token.match(/[OolI|]/g) ?? []).length;
  if (wrong === 0 || digits < 2 || wrong > digits) return null;
  const core = token.replace(/[.,:/-]/g, '');
  if (core.length === token.length && core.length < 4) return null;
  // A glyph wrong at both ends is a word ("lol"), not a number.
  if (/^[OolI|]/.test(core) && /[OolI|]$/.test(core) && digits < 3) return null;
  return token.replace(/[Oo]/g, '0').replace(/[lI|]/g, '1');
}

const GLUED_DATE_TIME = /^(\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2})(\d{1,2}:\d{2}(?::\d{2})?(?:[AaPp][Mm])?)$/;

/** A date glued to the time that follows it, split in two ("15/01/201911:05:16"); null otherwise. */
export function splitDateTime(token: string): [string, string] | null {
  const m = GLUED_DATE_TIME.exec(token);
  return m ? [m[1]!, m[2]!] : null;
}

/** Full-width ASCII forms (U+FF01–FF5E) and the ideographic space as their ASCII characters. */
export function halfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

function splitWord(w: Word, parts: string[]): Word[] {
  const total = parts.reduce((n, p) => n + p.length, 0) + parts.length - 1;
  let at = 0;
  return parts.map((p) => {
    const x = w.box.x + (w.box.w * at) / total;
    const width = (w.box.w * p.length) / total;
    at += p.length + 1;
    return { text: p, confidence: w.confidence, box: { x, y: w.box.y, w: width, h: w.box.h } };
  });
}

function normalizeWord(w: Word): Word[] {
  const text = halfWidth(w.text).trim();
  if (!text) return [];
  const pieces = text.split(/\s+/);
  const out: Word[] = [];
  const split = pieces.length > 1 ? splitWord({ ...w, text }, pieces) : [{ ...w, text }];
  for (const piece of split) {
    const dt = splitDateTime(piece.text);
    if (dt) {
      out.push(...splitWord(piece, dt));
      continue;
    }
    const fixed = repairLabelWord(piece.text) ?? repairFigure(piece.text);
    out.push(fixed ? { ...piece, text: fixed } : piece);
  }
  return out;
}

/** OCR lines with their words normalised (see the module comment); boxes and order kept. */
export function normalizeOcrLines(lines: Line[]): Line[] {
  return lines.map((line) => {
    const words = line.words.flatMap(normalizeWord);
    if (words.length === 0) return { ...line, words, text: '' };
    return { ...line, words, text: words.map((x) => x.text).join(' '), box: line.box.w > 0 ? line.box : unionBox(words.map((x) => x.box)) };
  }).filter((l) => l.words.length > 0);
}
