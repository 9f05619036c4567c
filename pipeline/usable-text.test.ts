import { describe, expect, it } from 'vitest';
import { isDictionaryWord, isDocumentValue, judgePlainText, judgeText } from './usable-text.ts';

describe('usable text: dictionary words or document values, not a character count', () => {
  it('words a dictionary knows, in several languages', () => {
    for (const w of ['invoice', 'Invoices', 'und', 'pour', 'para', 'och', 'oraz', 'jsou', 'και']) expect(isDictionaryWord(w), w).toBe(true);
    for (const w of ['xq', 'Tzkrv', 'EE', 'llll', '1234']) expect(isDictionaryWord(w), w).toBe(false);
  });
  it('values with a shape documents give them', () => {
    for (const v of ['1,250.00', '56,02', '€12.00', '2026-03-05', '05.03.2026', 'billing@northwind.com', 'DE89370400440532013000', '2026年3月5日']) expect(isDocumentValue(v), v).toBe(true);
    for (const v of ['1250', 'abc', '12:30']) expect(isDocumentValue(v), v).toBe(false);
  });
  it('a short receipt is usable', () => {
    expect(judgePlainText('TOTAL 12.50').usable).toBe(true);
    expect(judgePlainText('12.50 2026-01-03').usable).toBe(true);
  });
  it('decoy: a long run of OCR speckle is not, nor are words read with little confidence', () => {
    expect(judgePlainText('Sh EE TT i] ~~ Rk ,. Tzkrv Qxx LRphRe ll 1 7 .. SESE rr ||').usable).toBe(false);
    expect(judgeText([{ text: 'the invoice total', confidence: 0.2 }]).usable).toBe(false);
    expect(judgeText([{ text: 'the invoice total', confidence: 0.9 }]).usable).toBe(true);
  });
});
