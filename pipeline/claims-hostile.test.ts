// Claims files as an attacker or a careless export would make them: other encodings, formula
// injection, absurd amounts and dates, deep nesting, many rows, random bytes. Each is either
// read correctly or refused as a ClaimsInputError naming the file (and line); nothing else escapes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../test/helpers/thrown.ts';
import { checkClaims, deadlineOf } from './checks.ts';
import { ClaimsInputError, decodeClaimsText, parseClaimsBytes, parseClaimsCsv, parseClaimsJson } from './claims-input.ts';
import { addDays, addMonths } from './dates.ts';

const HEADER = 'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description';
const row = (over: Partial<Record<string, string>> = {}, n = 1) => {
  const v = { claim_id: 'C1', partner: 'P', program: 'MDF', activity: 'Event', usage_start: '2026-03-01', usage_end: '2026-03-31', expense_id: `E${n}`, expense_type: 'third_party', vendor: 'Café Müller GmbH', amount: '12.50', currency: 'EUR', expense_date: '2026-03-04', description: '', ...over };
  return HEADER.split(',').map((k) => v[k as keyof typeof v]).join(',');
};
const csvText = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

const failure = (fn: () => unknown) => thrown(fn, ClaimsInputError);

describe('claims file encodings', () => {
  const text = csvText(row());

  it('reads UTF-8 with and without a BOM, and UTF-16 with a BOM or by its NULs', () => {
    const vendor = (bytes: Uint8Array) => parseClaimsBytes(bytes, 'claims.csv')[0]!.expenses[0]!.vendor;
    const utf8 = Buffer.from(text, 'utf8');
    expect(vendor(utf8)).toBe('Café Müller GmbH');
    expect(vendor(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe('Café Müller GmbH');
    const le = Buffer.from(text, 'utf16le');
    expect(vendor(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBe('Café Müller GmbH');
    expect(vendor(le)).toBe('Café Müller GmbH');
    const be = Buffer.from(le).swap16();
    expect(vendor(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe('Café Müller GmbH');
    expect(vendor(be)).toBe('Café Müller GmbH');
  });

  it('refuses Latin-1 with the file, line and byte, instead of mangling the vendor names', () => {
    const latin1 = Buffer.from(csvText(row({ vendor: 'Acme' }, 1), row({}, 2)), 'latin1');
    const err = failure(() => parseClaimsBytes(latin1, 'claims.csv'));
    expect(err.message).toBe('claims.csv:3: the file is not UTF-8: byte 0xe9 at column 56 (in Latin-1/Windows-1252 that byte is "é"); save the file as UTF-8');
  });

  it('refuses NUL bytes and UTF-32', () => {
    expect(failure(() => decodeClaimsText(Buffer.from('claim_id\0,x\n'), 'c.csv')).message).toMatch(/^c\.csv:1: the file contains a NUL byte/);
    expect(failure(() => decodeClaimsText(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]), 'c.csv')).message).toMatch(/UTF-32/);
  });
});

describe('claims values', () => {
  it('keeps formula-like cells as data, exactly as written (CSV writers escape them, see services/reports)', () => {
    const cells = ["=cmd|' /C calc'!A0", '+SUM(A1)', '-2+3', '@HYPERLINK("x")'];
    const claims = parseClaimsCsv(csvText(...cells.map((v, i) => row({ vendor: `"${v.replace(/"/g, '""')}"`, description: v.replace(/,/g, ' ') }, i + 1))), 'c.csv');
    expect(claims[0]!.expenses.map((e) => e.vendor)).toEqual(cells);
  });

  it('refuses amounts that are not finite, in exponent form or too large, as one clear line', () => {
    const amount = (a: string) => failure(() => parseClaimsCsv(csvText(row({ amount: a })), 'c.csv')).message;
    expect(amount('1e309')).toBe('c.csv:2: column "amount": "1e309" is in exponent notation; write the amount out in digits');
    expect(amount('NaN')).toBe('c.csv:2: column "amount": "NaN" is not a finite amount');
    expect(amount('Infinity')).toBe('c.csv:2: column "amount": "Infinity" is not a finite amount');
    expect(amount('99999999999999999999')).toMatch(/^c\.csv:2: column "amount": "99999999999999999999" is too large/);
    const json = (a: string) =>
      failure(() => parseClaimsJson(`[{"claimId":"C","partner":"P","program":"M","activity":"A","usageStart":"2026-01-01","usageEnd":"2026-01-31","expenses":[{"expenseId":"E","type":"third_party","vendor":"V","amount":${a},"currency":"EUR","date":"2026-01-05"}]}]`, 'c.json')).message;
    expect(json('1e309')).toBe('c.json: [0].expenses[0].amount: "Infinity" is not a finite amount');
    expect(json('123456789012345678901234567890')).toMatch(/exponent notation|too large/);
    expect(json('-1e309')).toMatch(/finite|negative/);
  });

  it('refuses a usage end whose deadline would leave four-digit years, instead of crashing the checks', () => {
    const err = failure(() => parseClaimsCsv(csvText(row({ usage_start: '9999-01-01', usage_end: '9999-12-01', expense_date: '9999-01-02' })), 'c.csv'));
    expect(err.issues.map((i) => i.column)).toEqual(['usage_start', 'usage_end', 'expense_date']);
    expect(err.message).toMatch(/^c\.csv:2: column "usage_start": "9999-01-01" is too far in the future \(the last date accepted is 9997-12-31\)/);
    // The latest date accepted still gets a deadline and a 24-month retention date.
    const claims = parseClaimsCsv(csvText(row({ usage_end: '9997-12-31' })), 'c.csv');
    expect(deadlineOf(claims[0]!)).toBe('9998-02-14');
    expect(addMonths('9997-12-31', 24)).toBe('9999-12-31');
    expect(() => checkClaims({ claims, documents: [], asOf: '2026-05-01' })).not.toThrow();
    expect(() => addDays('9999-12-01', 45)).toThrow(RangeError);
    expect(() => addMonths('9999-12-01', 24)).toThrow(/outside the years 0000–9999/);
  });

  it('refuses deeply nested JSON as a validation error', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(failure(() => parseClaimsJson(deep, 'deep.json')).message).toMatch(/^deep\.json: /);
    const inDescription = `[{"claimId":"C","partner":"P","program":"M","activity":"A","usageStart":"2026-01-01","usageEnd":"2026-01-31","expenses":[{"expenseId":"E","type":"third_party","vendor":"V","amount":1,"currency":"EUR","date":"2026-01-05","description":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}]}]`;
    expect(failure(() => parseClaimsJson(inDescription, 'deep.json')).message).toMatch(/^deep\.json: \[0\]\.expenses\[0\]\.description: /);
  });

  it('reads 100,000 rows in bounded time', () => {
    const rows: string[] = [];
    for (let i = 0; i < 100_000; i++) rows.push(row({ claim_id: `C${i % 5000}`, expense_id: `E${i}` }, i));
    const text = csvText(...rows);
    const t0 = performance.now();
    const claims = parseClaimsBytes(Buffer.from(text), 'big.csv');
    const ms = performance.now() - t0;
    expect(claims).toHaveLength(5000);
    expect(claims.reduce((n, c) => n + c.expenses.length, 0)).toBe(100_000);
    // ~1.5 s here on a loaded 2-core machine; the bound catches a quadratic step, not noise.
    expect(ms).toBeLessThan(15_000);
  }, 30_000);
});

describe('claims import fuzzed', () => {
  const onlyValidationErrors = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof ClaimsInputError)) throw err;
      expect(err.message.split('\n').length).toBe(1);
    }
  };
  const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '2026-02-30', '1e309', 'NaN', '=cmd', '"', '\r\n', '9999-12-31', 'third_party', 'EUR', '12.50'));

  it('CSV: random text and random rows give claims or a ClaimsInputError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.array(cell, { minLength: 13, maxLength: 14 }), { maxLength: 5 }).map((rows) => csvText(...rows.map((r) => r.join(','))))), (text) => {
        onlyValidationErrors(() => parseClaimsCsv(text, 'f.csv'));
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  it('JSON: random values and random bytes give claims or a ClaimsInputError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        onlyValidationErrors(() => parseClaimsJson(text, 'f.json'));
      }),
      { numRuns: 300, seed: 2 },
    );
  });

  it('bytes: random bytes give claims or a ClaimsInputError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        onlyValidationErrors(() => parseClaimsBytes(bytes, 'f.csv'));
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});
