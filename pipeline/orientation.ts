// Pages scanned sideways or upside down. OCR of a turned page returns fragments, few of them
// words any dictionary knows; an upright page of text reads mostly words. Only a doubtful reading
// asks tesseract's orientation model (OSD) how the page is turned, and the page is read again
// turned upright only when OSD is clear about it; that reading is kept only when it reads more
// words than the first, so an upright page is never left turned.
import type { OcrPage } from './ocr.ts';
import { isDictionaryWord, isDocumentValue } from './usable-text.ts';

/** A reading with at least this share of dictionary words (among words of 3+ letters) is upright. */
export const UPRIGHT_WORD_SHARE = 0.5;
/** ...or with this many distinct dictionary words, whatever the share (a page with a noisy logo). */
export const UPRIGHT_WORDS = 25;
/** OSD orientation confidence under which its verdict is not acted on. */
export const MIN_ORIENTATION_CONFIDENCE = 2;

export interface WordEvidence {
  /** Words of 3+ letters read. */
  words: number;
  /** Of them, words a dictionary knows (distinct ones in `distinct`). */
  known: number;
  distinct: number;
  /** Values with a document's shape (amounts, dates). */
  values: number;
}

/** How much of a reading is words (see usable-text.ts for the dictionaries). */
export function wordEvidence(page: Pick<OcrPage, 'lines'>): WordEvidence {
  let words = 0;
  let known = 0;
  let values = 0;
  const distinct = new Set<string>();
  for (const line of page.lines) {
    for (const w of line.words) {
      if (isDocumentValue(w.text)) {
        values++;
        continue;
      }
      if ((w.text.match(/\p{L}/gu) ?? []).length < 3) continue;
      words++;
      if (isDictionaryWord(w.text)) {
        known++;
        distinct.add(w.text.toLowerCase());
      }
    }
  }
  return { words, known, distinct: distinct.size, values };
}

/**
 * Whether a reading may come from a turned page: little of it is dictionary words. A page with
 * (almost) nothing on it is doubtful too: a sideways page can read as nothing at all.
 */
export function mayBeTurned(page: Pick<OcrPage, 'lines'>): boolean {
  const e = wordEvidence(page);
  if (e.distinct >= UPRIGHT_WORDS) return false;
  return e.words === 0 || e.known / e.words < UPRIGHT_WORD_SHARE;
}

/** Whether a reading of the turned page is better evidence of text than the first one. */
export function readsBetterTurned(first: Pick<OcrPage, 'lines'>, turned: Pick<OcrPage, 'lines'>): boolean {
  const a = wordEvidence(first);
  const b = wordEvidence(turned);
  // More distinct words the dictionaries know, and by a clear margin: noise can add one or two.
  return b.distinct >= Math.max(3, a.distinct * 1.5 + 2);
}
