// Finding every printed amount on a row, with the marker (symbol or code) printed beside it.
// OCR noise is repaired only where the shape leaves no doubt: letters inside a token that is
// otherwise a money amount ("1O.5O"), and a decimal point split from its digits ("38 .90").
import { isCurrencyCode } from '../money.ts';
import { CURRENCY_MARKERS, isWordlikeCode, markerToCode } from './currency.ts';
import { parseNumber, type DecimalStyle, type ParsedNumber } from './number.ts';
import { spanAt, type Row, type Span } from './text.ts';

export interface MoneyMention extends ParsedNumber {
  row: Row;
  span: Span;
  /** The marker as printed ("$", "RM", "EUR") or null. */
  marker: string | null;
  /** ISO code of the marker; "$" stays "$" (ambiguous); null without a marker. */
  code: string | null;
  raw: string;
  /** Letters were read as digits, or a split decimal was joined. */
  repaired: boolean;
  /** Index of the mention within its row. */
  ordinal: number;
}

const NBSP = '\u00a0';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const MARKERS = Object.keys(CURRENCY_MARKERS)
  .sort((a, b) => b.length - a.length)
  .map(escapeRe);
const CUR = `(?:${MARKERS.join('|')}|[A-Z]{3})`;
const NUM = [
  // 1.234,56 / 1,234.56 / 3.441.812 / 1'234.50
  `\\d{1,3}(?:[,.'\u2019]\\d{3})+(?:[.,]\\d{1,2})?`,
  // 1 234,56 (narrow gaps only; the scanner marks them as NBSP)
  `\\d{1,3}(?:${NBSP}\\d{3})+${NBSP}?[.,]${NBSP}?\\d{1,2}`,
  // 1234.56 / 56,02 / 1939 / 38 .90 (split decimal marked as NBSP)
  `\\d{1,9}(?:${NBSP}?[.,]${NBSP}?\\d{1,3})?`,
].join('|');
const MONEY_RE = new RegExp(
  `(?<![\\w.,/:\\-#])(?:(${CUR})${NBSP}?\\s?)?(\\(|-)?(${NUM})(\\))?(-(?![\\d\\w]))?(?:\\s?(${CUR}))?(?![\\w/:]|[.,]\\d|\\s?%|-[\\dA-Za-z]|${NBSP}\\d)`,
  'gu',
);

const OCR_DIGIT: Record<string, string> = { O: '0', o: '0', D: '0', Q: '0', l: '1', I: '1', '|': '1', S: '5', B: '8' };

/** Repairs letters inside an OCR token shaped like an amount ("1O.5O", "RM3B.90"); same length. */
function repairToken(text: string): string {
  // A misread "RM" glued to the amount ("kM46.25", "R{13.90", "M3.00"): blank it out, the
  // number stays where it was.
  const glued = /^([A-Za-z{(¥|]{1,3})(\d{1,7}[.,]\d{2})$/.exec(text);
  if (glued && !CURRENCY_MARKERS[glued[1]!] && !/^[A-Z]{3}$/.test(glued[1]!)) return ' '.repeat(glued[1]!.length) + glued[2]!;
  const m = /^([^0-9A-Za-z|]*(?:RM|Rs\.?|\$)?)([0-9OoDQlI|SB]{1,7}[.,][0-9OoDQlI|SB]{2})([^0-9A-Za-z|]*)$/.exec(text);
  if (!m) return text;
  const core = m[2]!;
  const digits = (core.match(/\d/g) ?? []).length;
  if (digits < 2 || digits === core.length - 1) return text;
  return m[1]! + core.replace(/[OoDQlI|SB]/g, (c) => OCR_DIGIT[c]!) + m[3]!;
}

/**
 * The row's text as scanned for money: OCR tokens repaired, and the space between two tokens
 * replaced by NBSP where it is narrow and joins digit groups (so "1 234,56" is one number and
 * "1   278.61", a quantity then a price, is not).
 */
function scanText(row: Row): { text: string; repaired: boolean[] } {
  let text = '';
  const repaired: boolean[] = [];
  row.tokens.forEach((t, i) => {
    const fixed = row.method === 'ocr' ? repairToken(t.text) : t.text;
    repaired.push(fixed !== t.text);
    if (i > 0) {
      const prev = row.tokens[i - 1]!;
      const gap = (t.box.x - (prev.box.x + prev.box.w)) * row.aspect;
      const h = Math.max(prev.box.h, t.box.h, 1e-6);
      const prevText = text.slice(row.textStarts[i - 1]!);
      const groupJoin = /\d$/.test(prevText) && /^\d{3}(?:[.,]\d{1,2})?\b/.test(fixed) && gap < 0.6 * h && /(^|[^\d.,])\d{1,3}$/.test(prevText);
      const splitDecimal =
        row.method === 'ocr' && gap < 0.8 * h && ((/\d$/.test(prevText) && /^[.,]\d{2}$/.test(fixed)) || (/\d[.,]$/.test(prevText) && /^\d{2}$/.test(fixed)));
      text += groupJoin || splitDecimal ? NBSP : ' ';
    }
    text += fixed;
  });
  return { text, repaired };
}

/** The document's decimal separator habit, from numbers whose digits decide it. */
export function decimalStyle(rows: Row[]): DecimalStyle | null {
  let dot = 0;
  let comma = 0;
  for (const r of rows) {
    for (const m of r.text.matchAll(/(?<![\d.,])\d{1,3}(?:([.,])\d{3})*([.,])(\d{2})(?![\d.,])/g)) {
      if (m[1] && m[1] === m[2]) continue;
      if (m[2] === '.') dot++;
      else comma++;
    }
  }
  if (dot === 0 && comma === 0) return null;
  return comma > dot ? ',' : '.';
}

export function scanMoney(row: Row, style: DecimalStyle | null): MoneyMention[] {
  const { text, repaired } = scanText(row);
  const out: MoneyMention[] = [];
  for (const m of text.matchAll(MONEY_RE)) {
    const pre = m[1] ?? null;
    const post = m[6] ?? null;
    // A three-letter word that is not a currency ("TAX 1.00"), or one that is also a word
    // ("SDN BHD 12.00"), is not a marker and not part of the amount.
    const valid = (c: string | null) => !!c && (!/^[A-Z]{3}$/.test(c) || !!CURRENCY_MARKERS[c] || (isCurrencyCode(c) && !isWordlikeCode(c)));
    const preMarker = valid(pre) ? pre : null;
    const postMarker = valid(post) ? post : null;
    let start = m.index!;
    if (pre && !preMarker) start += pre.length + (text[start + pre.length] === NBSP || text[start + pre.length] === ' ' ? 1 : 0);
    let end = m.index! + m[0].length;
    if (post && !postMarker) end -= post.length;
    const core = m[3]!.replace(/\u00a0(?=[.,])|(?<=[.,])\u00a0/g, '').replace(/\u00a0/g, ' ');
    const negative = (m[2] === '(' && !!m[4]) || m[2] === '-' || !!m[5];
    let parsed = parseNumber(core, style);
    if (!parsed) continue;
    if (negative) parsed = { ...parsed, negative: true, decimal: '-' + parsed.decimal };
    const marker = preMarker ?? postMarker;
    const code = marker ? markerToCode(marker) : null;
    const span = spanAt(row, start, end, true);
    const rawText = text.slice(start, end).replace(new RegExp(NBSP, 'g'), ' ').trim();
    const rep = repaired.slice(span.start, span.end).some(Boolean) || /\u00a0[.,]|[.,]\u00a0/.test(m[3]!);
    out.push({ ...parsed, row, span, marker, code, raw: rawText, repaired: rep, ordinal: out.length });
  }
  return out;
}
