import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { escapeCsvCell, writeCsv } from './csv.ts';

describe('escapeCsvCell', () => {
  it('defuses every cell a spreadsheet would run as a formula', () => {
    for (const bad of ['=HYPERLINK("http://x","y")', '+1+cmd|" /C calc"!A0', '-2+3', '@SUM(A1:A9)', '\t=1', '\r=1', '-1e5', '=']) {
      expect(escapeCsvCell(bad)).toBe(`'${bad}`);
    }
  });

  it('leaves ordinary text and plain numbers alone, negative ones included', () => {
    for (const ok of ['Acme Events Inc.', 'E1', '2026-05-10', '-26', '-1250.00', '0', 'a=b', ' =x', '']) {
      expect(escapeCsvCell(ok)).toBe(ok);
    }
  });
});

describe('writeCsv', () => {
  const columns = [
    { key: 'vendor', header: 'vendor' },
    { key: 'days', header: 'days_left' },
    { key: 'note', header: 'note' },
  ] as const;

  it('writes a BOM, a header and CRLF rows that csv-parse reads back cell for cell', () => {
    const csv = writeCsv(columns, [
      { vendor: 'Zażółć, "Gęślą" Sp. z o.o.', days: -3, note: 'line one\nline two' },
      { vendor: '=cmd|calc', days: 12, note: null },
    ]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('\r\n');
    const rows = parse(csv, { bom: true }) as string[][];
    expect(rows).toEqual([
      ['vendor', 'days_left', 'note'],
      ['Zażółć, "Gęślą" Sp. z o.o.', '-3', 'line one\nline two'],
      ["'=cmd|calc", '12', ''],
    ]);
  });

  it('can leave the BOM out for machine readers', () => {
    const csv = writeCsv(columns, [{ vendor: 'x' }], { bom: false });
    expect(csv.startsWith('vendor,')).toBe(true);
  });
});
