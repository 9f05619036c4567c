// Dates as printed on invoices and receipts, in the formats and languages they come in, and
// the day/month order question for "03/04/2026".
import { daysInMonth } from '../dates.ts';
import { spanAt, spanText, type Row, type Span } from './text.ts';

export type DateOrder = 'dmy' | 'mdy';

const MONTHS: Record<string, number> = {};
function addMonths(names: string[][]): void {
  names.forEach((list, i) => {
    for (const n of list) MONTHS[n] = i + 1;
  });
}
// Normalised (lower case, no accents). One list per month: English, French, German, Dutch,
// Spanish, Italian, Portuguese, Swedish, Polish and Czech (nominative and genitive, as dates print
// them), Greek (both cases), with their usual abbreviations.
addMonths([
  ['january', 'jan', 'janvier', 'janv', 'januar', 'janner', 'jänner', 'januari', 'enero', 'ene', 'gennaio', 'gen', 'janeiro', 'styczen', 'stycznia', 'sty', 'leden', 'ledna', 'ιανουαριος', 'ιανουαριου', 'ιαν'],
  ['february', 'feb', 'febr', 'fevrier', 'fev', 'fevr', 'februar', 'februari', 'febrero', 'febbraio', 'fevereiro', 'luty', 'lutego', 'lut', 'unor', 'unora', 'φεβρουαριος', 'φεβρουαριου', 'φεβ'],
  ['march', 'mar', 'mars', 'marz', 'maerz', 'mrz', 'maart', 'mrt', 'marzo', 'marco', 'marzec', 'marca', 'brezen', 'brezna', 'μαρτιος', 'μαρτιου', 'μαρ'],
  ['april', 'apr', 'avril', 'avr', 'abril', 'abr', 'aprile', 'kwiecien', 'kwietnia', 'kwi', 'duben', 'dubna', 'απριλιος', 'απριλιου', 'απρ'],
  ['may', 'mai', 'mei', 'mayo', 'maggio', 'mag', 'maio', 'maj', 'maja', 'kveten', 'kvetna', 'μαιος', 'μαιου', 'μαι'],
  ['june', 'jun', 'juin', 'juni', 'junio', 'giugno', 'giu', 'junho', 'czerwiec', 'czerwca', 'cze', 'cerven', 'cervna', 'ιουνιος', 'ιουνιου', 'ιουν'],
  ['july', 'jul', 'juillet', 'juil', 'juli', 'julio', 'luglio', 'lug', 'julho', 'lipiec', 'lipca', 'lip', 'cervenec', 'cervence', 'ιουλιος', 'ιουλιου', 'ιουλ'],
  ['august', 'aug', 'aout', 'augustus', 'agosto', 'ago', 'augusti', 'sierpien', 'sierpnia', 'sie', 'srpen', 'srpna', 'αυγουστος', 'αυγουστου', 'αυγ'],
  ['september', 'sep', 'sept', 'septembre', 'septiembre', 'setiembre', 'settembre', 'set', 'setembro', 'wrzesien', 'wrzesnia', 'wrz', 'zari', 'σεπτεμβριος', 'σεπτεμβριου', 'σεπ'],
  ['october', 'oct', 'octobre', 'oktober', 'okt', 'octubre', 'ottobre', 'ott', 'outubro', 'out', 'pazdziernik', 'pazdziernika', 'paz', 'rijen', 'rijna', 'οκτωβριος', 'οκτωβριου', 'οκτ'],
  ['november', 'nov', 'novembre', 'noviembre', 'novembro', 'listopad', 'listopada', 'listopadu', 'lis', 'νοεμβριος', 'νοεμβριου', 'νοε'],
  ['december', 'dec', 'decembre', 'dezember', 'dez', 'diciembre', 'dic', 'dicembre', 'dezembro', 'grudzien', 'grudnia', 'gru', 'prosinec', 'prosince', 'δεκεμβριος', 'δεκεμβριου', 'δεκ'],
]);

const EN_ABBR = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// Letters OCR confuses in receipt fonts, each mapped to what it may really be.
const OCR_LETTER: Record<string, string[]> = {
  h: ['m', 'n'],
  m: ['n', 'h'],
  n: ['m', 'h'],
  '0': ['o'],
  o: ['c', 'a'],
  c: ['o', 'e'],
  e: ['c'],
  '1': ['l'],
  i: ['l'],
  l: ['i'],
  v: ['y'],
  y: ['v'],
  u: ['n'],
  p: ['b'],
  b: ['p'],
  '5': ['s'],
  s: ['5'],
  '8': ['b'],
  g: ['q'],
  a: ['o'],
};

/** Month number of a (normalised) word; with `ocr`, one OCR-confusable letter may be off. */
export function monthFromWord(word: string, ocr = false): number | null {
  const w = word.replace(/\.$/, '');
  if (MONTHS[w]) return MONTHS[w]!;
  if (!ocr || w.length !== 3) return null;
  const hits = new Set<number>();
  EN_ABBR.forEach((abbr, i) => {
    let diff = 0;
    let ok = true;
    for (let k = 0; k < 3; k++) {
      if (w[k] === abbr[k]) continue;
      diff++;
      if (!(OCR_LETTER[w[k]!] ?? []).includes(abbr[k]!)) ok = false;
    }
    if (ok && diff === 1) hits.add(i + 1);
  });
  return hits.size === 1 ? [...hits][0]! : null;
}

const MONTH_WORD = `\\p{L}[\\p{L}.]{2,13}|[a-z0-9]{3}`;

export interface DateMention {
  row: Row;
  span: Span;
  raw: string;
  kind: 'iso' | 'numeric' | 'textual';
  /** For numeric dates: first and second numbers as printed (day/month order unknown). */
  a: number;
  b: number;
  year: number;
  /** A digit was repaired from an impossible OCR reading (year "2617", month "83"). */
  repaired: boolean;
  /** A time of day is printed next to it (receipts' transaction stamp). */
  hasTime: boolean;
  /** Part of a range "01.05.14-31.05.14", "du … au …". */
  inRange: boolean;
  /** Readings possible for this mention, valid calendar dates, each YYYY-MM-DD. */
  dmy: string | null;
  mdy: string | null;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function isoDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || y < 1000 || y > 9999 || d > daysInMonth(y, m)) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

function currentYear(): number {
  return new Date().getUTCFullYear();
}

const YEAR_CONFUSIONS: [string, string][] = [
  ['0', '6'],
  ['0', '8'],
  ['0', '9'],
  ['1', '7'],
  ['3', '8'],
  ['5', '6'],
  ['6', '8'],
  ['2', '7'],
  ['4', '9'],
  ['2', '4'],
];
// Day and month digits OCR confuses (narrower than for years: a wrong day is worse than none).
const PART_CONFUSIONS: [string, string][] = [
  ['0', '8'],
  ['0', '6'],
  ['0', '9'],
  ['3', '8'],
  ['1', '7'],
  ['5', '6'],
  ['6', '8'],
];

/** Values within [min, max] reachable by swapping one digit of `text` for an OCR look-alike. */
function digitRepairs(text: string, confusions: [string, string][], min: number, max: number): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    for (const [p, q] of confusions) {
      const to = text[i] === p ? q : text[i] === q ? p : null;
      if (to === null) continue;
      const v = Number(text.slice(0, i) + to + text.slice(i + 1));
      if (v >= min && v <= max) out.add(v);
    }
  }
  return out;
}

/** The years OCR may have meant where it read `year`: one digit swapped for a look-alike. */
export function yearMisreadings(year: number): Set<number> {
  return digitRepairs(String(year), YEAR_CONFUSIONS, 1000, 9999);
}

/** Single-digit OCR repairs of a day or month that make it valid. */
function partRepairs(text: string, max: number): number[] {
  return [...digitRepairs(text, PART_CONFUSIONS, 1, max)];
}

/** A plausible year for a printed one; repairs a single OCR-confused digit when only one repair fits. */
export function plausibleYear(text: string, ocr: boolean): { year: number; repaired: boolean } | null {
  const max = currentYear() + 2;
  if (text.length === 2) {
    const yy = Number(text);
    if (2000 + yy <= max) return { year: 2000 + yy, repaired: false };
    return 1900 + yy >= 1980 ? { year: 1900 + yy, repaired: false } : null;
  }
  const y = Number(text);
  if (y >= 1980 && y <= max) return { year: y, repaired: false };
  if (!ocr) return null;
  const found = digitRepairs(text, YEAR_CONFUSIONS, 1980, max);
  return found.size === 1 ? { year: [...found][0]!, repaired: true } : null;
}

/** OCR'd digits in date-shaped tokens ("1O/02/2O18", "D6 Jan"); lengths unchanged. */
function repairOcrDates(norm: string): string {
  return norm.replace(/[0-9odliq|]{1,4}(?:[/.-][0-9odliq|]{1,4}){2}|\b[od][0-9]\b/g, (tok) => {
    const digits = (tok.match(/\d/g) ?? []).length;
    if (digits < Math.min(3, tok.replace(/[/.-]/g, '').length - 1)) return tok;
    return tok.replace(/[odq]/g, '0').replace(/[li|]/g, '1');
  });
}

interface RawMatch {
  index: number;
  length: number;
  kind: DateMention['kind'];
  a: number;
  b: number;
  yearText: string;
  /** textual: the month is known. */
  month?: number;
  aText?: string;
  bText?: string;
}

const ISO_RE = /(?<![\d.,/-])(\d{4})\s?([-/.])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?![\d]|[.,/]\d)/g;
const NUM_RE = /(?<![\d.,/-])(\d{1,2})\s?([-/.])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d]|[.,/:]\d)/g;
// OCR drops a separator: "21-06 2018".
const NUM_SPACE_RE = /(?<![\d.,/-])(\d{1,2})([-/.])(\d{1,2})\s(\d{4})(?![\d]|[.,/:]\d)/g;
const TEXT_DMY_RE = new RegExp(
  `(?<![\\d.,/])(\\d{1,2})(?:st|nd|rd|th|er|e|\\.|º)?\\s*(?:[-/ .,]\\s*|\\s+de\\s+)?(${MONTH_WORD})\\s*(?:[-/ .,']\\s*|\\s+de\\s+)?(\\d{4}|\\d{2})(?![\\d]|[.,/]\\d)`,
  'gu',
);
const TEXT_MDY_RE = new RegExp(`(?<![\\p{L}])(${MONTH_WORD})\\s*(\\d{1,2})(?:st|nd|rd|th)?\\s*(?:,\\s*|\\s)\\s*(\\d{4}|'\\d{2})(?!\\d)`, 'gu');
// Chinese and Japanese: 2026年3月5日.
const CJK_RE = /(?<!\d)(\d{4})\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?日/gu;

function rawMatches(text: string, ocr: boolean): RawMatch[] {
  const out: RawMatch[] = [];
  const taken = (i: number, len: number) => out.some((o) => i < o.index + o.length && o.index < i + len);
  let m: RegExpExecArray | null;
  ISO_RE.lastIndex = 0;
  while ((m = ISO_RE.exec(text))) {
    out.push({ index: m.index, length: m[0].length, kind: 'iso', a: Number(m[4]), b: Number(m[3]), yearText: m[1]! });
  }
  CJK_RE.lastIndex = 0;
  while ((m = CJK_RE.exec(text))) {
    out.push({ index: m.index, length: m[0].length, kind: 'iso', a: Number(m[3]), b: Number(m[2]), yearText: m[1]! });
  }
  for (const re of [TEXT_DMY_RE, TEXT_MDY_RE]) {
    re.lastIndex = 0;
    while ((m = re.exec(text))) {
      const dmy = re === TEXT_DMY_RE;
      const month = monthFromWord(dmy ? m[2]! : m[1]!, ocr);
      const yearText = m[3]!.replace("'", '');
      // "1 October 14, 2026": a stray figure before "October 14, 2026" (a margin mark, a line
      // number) makes "1 October 14" look day-first with a two-digit year. A reading that takes
      // a four-digit year is the one printed; the two-digit "year" was the day.
      const shadowed = month && !dmy && yearText.length === 4 ? out.findIndex((o) => o.kind === 'textual' && o.yearText.length === 2 && m!.index < o.index + o.length && o.index < m!.index + m![0].length) : -1;
      if (shadowed >= 0) out.splice(shadowed, 1);
      if (!month || taken(m.index, m[0].length)) {
        re.lastIndex = m.index + 1;
        continue;
      }
      const day = Number(dmy ? m[1] : m[2]);
      out.push({ index: m.index, length: m[0].length, kind: 'textual', a: day, b: month, month, yearText });
    }
  }
  for (const re of ocr ? [NUM_RE, NUM_SPACE_RE] : [NUM_RE]) {
    re.lastIndex = 0;
    while ((m = re.exec(text))) {
      if (taken(m.index, m[0].length)) continue;
      out.push({ index: m.index, length: m[0].length, kind: 'numeric', a: Number(m[1]), b: Number(m[3]), yearText: m[4]!, aText: m[1]!, bText: m[3]! });
    }
  }
  return out.sort((x, y) => x.index - y.index);
}

function toMention(text: string, r: RawMatch, ocr: boolean): Omit<DateMention, 'row' | 'span'> | null {
  const y = plausibleYear(r.yearText, ocr);
  if (!y) return null;
  let repaired = y.repaired;
  let dmy: string | null;
  let mdy: string | null;
  if (r.kind === 'iso') {
    dmy = isoDate(y.year, r.b, r.a);
    mdy = null;
  } else if (r.kind === 'textual') {
    dmy = isoDate(y.year, r.month!, r.a);
    mdy = null;
  } else {
    dmy = isoDate(y.year, r.b, r.a);
    mdy = isoDate(y.year, r.a, r.b);
    if (dmy === mdy) mdy = null;
    if (!dmy && !mdy && ocr && r.aText && r.bText) {
      // "17/83/2017": one misread digit in the day or the month, repaired only when one
      // day-first reading results.
      const days = r.a >= 1 && r.a <= 31 ? [r.a] : partRepairs(r.aText, 31);
      const months = r.b >= 1 && r.b <= 12 ? [r.b] : partRepairs(r.bText, 12);
      const readings = days.flatMap((d) => months.map((mo) => isoDate(y.year, mo, d))).filter((x): x is string => !!x);
      if (readings.length === 1) {
        dmy = readings[0]!;
        repaired = true;
      }
    }
  }
  if (!dmy && !mdy) return null;
  const after = text.slice(r.index + r.length);
  const before = text.slice(0, r.index);
  const hasTime = /^\s*[,;-]?\s*(?:at\s+|a\s+|um\s+|om\s+)?\d{1,2}[:.h]\d{2}(?!\d)/.test(after) || /\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?\s*[,;-]?\s*$/.test(before);
  const inRange =
    /^\s*(?:[-\u2013~]|to|au|bis|tot|until|till|hasta)\s*(?:\d|[a-z]{3,9}\.?\s*\d)/.test(after) ||
    /(?:\d\s*[-\u2013~]|\bto|\bau|\bbis|\btot|\buntil|\btill|\bhasta)\s*$/.test(before);
  return { raw: text.slice(r.index, r.index + r.length), kind: r.kind, a: r.a, b: r.b, year: y.year, repaired, hasTime, inRange, dmy, mdy };
}

/** Every date printed on a row. */
export function scanDates(row: Row): DateMention[] {
  const ocr = row.method === 'ocr';
  const text = ocr ? repairOcrDates(row.norm) : row.norm;
  const out: DateMention[] = [];
  for (const r of rawMatches(text, ocr)) {
    const m = toMention(text, r, ocr);
    if (!m) continue;
    const span = spanAt(row, r.index, r.index + r.length);
    out.push({ ...m, raw: spanText(span), row, span });
  }
  return out;
}

export interface ParsedDate {
  /** YYYY-MM-DD, by `order` when the printed numbers allow both. */
  value: string;
  /** The other reading when day and month could be swapped. */
  alternatives: string[];
  ambiguous: boolean;
}

/**
 * Parses the first date in a piece of text. `order` settles "03/04/2026" (default day first);
 * the result says when it had to.
 */
export function parseDate(text: string, order: DateOrder = 'dmy'): ParsedDate | null {
  const norm = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  for (const r of rawMatches(norm, false)) {
    const m = toMention(norm, r, false);
    if (!m) continue;
    const first = order === 'mdy' ? (m.mdy ?? m.dmy) : (m.dmy ?? m.mdy);
    const other = first === m.dmy ? m.mdy : m.dmy;
    return { value: first!, alternatives: other ? [other] : [], ambiguous: !!other };
  }
  return null;
}
