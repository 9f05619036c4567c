// The field extractors on text nobody planned for: OCR garbage, hostile PDF text layers, control
// characters, huge numbers, invoice-like words in random order. Whatever comes in, extraction
// returns a result (possibly empty) and never throws; values it returns are well-formed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../dates.ts';
import { extract, parseAmount, parseDate } from './index.ts';
import { layoutDocument } from './testing.ts';

// Pieces of invoices, so random lines often look like the real thing and reach deep rules.
const token = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Invoice', 'INVOICE NO:', 'Total', 'TOTAL DUE', 'Subtotal', 'VAT 20%', 'Date:', 'Amount', 'EUR', 'USD', '€', '$', '£', 'RM', 'GmbH', 'Inc.', 'Ltd', 'Hours', 'Rate', 'Certification Statement', 'Page 1 of 2', 'Balance', '|', ':', '-', '/') },
  { weight: 3, arbitrary: fc.oneof(fc.integer({ min: 0, max: 99_999 }).map(String), fc.double({ noNaN: false }).map(String), fc.constantFrom('1e309', '9999999999999999999999.99', '1.234,56', '12/31/9999', '31.02.2026', '2026-13-45', '0000-00-00', '29 février 2026', 'Mar 3, 2617')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('\x1b[31m', '\u202e', '\u0000', '\ufffd', '\t', ' '.repeat(40)) },
);
const line = fc.array(token, { minLength: 1, maxLength: 8 }).map((t) => t.join(' '));
const page = fc.array(line, { minLength: 1, maxLength: 25 });

describe('field extraction fuzzed', () => {
  it('random and invoice-like text gives an extraction with well-formed values, never an exception', () => {
    fc.assert(
      fc.property(fc.array(page, { minLength: 1, maxLength: 3 }), fc.constantFrom('text', 'ocr') as fc.Arbitrary<'text' | 'ocr'>, fc.constantFrom('dmy', 'mdy', null), (pages, method, localeHint) => {
        const doc = layoutDocument(pages, { method, confidence: method === 'ocr' ? 0.8 : 1 });
        const e = extract(doc, { localeHint });
        expect(['invoice', 'csr', 'poe', 'other']).toContain(e.kind);
        const { amount, date, currency } = e.fields;
        if (amount) expect(Number.isSafeInteger(amount.value)).toBe(true);
        if (date) expect(isIsoDate(date.value)).toBe(true);
        if (currency) expect(currency.value).toMatch(/^[A-Z]{3}$/);
        for (const f of Object.values(e.fields)) if (f) expect(f.confidence).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 100, seed: 7 },
    );
  }, 60_000);

  it('parseAmount and parseDate accept any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), line), (s) => {
        const a = parseAmount(s);
        if (a) expect(Number.isSafeInteger(a.minor)).toBe(true);
        const d = parseDate(s);
        if (d) for (const v of [d.value, ...d.alternatives]) expect(isIsoDate(v)).toBe(true);
      }),
      { numRuns: 500, seed: 8 },
    );
  });
});
