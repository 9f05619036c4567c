// Receipt totals decided by the receipt's own arithmetic: rounding lines, what was paid and the
// change given, tax summary tables. Each rule with its decoy (a look-alike where it must not fire).
import { describe, expect, it } from 'vitest';
import { extract } from './index.ts';
import { layoutPage } from './testing.ts';
import { ROUNDING } from './amount.ts';

const ocr = { method: 'ocr' as const };
const total = (lines: string[]) => extract(layoutPage(['KEDAI MAJU ENTERPRISE', 'Date: 05/03/2018', ...lines], ocr)).fields.amount?.value;

describe('rounding lines', () => {
  it('reads rounding labels as OCR misprints them', () => {
    for (const label of ['Rounding', 'Rouriding', 'RCUNDING', 'Rounded', 'RND ADJ', 'TTLAFT RND']) expect(ROUNDING.test(label.toLowerCase()), label).toBe(true);
    for (const word of ['Record', 'Background', 'Random', 'Reader', 'Rcd no']) expect(ROUNDING.test(word.toLowerCase()), word).toBe(false);
  });

  it('takes the rounded total after an adjustment line, under a misread rounding label', () => {
    expect(total(['Coffee mix | 29.95', 'Total Sales (Irclusive 6ST) RM | 37.44', 'Rounding Adjustment RM | .01', 'Rouriding RM | 37.45'])).toBe(3745);
    expect(total(['Subtotal | 42.64', '10% Svc Chg | 4.25', 'Total: | 46.89', 'RND ADJ | 0.01', 'TTLAFT RND | 46.90'])).toBe(4690);
  });

  it('keeps the total when a bare "Rounded" note has no adjustment line and no payment behind it (decoy)', () => {
    expect(total(['Lor Mee | 13.90', 'Subtotal: | RM31.70', 'Srv Chrg 10% | RM3.17', 'Total | RM36.96', 'Balance: | RM36.96', 'Rounded: | RM36.95'])).toBe(3696);
  });

  it('takes the total after an adjustment line even when OCR misread the exact total by more than the rounding', () => {
    // 30.68 + 0.02 = 30.70, the exact total misread as 30.88; the cash paid agrees with 30.70.
    expect(total(['Paper 450s | 13.69', 'Total RM Incl. of GST | 30.88', 'Rounding Adj | 0.02', 'Total RM | 30.70', 'Cash | -30.70', 'Item Count | 5'])).toBe(3070);
    // Decoy: two totals with no adjustment between them and far apart stay ranked by their labels.
    expect(total(['Paper 450s | 13.69', 'Total Sales | 30.70', 'Grand Total Incl. GST | 32.54'])).toBe(3254);
  });
});

describe('payment', () => {
  it('a total paid exactly by card ("Credit", change 0.00) is the amount due', () => {
    expect(total(['Milk 1L | 6.79', 'Total Sales (Inclusive GST) | 85.44', 'Rounding | 85.45', 'CREDIT RM | 85.45', 'CHANGE RM | 0.00'])).toBe(8545);
  });

  it('a receipt whose total line was lost but that prints "Change 0.00" totals what was paid', () => {
    expect(total(['Bill No: POS/266870', 'Candy 2 @1.42 | 2.84', 'Tea 2 @1.50 | 3.00', 'Cash Paid | 8.00', 'Card Paid | 0.00', 'Change | 0.00'])).toBe(800);
  });

  it('does not take the payment for the total when change was given back (decoy)', () => {
    const v = total(['Candy 2 @1.42 | 2.84', 'Tea 2 @1.50 | 3.00', 'Cash Paid | 10.00', 'Change | 4.16']);
    expect(v).not.toBe(1000);
  });
});

describe('tax summary tables', () => {
  it('never takes the "Total" row of a tax summary for the total', () => {
    // The receipt's own total line came out garbled ("TotalAmtlmsl"); the table's "Total" row is the only clean one.
    const lines = ['White spray | 1.00 | 7.00', 'TotalAmtlmsl.GST@ 6%: | 7.00', 'Paid Amount : | 7.00', 'Change : | 0.00', 'GST Summary | Amount | Tax', '| (RM) | (RM)', 'Total | 6.60 | 0.40'];
    expect(total(lines)).toBe(700);
  });

  it('a total printed after the summary table has ended is still read (decoy)', () => {
    const lines = ['Item A | 7.00', 'GST Summary | Amount | Tax', 'SR @ 6% | 6.60 | 0.40', 'Thank you', 'Please come again', 'Member points 12', 'Visit us online', 'Total | 7.00'];
    expect(total(lines)).toBe(700);
  });
});
