import { describe, expect, it } from 'vitest';
import { halfWidth, normalizeOcrLines, repairFigure, repairLabelWord, splitDateTime, splitGluedLabel, splitGluedLabels, splitGluedLegalForm } from './ocr-text.ts';
import type { Line } from './types.ts';

function line(...texts: string[]): Line {
  const words = texts.map((text, i) => ({ text, confidence: 0.9, box: { x: 0.1 + i * 0.2, y: 0.5, w: 0.15, h: 0.02 } }));
  return { text: texts.join(' '), words, box: { x: 0.1, y: 0.5, w: 0.2 * texts.length, h: 0.02 }, confidence: 0.9 };
}

describe('repairLabelWord', () => {
  it('reads a label word with a digit for a letter, keeping its case and colon', () => {
    expect(repairLabelWord('Tota1')).toBe('Total');
    expect(repairLabelWord('TOTA1:')).toBe('TOTAL:');
    expect(repairLabelWord('T0TAL')).toBe('TOTAL');
    expect(repairLabelWord('SUBT0TA1')).toBe('SUBTOTAL');
    expect(repairLabelWord('5umme')).toBe('Summe'.toLowerCase());
  });
  it('leaves identifiers, real words and figures alone (decoys)', () => {
    expect(repairLabelWord('Total')).toBeNull(); // nothing wrong
    expect(repairLabelWord('A10')).toBeNull(); // an identifier, not mostly letters
    expect(repairLabelWord('INV0815')).toBeNull(); // four digits: a number
    expect(repairLabelWord('Tota11')).toBeNull(); // no label word fits
    expect(repairLabelWord('B1ue')).toBeNull(); // not a label word
  });
});

describe('repairFigure', () => {
  it('reads O, o, l, I inside a figure as digits', () => {
    expect(repairFigure('1O.5O')).toBe('10.50');
    expect(repairFigure('2O19')).toBe('2019');
    expect(repairFigure('O.50')).toBe('0.50');
    expect(repairFigure('12.3l')).toBe('12.31');
  });
  it('leaves words and short tokens alone (decoys)', () => {
    expect(repairFigure('NO.')).toBeNull();
    expect(repairFigure('IO')).toBeNull();
    expect(repairFigure('10l')).toBeNull(); // three glyphs, no separator: "10 l" of a quantity
    expect(repairFigure('lO.O')).toBeNull(); // more wrong glyphs than digits
    expect(repairFigure('10.50')).toBeNull(); // nothing to repair
  });
});

describe('splitDateTime', () => {
  it('splits a date glued to the time after it', () => {
    expect(splitDateTime('15/01/201911:05:16')).toEqual(['15/01/2019', '11:05:16']);
    expect(splitDateTime('2019-01-1508:30')).toEqual(['2019-01-15', '08:30']);
    expect(splitDateTime('05.03.20189:41PM')).toEqual(['05.03.2018', '9:41PM']);
  });
  it('keeps a plain date and a long number whole (decoys)', () => {
    expect(splitDateTime('15/01/2019')).toBeNull();
    expect(splitDateTime('201911:05')).toBeNull();
    expect(splitDateTime('15/01/20191105')).toBeNull();
  });
});

describe('halfWidth', () => {
  it('maps full-width ASCII and the ideographic space', () => {
    expect(halfWidth('Ｔｏｔａｌ：１２．５０')).toBe('Total:12.50');
    expect(halfWidth('合计\u3000１０')).toBe('合计 10');
  });
  it('leaves other scripts alone', () => {
    expect(halfWidth('Σύνολο 合计 Gesamt €')).toBe('Σύνολο 合计 Gesamt €');
  });
});

describe('normalizeOcrLines', () => {
  it('splits, repairs and keeps boxes inside the original word', () => {
    const [l] = normalizeOcrLines([line('Tota1', '1O.5O'), line('Date:', '15/01/201911:05:16')]);
    expect(l!.text).toBe('Total 10.50');
    const second = normalizeOcrLines([line('Date:', '15/01/201911:05:16')])[0]!;
    expect(second.words.map((w) => w.text)).toEqual(['Date:', '15/01/2019', '11:05:16']);
    const [, date, time] = second.words;
    expect(date!.box.x).toBeCloseTo(0.3, 5);
    expect(time!.box.x + time!.box.w).toBeCloseTo(0.45, 5);
    expect(date!.box.x + date!.box.w).toBeLessThan(time!.box.x);
  });
  it('drops words that were only full-width spaces', () => {
    expect(normalizeOcrLines([line('\u3000')])).toEqual([]);
  });
});

describe('splitGluedLabel', () => {
  it('splits a label from the value OCR glued to it', () => {
    expect(splitGluedLabel('Total:$8.20')).toEqual(['Total:', '$8.20']);
    expect(splitGluedLabel('Invoice#:OR18031302170441')).toEqual(['Invoice#:', 'OR18031302170441']);
    expect(splitGluedLabel('Date.09/02/2018')).toEqual(['Date.', '09/02/2018']);
    expect(splitGluedLabel('No.59')).toEqual(['No.', '59']);
    expect(splitGluedLabel('Facturen°:RE-2026-8705')).toEqual(['Facturen°:', 'RE-2026-8705']);
    expect(splitGluedLabel('Échéance:01/01/2027')).toEqual(['Échéance:', '01/01/2027']);
  });
  it('keeps times, URLs, abbreviations and words whole (decoys)', () => {
    expect(splitGluedLabel('18:35')).toBeNull();
    expect(splitGluedLabel('http://example.com')).toBeNull();
    expect(splitGluedLabel('www.example.com')).toBeNull();
    expect(splitGluedLabel('Total:')).toBeNull();
    expect(splitGluedLabel('v1.2')).toBeNull();
  });
});

describe('splitGluedLegalForm', () => {
  it('splits a legal form glued to the name it ends', () => {
    expect(splitGluedLegalForm('OJCMARKETINGSDNBHD')).toEqual(['OJCMARKETING', 'SDN', 'BHD']);
    expect(splitGluedLegalForm('FABRIKAMGMBH')).toEqual(['FABRIKAM', 'GMBH']);
  });
  it('leaves words that merely end in the same letters (decoys)', () => {
    expect(splitGluedLegalForm('ZINC')).toBeNull();
    expect(splitGluedLegalForm('LTD')).toBeNull();
    expect(splitGluedLegalForm('Fabrikamgmbh')).toBeNull();
  });
});

describe('splitDateTime with a month name', () => {
  it('splits "13Mar201818:35"', () => {
    expect(splitDateTime('13Mar201818:35')).toEqual(['13Mar2018', '18:35']);
  });
});

describe('glued label words and dash decimals', () => {
  it('splits two label words printed as one', () => {
    expect(splitGluedLabels('TOTALAMOUNT')).toEqual(['TOTAL', 'AMOUNT']);
    expect(splitGluedLabels('TotalQuantity:')).toEqual(['Total', 'Quantity:']);
  });
  it('keeps one label word and other words whole (decoys)', () => {
    expect(splitGluedLabels('SUBTOTAL')).toBeNull();
    expect(splitGluedLabels('TOTALLY')).toBeNull();
    expect(splitGluedLabels('Datenschutz')).toBeNull();
  });
  it('reads "7-40" after a money label as 7.40, not after a date label or alone', () => {
    expect(normalizeOcrLines([line('TOTAL', '7-40')])[0]!.text).toBe('TOTAL 7.40');
    expect(normalizeOcrLines([line('Date', '12-18')])[0]!.text).toBe('Date 12-18');
    expect(normalizeOcrLines([line('Tel', '07-38')])[0]!.text).toBe('Tel 07-38');
  });
});

describe('splitDateTime: more glued forms', () => {
  it('splits month names with slashes, two-digit years and times with a dot', () => {
    expect(splitDateTime('01/Apr/201701:25:02')).toEqual(['01/Apr/2017', '01:25:02']);
    expect(splitDateTime('21/12/169:29:44AM')).toEqual(['21/12/16', '9:29:44AM']);
    expect(splitDateTime('05/01/20174:47.51PM')).toEqual(['05/01/2017', '4:47.51PM']);
  });
  it('does not split where the rest is no time of day (decoy)', () => {
    expect(splitDateTime('21/12/1699:29')).toBeNull();
  });
});
