// Which tesseract language model reads a page. English first; a page whose English reading is
// plainly in another language this project ships a model for is read again with that model
// first (English second, for the names, codes and English words such pages carry), and the
// second reading is kept when it reads at least as much.
//
// Languages are told apart by their stop words (stopwords-iso), which survive an English model's
// misreading of accents ("Société" may come back "Soci&t&", but "de", "la", "pour", "und", "der"
// come back whole), plus a few invoice labels.
import { createRequire } from 'node:module';
import type { OcrEngine, OcrPage, RecognizeOptions } from './ocr.ts';
import { ocrScore } from './image.ts';
import { foldCase } from './usable-text.ts';

/** Tesseract models shipped in node_modules (@tesseract.js-data/<code>), English first. */
export const TESSERACT_LANGUAGES = ['eng', 'fra', 'deu', 'spa'] as const;
export type TesseractLanguage = (typeof TESSERACT_LANGUAGES)[number];

// stopwords-iso codes of each model's language.
const ISO: Record<TesseractLanguage, string> = { eng: 'en', fra: 'fr', deu: 'de', spa: 'es' };

/** Labels of invoices that stop-word lists miss, per language. */
const LABELS: Record<TesseractLanguage, string[]> = {
  eng: ['invoice', 'total', 'subtotal', 'amount', 'due', 'date', 'description', 'qty', 'price', 'payment'],
  fra: ['facture', 'montant', 'tva', 'ttc', 'ht', 'désignation', 'qté', 'prix', 'unitaire', 'échéance', 'paiement', 'merci'],
  deu: ['rechnung', 'betrag', 'mwst', 'summe', 'gesamtbetrag', 'zwischensumme', 'menge', 'einzelpreis', 'beschreibung', 'datum', 'zahlbar', 'vielen', 'dank'],
  spa: ['factura', 'importe', 'iva', 'fecha', 'cantidad', 'precio', 'descripción', 'vencimiento', 'gracias', 'pago', 'base', 'imponible'],
};

/** A page needs this many distinct words of a language, and twice as many as of any other. */
export const MIN_LANGUAGE_WORDS = 4;
export const LANGUAGE_MARGIN = 2;


let lists: Record<TesseractLanguage, Set<string>> | null = null;

function wordLists(): Record<TesseractLanguage, Set<string>> {
  if (lists) return lists;
  const require = createRequire(import.meta.url);
  const stop = require('stopwords-iso') as Record<string, string[]>;
  const out = {} as Record<TesseractLanguage, Set<string>>;
  for (const lang of TESSERACT_LANGUAGES) out[lang] = new Set([...(stop[ISO[lang]] ?? []), ...LABELS[lang]].map(foldCase).filter((w) => w.length >= 2));
  // A word two languages share tells them apart no better than noise does.
  for (const lang of TESSERACT_LANGUAGES) {
    for (const w of [...out[lang]]) if (TESSERACT_LANGUAGES.some((o) => o !== lang && out[o].has(w))) out[lang].delete(w);
  }
  lists = out;
  return out;
}

export interface LanguageGuess {
  language: TesseractLanguage;
  /** Distinct words of each language found. */
  counts: Record<TesseractLanguage, number>;
}

/**
 * The language of a page's words when it is clear: at least MIN_LANGUAGE_WORDS distinct words
 * only that language has, and LANGUAGE_MARGIN times as many as the next language; null otherwise.
 */
export function guessLanguage(text: string): LanguageGuess | null {
  const l = wordLists();
  const seen: Record<TesseractLanguage, Set<string>> = { eng: new Set(), fra: new Set(), deu: new Set(), spa: new Set() };
  for (const raw of text.split(/[\s'’]+/)) {
    const w = foldCase(raw.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''));
    if (w.length < 2) continue;
    for (const lang of TESSERACT_LANGUAGES) if (l[lang].has(w)) seen[lang].add(w);
  }
  const counts = Object.fromEntries(TESSERACT_LANGUAGES.map((lang) => [lang, seen[lang].size])) as Record<TesseractLanguage, number>;
  const ranked = [...TESSERACT_LANGUAGES].sort((a, b) => counts[b] - counts[a]);
  const [best, next] = [ranked[0]!, ranked[1]!];
  if (counts[best] < MIN_LANGUAGE_WORDS || counts[best] < LANGUAGE_MARGIN * counts[next]) return null;
  return { language: best, counts };
}

/**
 * A tesseract engine that loaded several languages, reading each page in English first and again
 * with the page's own language first when its English reading is clearly in another one. Pages
 * the caller asks a language for are read as asked. The page returned names the models chosen,
 * so further passes over the same page (image.ts) ask for them instead of choosing again.
 */
export function withLanguageChoice(engine: OcrEngine): OcrEngine {
  const loaded = new Set(engine.languages ?? ['eng']);
  return {
    ...(engine.singlePass ? { singlePass: true } : {}),
    ...(engine.languages ? { languages: engine.languages } : {}),
    async recognize(image: Buffer, opts: RecognizeOptions = {}): Promise<OcrPage> {
      if (opts.languages?.length || !loaded.has('eng')) return engine.recognize(image, opts);
      const english = ['eng'] as const;
      const first = { ...(await engine.recognize(image, { ...opts, languages: english })), languages: english };
      const guess = guessLanguage(first.text);
      if (!guess || guess.language === 'eng' || !loaded.has(guess.language)) return first;
      const languages = [guess.language, 'eng'] as const;
      const again = { ...(await engine.recognize(image, { ...opts, languages })), languages };
      return ocrScore(again) >= ocrScore(first) ? again : first;
    },
    close: () => engine.close(),
  };
}
