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
  'factura', 'totaal', 'bedrag', 'factuur', 'suma', 'celkem', 'faktura', 'razem', 'quantity', 'disc', 'nett', 'sub',
]);

/**
 * Two label words OCR printed as one ("TOTALAMOUNT", "NETTTOTAL"), split; null for anything
 * else, including a single label word ("SUBTOTAL" is one).
 */
export function splitGluedLabels(token: string): [string, string] | null {
  const m = /^([A-Za-z]{6,})([:.]?)$/.exec(token);
  if (!m) return null;
  const word = m[1]!;
  const lower = word.toLowerCase();
  if (LABEL_WORDS.has(lower)) return null;
  for (let i = 3; i <= word.length - 3; i++) {
    if (LABEL_WORDS.has(lower.slice(0, i)) && LABEL_WORDS.has(lower.slice(i))) return [word.slice(0, i), word.slice(i) + m[2]!];
  }
  return null;
}

/** "7-40" after a money label is 7.40: OCR read the decimal point as a dash. */
function dashDecimal(prev: string | undefined, token: string): string | null {
  if (!prev || !/^\d{1,6}-\d{2}$/.test(token)) return null;
  const label = prev.toLowerCase().replace(/[:.]$/, '');
  return LABEL_WORDS.has(label) && label !== 'date' && label !== 'datum' && label !== 'fecha' ? token.replace('-', '.') : null;
}

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

const GLUED_DATE_TIME = new RegExp(
  '^(' +
    [
      '\\d{1,2}[./-]\\d{1,2}[./-](?:19|20)\\d{2}',
      '(?:19|20)\\d{2}[./-]\\d{1,2}[./-]\\d{1,2}',
      '\\d{1,2}[./-]?[A-Za-z]{3,9}[./-]?(?:19|20)\\d{2}',
      // A two-digit year last: "21/12/169:29:44AM" only splits this way.
      '\\d{1,2}[./-]\\d{1,2}[./-]\\d{2}',
    ].join('|') +
    ')((?:[01]?\\d|2[0-3]):[0-5]\\d(?:[:.][0-5]\\d)?(?:[AaPp][Mm])?)$',
);

/** A date glued to the time that follows it, split in two ("15/01/201911:05:16", "13Mar201818:35"); null otherwise. */
export function splitDateTime(token: string): [string, string] | null {
  const m = GLUED_DATE_TIME.exec(token);
  return m ? [m[1]!, m[2]!] : null;
}

// A label glued to its value: letters ending in ':' (or '.', '#' before a figure), then the value.
const GLUED_LABEL = /^(\p{L}[\p{L}#°º]*[\p{L}#°º]:|\p{L}\p{L}+[.#])(?=(?:[^/:]))(.+)$/u;

/**
 * A label glued to the value after it, split after its colon ("Total:$8.20", "Invoice#:OR1803", "Facturen°:RE-2026-8705")
 * or after a dot or hash when a figure follows ("Date.09/02/2018", "No.59"). Times, URLs and
 * abbreviations with no value ("U.S.") stay whole.
 */
export function splitGluedLabel(token: string): [string, string] | null {
  const m = GLUED_LABEL.exec(token);
  if (!m) return null;
  const [, label, value] = m as unknown as [string, string, string];
  if (!label.endsWith(':') && !/^[-(]?[$€£¥]?\d/.test(value)) return null;
  return [label, value];
}

// Legal forms no word ends in, glued by OCR to the name before them.
const GLUED_LEGAL = /^([A-Z0-9&]{3,}?)(SDN\.?BHD|PTE\.?LTD|GMBH|LTD\.?|LLC)$/;
const LEGAL_SPACED: Record<string, string> = { SDNBHD: 'SDN BHD', 'SDN.BHD': 'SDN. BHD', PTELTD: 'PTE LTD', 'PTE.LTD': 'PTE. LTD' };

/** A legal form glued to the company name it ends, split off ("OJCMARKETINGSDNBHD" → "OJCMARKETING SDN BHD"). */
export function splitGluedLegalForm(token: string): string[] | null {
  const m = GLUED_LEGAL.exec(token);
  if (!m) return null;
  return [m[1]!, ...(LEGAL_SPACED[m[2]!] ?? m[2]!).split(' ')];
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
  for (const piece of split) out.push(...normalizeToken(piece));
  return out;
}

function normalizeToken(w: Word, depth = 0): Word[] {
  const parts = splitDateTime(w.text) ?? splitGluedLabel(w.text) ?? splitGluedLegalForm(w.text) ?? splitGluedLabels(w.text);
  if (parts && depth < 3) return splitWord(w, parts).flatMap((p) => normalizeToken(p, depth + 1));
  const fixed = repairLabelWord(w.text) ?? repairFigure(w.text);
  return [fixed ? { ...w, text: fixed } : w];
}

/** OCR lines with their words normalised (see the module comment); boxes and order kept. */
export function normalizeOcrLines(lines: Line[]): Line[] {
  return lines.map((line) => {
    const words = line.words.flatMap(normalizeWord);
    for (let i = 1; i < words.length; i++) {
      const fixed = dashDecimal(words[i - 1]!.text, words[i]!.text);
      if (fixed) words[i] = { ...words[i]!, text: fixed };
    }
    if (words.length === 0) return { ...line, words, text: '' };
    return { ...line, words, text: words.map((x) => x.text).join(' '), box: line.box.w > 0 ? line.box : unionBox(words.map((x) => x.box)) };
  }).filter((l) => l.words.length > 0);
}
