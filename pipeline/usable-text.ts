// The one rule for "does this document yield usable text": words that a dictionary knows, or
// values that have the shape documents give them (an amount with its decimals, a date, an
// e-mail address, an IBAN). A count of characters is not it: OCR makes dozens of letters out of
// the grain of a blank scan, and a receipt that reads "TOTAL 12.50" is short but plainly text.
//
// Dictionaries: the stop words of every language in stopwords-iso (the short words every
// sentence and label carries, in English, German, French, Spanish, Dutch, Swedish, Polish,
// Czech, Greek, Chinese and ~50 more) and the English Hunspell word list (dictionary-en).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface TextWord {
  text: string;
  /** 0..1; 1 for a text layer. */
  confidence: number;
}

export interface UsableTextVerdict {
  usable: boolean;
  /** Distinct words a dictionary knows. */
  words: number;
  /** Values with a document's shape (amounts, dates, addresses). */
  values: number;
}

/** Words read below this confidence are not evidence of text. */
export const MIN_WORD_CONFIDENCE = 0.5;

let lexicon: Set<string> | null = null;

/** Lower case without accents: how every word list here is compared. */
export function foldCase(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function loadLexicon(): Set<string> {
  if (lexicon) return lexicon;
  const require = createRequire(import.meta.url);
  const set = new Set<string>();
  const stop = require('stopwords-iso') as Record<string, string[]>;
  for (const list of Object.values(stop)) for (const w of list) if (letterCount(w) >= 2) set.add(foldCase(w));
  const dic = readFileSync(path.join(path.dirname(require.resolve('dictionary-en')), 'index.dic'), 'utf8').split('\n');
  // Line 1 is the word count; each entry is "stem/FLAGS".
  for (let i = 1; i < dic.length; i++) {
    const stem = dic[i]!.split('/')[0]!.trim();
    if (letterCount(stem) >= 3) set.add(foldCase(stem));
  }
  for (const w of COMMERCE) set.add(foldCase(w));
  lexicon = set;
  return set;
}

/**
 * Words of invoices and receipts that general word lists miss (dictionary-en has no "invoice"),
 * in the languages claimproof reads.
 */
const COMMERCE = [
  'invoice', 'invoiced', 'subtotal', 'qty', 'vat', 'gst', 'sst', 'receipt', 'cashier', 'proforma', 'estimate', 'quotation', 'csr', 'webinar', 'roll-up',
  'rechnung', 'rechnungsnummer', 'rechnungsdatum', 'quittung', 'kassenbon', 'mwst', 'ust', 'summe', 'gesamt', 'gesamtbetrag', 'zwischensumme', 'netto', 'brutto', 'betrag', 'angebot', 'lieferschein', 'bestellung',
  'facture', 'devis', 'montant', 'tva', 'ttc', 'total', 'totale', 'fattura', 'importo', 'factura', 'importe', 'iva', 'albaran', 'presupuesto',
  'factuur', 'btw', 'totaal', 'bedrag', 'bon', 'faktura', 'kvitto', 'moms', 'summa', 'razem', 'suma', 'paragon', 'celkem', 'dph', 'doklad',
  'τιμολογιο', 'αποδειξη', 'συνολο', 'φπα', '发票', '合计', '金额', '总计', '收据', '日期',
];

function letterCount(s: string): number {
  return (s.match(/\p{L}/gu) ?? []).length;
}

const HAN = /\p{Script=Han}/u;

/** A word the dictionaries know (its inflections by the common English endings too). */
export function isDictionaryWord(token: string): boolean {
  const w = foldCase(token.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''));
  if (!/^\p{L}+(?:['-]\p{L}+)*$/u.test(w)) return false;
  // Two letters are too easy to make out of noise, except in scripts where words are that short.
  if (w.length < 3 && !HAN.test(w)) return false;
  const lex = loadLexicon();
  if (lex.has(w)) return true;
  for (const suffix of ['s', 'es', 'ed', 'ing', 'ly', "'s"]) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix) && lex.has(w.slice(0, -suffix.length))) return true;
  }
  if (w.endsWith('ed') && lex.has(w.slice(0, -1))) return true;
  return false;
}

const VALUE_SHAPES: RegExp[] = [
  // An amount with its decimals, maybe with thousands and a marker: 1,234.56  56,02  €12.00
  /^[^\d\s]{0,3}\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2}[^\d\s]{0,3}$/u,
  // A date: 2026-03-05, 05.03.2026, 3/5/26
  /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.](\d{4}|\d{2})$/,
  // 2026年3月5日
  /^\d{4}年\d{1,2}月\d{1,2}日$/u,
  // An e-mail address or a web address
  /^[\w.+-]+@[\w-]+(\.[\w-]+)+$|^(https?:\/\/|www\.)[\w-]+(\.[\w-]+)+/,
  // An IBAN
  /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/,
];

/** A value with a shape documents give it. */
export function isDocumentValue(token: string): boolean {
  const t = token.replace(/[,;:)]+$/, '').replace(/^[(]+/, '');
  return VALUE_SHAPES.some((re) => re.test(t));
}

/**
 * Usable: two distinct dictionary words, or one with a value beside it, or two values. Words read
 * below MIN_WORD_CONFIDENCE do not count.
 */
export function judgeText(words: Iterable<TextWord>): UsableTextVerdict {
  const known = new Set<string>();
  let values = 0;
  for (const w of words) {
    if (w.confidence < MIN_WORD_CONFIDENCE) continue;
    for (const piece of w.text.split(/\s+/)) {
      if (!piece) continue;
      if (isDocumentValue(piece)) values++;
      else if (isDictionaryWord(piece)) known.add(foldCase(piece));
    }
  }
  const n = known.size;
  return { usable: n >= 2 || (n >= 1 && values >= 1) || values >= 2, words: n, values };
}

/** The same rule on plain text (a stored document's text, read with confidence already). */
export function judgePlainText(text: string): UsableTextVerdict {
  return judgeText(text.split(/\s+/).map((t) => ({ text: t, confidence: 1 })));
}
