import { describe, expect, it } from 'vitest';
import { extract, mergeExtractions } from './index.ts';
import { layoutPage } from './testing.ts';
import { decideWithOtherFields, explainedBy } from './vote.ts';

const ocr = { method: 'ocr' as const, fileType: 'jpeg' as const };
const receipt = (total: string, date: string, extra: string[] = []) =>
  layoutPage(['CORNER CAFE SDN BHD', `Date: ${date}`, 'Latte | 12.50', 'Cake | 3.90', 'Subtotal | 16.40', 'Tax | 1.60', `TOTAL | ${total}`, ...extra], ocr);
const now = new Date('2026-06-01T00:00:00Z');

/** Merges two readings the way processBytes does, then lets the other fields decide. */
function decide(a: ReturnType<typeof receipt>, b: ReturnType<typeof receipt>, confA = 1, confB = 1) {
  return decideWithOtherFields(mergeExtractions([extract(a), extract(b)], [confA, confB]), [a, b], now);
}

describe('explainedBy', () => {
  it('finds a total made of two other amounts, or a payment minus its change', () => {
    expect(explainedBy(1800, [1640, 160, 1800])).toBe(true);
    expect(explainedBy(1800, [2000, 200])).toBe(true);
  });
  it('does not count the total itself, nor one amount used twice (decoys)', () => {
    expect(explainedBy(1800, [1800, 1800])).toBe(false);
    expect(explainedBy(1800, [900])).toBe(false);
  });
});

describe('decideWithOtherFields: totals', () => {
  it('prefers the reading of the total that the subtotal and tax add up to', () => {
    // Reading A misread 18.00 as 16.00 and is surer of it than reading B is of the right one.
    const out = decide(receipt('16.00', '14/03/2026'), receipt('18.00', '14/03/2026'), 1, 0.8);
    expect(out.fields.amount?.value).toBe(1800);
    expect(out.fields.amount?.alternatives).toContain(1600);
  });
  it('keeps the voted total when no alternative fits either (decoy)', () => {
    const a = layoutPage(['SHOP', 'Date: 14/03/2026', 'TOTAL | 16.00'], ocr);
    const b = layoutPage(['SHOP', 'Date: 14/03/2026', 'TOTAL | 18.00'], ocr);
    const merged = mergeExtractions([extract(a), extract(b)], [1, 0.8]);
    expect(decideWithOtherFields(merged, [a, b], now).fields.amount?.value).toBe(merged.fields.amount?.value);
  });
});

describe('decideWithOtherFields: quantities are not amounts', () => {
  it('does not let a bare quantity explain a misread total on a receipt priced in decimals', () => {
    // Reading A: 48.10 (misread 19.10); 50.10 − 48.10 = 2, and "2" is only the quantity.
    const lines = (t: string) => ['SHOP', 'Date: 14/03/2026', 'Groundnut | 2 | 18.00', 'GST | 1.08', 'ROUNDING | 0.02', `TOTAL | ${t}`, 'CASH | 50.10', 'CHANGE | 31.00'];
    const a = layoutPage(lines('48.10'), ocr);
    const b = layoutPage(lines('19.10'), ocr);
    const out = decideWithOtherFields(mergeExtractions([extract(a), extract(b)], [1, 0.7]), [a, b], now);
    expect(out.fields.amount?.value).toBe(1910);
  });
  it('still counts an integer amount on a receipt printed without decimals (decoy)', () => {
    expect(explainedBy(1800, [1600, 200])).toBe(true);
  });
});

describe('decideWithOtherFields: dates', () => {
  it('drops a date reading that lies in the future for one that does not', () => {
    const out = decide(receipt('18.00', '14/03/2028'), receipt('18.00', '14/03/2026'), 1, 0.8);
    expect(out.fields.date?.value).toBe('2026-03-14');
  });
  it('prefers the reading near the other dates printed on the document', () => {
    const due = ['Due date: 28/03/2026'];
    const out = decide(receipt('18.00', '14/03/2024', due), receipt('18.00', '14/03/2026', due), 1, 0.8);
    expect(out.fields.date?.value).toBe('2026-03-14');
  });
  it('keeps the voted date when nothing else on the document is dated (decoy)', () => {
    const a = receipt('18.00', '14/03/2024');
    const b = receipt('18.00', '14/03/2026');
    const merged = mergeExtractions([extract(a), extract(b)], [1, 0.8]);
    expect(decideWithOtherFields(merged, [a, b], now).fields.date?.value).toBe(merged.fields.date?.value);
  });
});
