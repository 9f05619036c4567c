// Receipt totals decided by the receipt's own arithmetic: rounding lines, what was paid and the
// change given, tax summary tables. Each rule with its decoy (a look-alike where it must not fire).
import { describe, expect, it } from 'vitest';
import { extract } from './index.ts';
import { layoutPage, type LayoutOptions } from './testing.ts';
import type { ReadDocument } from '../types.ts';
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
    expect(total(['Candy 2 @1.42 | 2.84', 'Tea 2 @1.50 | 3.00', 'Total | 5.84', 'Cash Paid | 10.00', 'Change | 4.16'])).toBe(584);
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

/** The receipt with the words of the lines holding `text` read at confidence `conf`. */
function readAt(doc: ReadDocument, text: string, conf: number): ReadDocument {
  const lines = doc.pages[0]!.lines;
  // Each cell is a line of its own: the printed line is every cell at the label's height.
  const y = lines.find((l) => l.text === text)!.box.y;
  for (const l of lines) if (l.box.y === y) for (const w of l.words) w.confidence = conf;
  return doc;
}
const receipt = (lines: string[]) => layoutPage(['KEDAI MAJU ENTERPRISE', 'Date: 05/03/2018', ...lines], ocr);

describe('the amount due by the payment', () => {
  it('is the rounded amount paid when a rounding line follows the exact total and the rounded figure was lost', () => {
    // "Rounding RM 169.a0": the rounded total itself is unreadable; 200.00 − 30.20 says 169.80.
    const a = extract(receipt(['Pediasure | RM117.90', 'Total Sales (Inclusive GST) RM | 169.78', 'Rounding Adjustment RM | .02', 'Rounding RM | 169.a0', 'CASH RM | 200.00', 'CHANGE RM | 30.20'])).fields.amount!;
    expect(a.value).toBe(16980);
    expect(a.note).toMatch(/paid − .* change/);
  });

  it('leaves a total a few cents from the payment when the receipt prints no rounding line (decoy)', () => {
    expect(total(['Pediasure | RM117.90', 'Total | 169.78', 'CASH RM | 200.00', 'CHANGE RM | 30.20'])).toBe(16978);
  });

  it('corrects one digit of a total read less surely than the cash and the change', () => {
    const doc = readAt(receipt(['Groundnut 2.30kg | 18.00', 'GST | 1.08', 'ROUNDING | 0.02', 'TOTAL | 18.10', 'CASH | 50.10', 'CHANGE | 31.00']), 'TOTAL', 0.8);
    expect(extract(doc).fields.amount!.value).toBe(1910);
  });

  it('keeps the total when it was read as surely as the payment, or the payment is off by more than a digit (decoys)', () => {
    const lines = ['Groundnut 2.30kg | 18.00', 'GST | 1.08', 'TOTAL | 18.10', 'CASH | 50.10', 'CHANGE | 31.00'];
    expect(extract(receipt(lines)).fields.amount!.value).toBe(1810);
    const far = readAt(receipt(['Groundnut | 18.00', 'TOTAL | 18.10', 'CASH | 50.00', 'CHANGE | 20.00']), 'TOTAL', 0.8);
    expect(extract(far).fields.amount!.value).toBe(1810);
    // A text layer says what was typed: never second-guessed.
    const typed = layoutPage(['KEDAI MAJU', 'Groundnut | 18.00', 'TOTAL | 18.10', 'CASH | 50.10', 'CHANGE | 31.00']);
    expect(extract(typed).fields.amount!.value).toBe(1810);
  });
});

describe('totals corroborated by subtotal + tax', () => {
  const invoice = (totals: string[], opts: LayoutOptions = ocr) =>
    extract(
      layoutPage(
        ['Blue Harbor Eventservice AG', 'Rechnung', 'Rechnungsdatum: 17.11.2026', 'Beschreibung | Menge | Preis | Betrag', 'Tontechnik | 5 | 399,25 | 1.996,25', 'Catering | 5 | 580,50 | 2.902,50', 'Zwischensumme | 4.898,75', ...totals],
        opts,
      ),
    ).fields.amount;

  it('takes the sum when the OCR total reads as its trailing digits (a leading digit lost)', () => {
    const a = invoice(['MwSt. 19% | 930,76', 'Gesamtbetrag | 829,51']);
    expect(a?.value).toBe(582951);
    expect(a?.note).toMatch(/lost its leading digits/);
  });

  it('reads a bare rate as the tax label when the tax word was misread', () => {
    expect(invoice(['MwsSt. 19% | 930,76', 'Gesamtbetrag | 829,51'])?.value).toBe(582951);
  });

  it('keeps the printed total when a printed deposit explains the gap, or the page is a text layer (decoys)', () => {
    expect(invoice(['MwSt. 19% | 930,76', 'Anzahlung | 5.000,00', 'Gesamtbetrag | 829,51'])?.value).toBe(82951);
    expect(invoice(['MwSt. 19% | 930,76', 'Gesamtbetrag | 829,51'], { method: 'text' })?.value).toBe(82951);
    // A total that is not the sum's trailing digits is another figure, not a misreading.
    expect(invoice(['MwSt. 19% | 930,76', 'Gesamtbetrag | 729,51'])?.value).toBe(72951);
  });

  it('takes the sum over a line amount when no total label was read', () => {
    const a = invoice(['MwSt. 19% | 930,76', 'Gesamtbetra5.829,51']);
    expect(a?.value).toBe(582951);
    expect(a?.note).toMatch(/no total label read/);
  });

  it('a rate on a discount line is not a tax, so no sum is made of it (decoy)', () => {
    expect(invoice(['Zwischensumme | 4.898,75', 'Rabatt 10% | 489,88', 'Gesamtbetrag | 4.408,87'])?.value).toBe(440887);
  });
});
