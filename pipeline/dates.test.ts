import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, daysInMonth, daysOutside, fromDayNumber, isIsoDate, isWithin, toDayNumber } from './dates.ts';

describe('isIsoDate', () => {
  it('accepts real calendar dates only, in strict YYYY-MM-DD', () => {
    expect(isIsoDate('2026-03-04')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-00-10')).toBe(false);
    expect(isIsoDate('2026-3-4')).toBe(false);
    expect(isIsoDate('04/03/2026')).toBe(false);
    expect(isIsoDate('2026-03-04T00:00:00Z')).toBe(false);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
  });
});

describe('arithmetic', () => {
  it('adds days across months, years and the DST changes of any timezone', () => {
    expect(addDays('2026-03-31', 45)).toBe('2026-05-15');
    expect(addDays('2026-12-20', 45)).toBe('2027-02-03');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30'); // EU DST switch
    expect(addDays('2026-11-01', 1)).toBe('2026-11-02'); // US DST switch
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('adds months and clamps to the end of the target month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-03-15', 24)).toBe('2028-03-15');
    expect(addMonths('2026-03-15', -3)).toBe('2025-12-15');
  });

  it('counts days between dates and outside a period', () => {
    expect(daysBetween('2026-03-01', '2026-03-04')).toBe(3);
    expect(daysBetween('2026-03-04', '2026-03-01')).toBe(-3);
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
    expect(daysOutside('2026-02-27', '2026-03-01', '2026-03-31')).toBe(2);
    expect(daysOutside('2026-04-02', '2026-03-01', '2026-03-31')).toBe(2);
    expect(daysOutside('2026-03-31', '2026-03-01', '2026-03-31')).toBe(0);
    expect(isWithin('2026-03-01', '2026-03-01', '2026-03-31')).toBe(true);
    expect(isWithin('2026-04-01', '2026-03-01', '2026-03-31')).toBe(false);
    expect(daysInMonth(2026, 2)).toBe(28);
  });

  it('round-trips day numbers, including years before 100', () => {
    for (const d of ['1970-01-01', '2026-03-04', '0050-06-15', '9999-12-31']) expect(fromDayNumber(toDayNumber(d))).toBe(d);
    expect(toDayNumber('1970-01-02')).toBe(1);
    expect(() => toDayNumber('2026-02-30')).toThrow(/not a calendar date/);
  });
});
