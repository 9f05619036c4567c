import { describe, expect, it } from 'vitest';
import { deadlineOf } from '../pipeline/checks.ts';
import { addDays, addMonths, isIsoDate } from '../pipeline/dates.ts';
import { retentionUntil } from './dates.ts';

describe('calendar dates', () => {
  it('puts the deadline 45 days after the usage end, across months and years', () => {
    expect(deadlineOf({ usageEnd: '2026-03-31' })).toBe('2026-05-15');
    expect(deadlineOf({ usageEnd: '2025-12-20' })).toBe('2026-02-03');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('keeps originals 24 months, clamping a day the target month lacks', () => {
    expect(retentionUntil('2026-03-31')).toBe('2028-03-31');
    expect(retentionUntil('2024-02-29')).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });

  it('accepts only real YYYY-MM-DD days', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(isIsoDate('03/04/2026')).toBe(false);
    expect(isIsoDate(20260101)).toBe(false);
    expect(() => addDays('03/04/2026', 1)).toThrow(RangeError);
  });
});
