// Reading printed numbers: "1.234,56", "1,234.56", "1 234,56", "56,02", "1939", "(12.00)",
// "12.00-". The decimal separator is decided per number where the digits tell (two separators,
// or one followed by 1–2 digits) and by the document's habit where they do not ("1.234").

export type DecimalStyle = '.' | ',';

export interface ParsedNumber {
  /** Strict decimal form for money.ts: "-1234.56", "1939". */
  decimal: string;
  negative: boolean;
  /** Digits after the decimal separator (0 when none). */
  fractionDigits: number;
  /** True when thousands grouping was read (1,234 / 1.234 / 1 234). */
  grouped: boolean;
  /** True when the separator could have meant the other thing ("1.234"). */
  ambiguous: boolean;
}

const SEP = `[.,'\u2019\u00a0\u202f ]`;

/**
 * Parses one number as printed. `style` is the document's decimal separator when known; it
 * only decides numbers like "1.234" whose digits do not. Returns null for anything that is not
 * a well-formed number (dates, phone numbers, "1.2.3").
 */
export function parseNumber(text: string, style: DecimalStyle | null = null): ParsedNumber | null {
  let s = text.trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (/^[-\u2212]/.test(s)) {
    negative = true;
    s = s.slice(1).trim();
  } else if (/[-\u2212]$/.test(s)) {
    // Credit notes and receipts print "12.00-".
    negative = true;
    s = s.slice(0, -1).trim();
  }
  if (!/^\d/.test(s) || !/\d$/.test(s)) return null;
  if (!new RegExp(`^\\d+(?:${SEP}\\d+)*$`).test(s)) return null;
  const parts = s.split(new RegExp(SEP));
  const seps = s.match(new RegExp(SEP, 'g')) ?? [];
  if (seps.length === 0) {
    return { decimal: (negative ? '-' : '') + stripZeros(s), negative, fractionDigits: 0, grouped: false, ambiguous: false };
  }
  const last = parts[parts.length - 1]!;
  const lastSep = seps[seps.length - 1]!;
  const distinct = [...new Set(seps.map((c) => (c === '.' || c === ',' ? c : 'g')))];

  let decimalSep: string | null = null;
  let ambiguous = false;
  if (distinct.length > 2) return null;
  if (distinct.length === 2) {
    // "1.234,56" / "1,234.56" / "1 234,56": the last separator is the decimal one.
    if (lastSep !== '.' && lastSep !== ',') return null;
    if (seps.slice(0, -1).includes(lastSep)) return null;
    decimalSep = lastSep;
  } else {
    const only = seps[0]!;
    if (only !== '.' && only !== ',') {
      // Only spaces/apostrophes: grouping, never a decimal.
      decimalSep = null;
    } else if (seps.length > 1) {
      decimalSep = null;
    } else if (last.length !== 3) {
      decimalSep = only;
    } else if (parts[0] === '0') {
      decimalSep = only;
    } else {
      ambiguous = true;
      decimalSep = style === only ? only : null;
      // With no habit known, "1.234" and "1,234" read as grouping: 3-decimal currencies are rare.
    }
  }
  let intParts = parts;
  let frac = '';
  if (decimalSep) {
    intParts = parts.slice(0, -1);
    frac = last;
    if (frac.length === 0 || frac.length > 3) return null;
  }
  // Grouping must be 1–3 digits then groups of exactly 3.
  if (intParts.length > 1) {
    if (intParts[0]!.length > 3 || intParts.slice(1).some((p) => p.length !== 3)) return null;
  }
  const int = stripZeros(intParts.join(''));
  return {
    decimal: (negative ? '-' : '') + int + (frac ? '.' + frac : ''),
    negative,
    fractionDigits: frac.length,
    grouped: intParts.length > 1,
    ambiguous,
  };
}

function stripZeros(s: string): string {
  const t = s.replace(/^0+(?=\d)/, '');
  return t === '' ? '0' : t;
}

/** Minor units of a decimal string for a currency exponent, rounding extra digits half up. */
export function decimalToMinorLoose(decimal: string, exponent: number): number {
  const neg = decimal.startsWith('-');
  const [int, frac = ''] = decimal.replace('-', '').split('.');
  const padded = (frac + '0'.repeat(exponent + 1)).slice(0, exponent + 1);
  let value = Number(int) * 10 ** exponent + Number(padded.slice(0, exponent) || '0');
  if (Number(padded[exponent] ?? '0') >= 5) value += 1;
  return neg ? -value : value;
}
