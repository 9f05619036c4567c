import { describe, expect, it } from 'vitest';
import { parseAmount, parseDate } from './index.ts';
import { monthFromWord, plausibleYear } from './date.ts';
import { parseNumber } from './number.ts';

describe('parseAmount', () => {
  it.each([
    ['1.234,56 €', '1234.56', 123456, 'EUR'],
    ['€ 4.904,94', '4904.94', 490494, 'EUR'],
    ['$1,234.56', '1234.56', 123456, null],
    ['56,02', '56.02', 5602, null],
    ['Rs 1939', '1939', 193900, 'INR'],
    ['RM12.20', '12.20', 1220, 'MYR'],
    ['RM 12.20', '12.20', 1220, 'MYR'],
    ['1 234,56', '1234.56', 123456, null],
    ['-9,32', '-9.32', -932, null],
    ['€ -9,32', '-9.32', -932, 'EUR'],
    ['(12.00)', '-12.00', -1200, null],
    ['12.00-', '-12.00', -1200, null],
    ['EUR 34,73', '34.73', 3473, 'EUR'],
    ['¥1,200', '1200', 1200, 'JPY'],
    ["1'234.50", '1234.50', 123450, null],
  ])('%s', (text, decimal, minor, currency) => {
    const p = parseAmount(text);
    expect(p).not.toBeNull();
    expect(p!.decimal).toBe(decimal);
    expect(p!.minor).toBe(minor);
    expect(p!.currency).toBe(currency);
  });

  it.each(['12/03/2024', 'abc', '1.2.3', '', 'TOTAL'])('refuses %j', (text) => {
    expect(parseAmount(text)).toBeNull();
  });
});

describe('parseNumber', () => {
  it('reads a lone "1.234" as grouping unless the document writes decimals that way', () => {
    expect(parseNumber('1.234')!.decimal).toBe('1234');
    expect(parseNumber('1.234')!.ambiguous).toBe(true);
    expect(parseNumber('1,234', ',')!.decimal).toBe('1.234');
  });
  it('refuses malformed grouping', () => {
    expect(parseNumber('12,34,567.00')).toBeNull();
    expect(parseNumber('1.234,56.78')).toBeNull();
  });
});

describe('parseDate', () => {
  it.each([
    ['August 3 , 2014', '2014-08-03'],
    ['7. Mai 2014', '2014-05-07'],
    ['29 maart 2014', '2014-03-29'],
    ['2 juillet 2015', '2015-07-02'],
    ['03 MAR 18', '2018-03-03'],
    ['15-Jan-2019', '2019-01-15'],
    ['Jan 1, 2022', '2022-01-01'],
    ['2022-11-28', '2022-11-28'],
    ['28/11/2022', '2022-11-28'],
    ['03/20/2023', '2023-03-20'],
    ['3 de marzo de 2021', '2021-03-03'],
    ['1er janvier 2020', '2020-01-01'],
    ['12 dicembre 2019', '2019-12-12'],
    ['5 fevereiro 2020', '2020-02-05'],
    ['Facture n°562044387 du 02 Juillet 2015', '2015-07-02'],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text)?.value).toBe(iso);
  });

  it('keeps the other order of an ambiguous date as an alternative', () => {
    const d = parseDate('03/04/2026')!;
    expect(d.ambiguous).toBe(true);
    expect(d.value).toBe('2026-04-03');
    expect(d.alternatives).toEqual(['2026-03-04']);
    expect(parseDate('03/04/2026', 'mdy')!.value).toBe('2026-03-04');
  });

  it('rejects impossible dates', () => {
    expect(parseDate('31/02/2024')).toBeNull();
    expect(parseDate('32/01/2024')).toBeNull();
    expect(parseDate('13/13/2024')).toBeNull();
    expect(parseDate('29/02/2023')).toBeNull();
    expect(parseDate('29/02/2024')?.value).toBe('2024-02-29');
  });

  it('repairs OCR month names and years only when one reading fits', () => {
    expect(monthFromWord('har', true)).toBe(3);
    expect(monthFromWord('har', false)).toBeNull();
    expect(plausibleYear('2617', true)).toEqual({ year: 2017, repaired: true });
    expect(plausibleYear('2617', false)).toBeNull();
    expect(plausibleYear('2018', true)).toEqual({ year: 2018, repaired: false });
  });
});

describe('a stray figure before a month-first date', () => {
  it('"1 October 14, 2026" is 14 October 2026, not 1 October 2014', () => {
    expect(parseDate('1 October 14, 2026')?.value).toBe('2026-10-14');
    expect(parseDate('3 Oct 18, 2026')?.value).toBe('2026-10-18');
  });
  it('decoy: a day-first date with a two-digit year stays as printed', () => {
    expect(parseDate('1 October 14')?.value).toBe('2014-10-01');
    expect(parseDate('03 MAR 18, total 2026.00')?.value).toBe('2018-03-03');
  });
});
