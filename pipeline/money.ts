// Money is integer minor units of an ISO 4217 currency. Decimal strings go in and out only at
// the edges (claims files, JSON output), so no sum is ever done on binary floats.

const exponentCache = new Map<string, number>();
let currencyCodes: Set<string> | null = null;

function knownCodes(): Set<string> {
  // Intl knows the ISO 4217 list of the ICU it ships with; no table to keep up to date here.
  currencyCodes ??= new Set(Intl.supportedValuesOf('currency'));
  return currencyCodes;
}

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCodes().has(code);
}

/** Digits after the decimal point for a currency: 2 for EUR, 0 for JPY, 3 for KWD; 2 when unknown. */
export function currencyExponent(code: string | null | undefined): number {
  if (!code || !isCurrencyCode(code)) return 2;
  let exp = exponentCache.get(code);
  if (exp === undefined) {
    exp = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    exponentCache.set(code, exp);
  }
  return exp;
}

export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
}

/**
 * Parses a strict decimal ("1234.56", "-3", "0.5") into minor units. Thousands separators and
 * commas are refused: claims files promise a '.' decimal, and guessing would hide a bad row.
 */
export function decimalToMinor(text: string, currency: string | null | undefined): number {
  const s = text.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new MoneyFormatError(`"${text}" is not a decimal number like 1234.56`);
  const exp = currencyExponent(currency);
  const frac = m[3] ?? '';
  if (frac.length > exp) {
    // Trailing zeros beyond the exponent are harmless ("12.500" EUR); real extra digits are not.
    if (/[^0]/.test(frac.slice(exp))) {
      throw new MoneyFormatError(`"${text}" has more than ${exp} decimal${exp === 1 ? '' : 's'} for ${currency ?? 'the currency'}`);
    }
  }
  const digits = m[2]! + frac.slice(0, exp).padEnd(exp, '0');
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new MoneyFormatError(`"${text}" is too large`);
  return m[1] ? -value : value;
}

/** For display and JSON only; never sum the result. */
export function minorToDecimal(minor: number, currency: string | null | undefined): number {
  const exp = currencyExponent(currency);
  return Number(minorToDecimalString(minor, exp));
}

/** "1250.00": the exact decimal text of an amount, for CSV cells and other machine-read output. */
export function minorToDecimalText(minor: number, currency: string | null | undefined): string {
  return minorToDecimalString(minor, currencyExponent(currency));
}

/**
 * Back to minor units from a decimal number that `minorToDecimal` produced (reports carry those).
 * Rounding removes the binary-float error of the division; the result is exact for any amount
 * that had a minor-unit value to begin with.
 */
export function decimalNumberToMinor(amount: number, currency: string | null | undefined): number {
  return Math.round(amount * 10 ** currencyExponent(currency));
}

function minorToDecimalString(minor: number, exp: number): string {
  const neg = minor < 0;
  const abs = String(Math.abs(Math.round(minor)));
  if (exp === 0) return (neg ? '-' : '') + abs;
  const padded = abs.padStart(exp + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}

/** "1,250.00 EUR": one unambiguous style for reports, whatever the document's locale. */
export function formatMoney(minor: number, currency: string | null | undefined): string {
  const exp = currencyExponent(currency);
  const s = minorToDecimalString(minor, exp);
  const [int, frac] = s.replace('-', '').split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${minor < 0 ? '-' : ''}${grouped}${frac !== undefined ? '.' + frac : ''}${currency ? ' ' + currency : ''}`;
}

/** Sums of amounts per currency, in the order the items first name each; amounts in different currencies are never added. */
export function sumByCurrency(items: ReadonlyArray<{ amountMinor: number; currency: string | null }>): { currency: string | null; minor: number }[] {
  const sums = new Map<string | null, number>();
  for (const e of items) sums.set(e.currency, (sums.get(e.currency) ?? 0) + e.amountMinor);
  return [...sums].map(([currency, minor]) => ({ currency, minor }));
}
