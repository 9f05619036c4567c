import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildIncompleteClaimsReport, type ReportClaimInput } from './incomplete.ts';
import { REPORT_CSV_COLUMNS, toCsv, toJson } from './render.ts';
import { checkedSample } from './testing.ts';

const AS_OF = '2026-05-10';

function sampleReport(edit: (inputs: ReportClaimInput[]) => ReportClaimInput[] = (x) => x) {
  const { inputs } = checkedSample(AS_OF);
  return buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: '2026-05-10T02:00:00Z', claims: edit(inputs) });
}

function parseCsv(csv: string): Record<string, string>[] {
  return parse(csv, { bom: true, columns: true }) as Record<string, string>[];
}

describe('toJson', () => {
  it('parses back to the same report', () => {
    const report = sampleReport();
    const text = toJson(report);
    expect(JSON.parse(text)).toEqual(report);
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('toCsv', () => {
  it('writes one row per missing item with the claim columns repeated', () => {
    const rows = parseCsv(toCsv(sampleReport()));
    expect(Object.keys(rows[0]!)).toEqual(REPORT_CSV_COLUMNS.map((c) => c.header));
    expect(rows.map((r) => [r.claim_id, r.flag_code])).toEqual([
      ['CL-1003', 'MISSING_INVOICE'],
      ['CL-1003', 'MISSING_CSR'],
      ['CL-1003', 'DEADLINE_PASSED'],
      ['CL-1002', 'MISSING_POE'],
      ['CL-1002', 'AMOUNT_MISMATCH'],
      ['CL-1002', 'DATE_OUTSIDE_PERIOD'],
      ['CL-1002', 'UNREADABLE_DOCUMENT'],
    ]);
    const amount = rows[4]!;
    expect(amount).toMatchObject({
      as_of: AS_OF,
      partner: 'Contoso GmbH',
      program: 'MDF 2026',
      deadline: '2026-06-14',
      days_left: '35',
      deadline_state: 'open',
      currency: 'EUR',
      claimed: '4890.00',
      expense_id: 'E1',
      file: 'CL-1002/fabrikam-invoice.jpg',
      what_is_missing: 'The invoice for E1 (CL-1002/fabrikam-invoice.jpg) says 2,450.00 EUR; the claim says 2,400.00 EUR: upload the right invoice or correct the claimed amount',
    });
    // Overdue days stay a plain (negative) number, Greek and Polish names intact.
    expect(rows[0]).toMatchObject({ days_left: '-26', deadline_state: 'overdue', partner: 'Ελληνική Εταιρεία Α.Ε.' });
    expect(rows[0]!.what_is_missing).toContain('Zażółć Gęślą Sp. z o.o.');
  });

  it('escapes every cell that a spreadsheet would run as a formula', () => {
    const report = sampleReport((inputs) =>
      inputs.map((c) =>
        c.claimId !== 'CL-1002'
          ? c
          : {
              ...c,
              partner: '=HYPERLINK("http://evil.example","click")',
              activity: '+cmd|" /C calc"!A0',
              program: '@SUM(A1:A2)',
              flags: c.flags.map((f) => (f.file ? { ...f, file: `\t-${f.file}` } : f)),
            },
      ),
    );
    const rows = parseCsv(toCsv(report)).filter((r) => r.claim_id === 'CL-1002');
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.partner).toBe(`'=HYPERLINK("http://evil.example","click")`);
      expect(r.activity).toBe(`'+cmd|" /C calc"!A0`);
      expect(r.program).toBe(`'@SUM(A1:A2)`);
      if (r.file) expect(r.file.startsWith("'\t-")).toBe(true);
    }
    // No cell of the whole file starts with a formula character unescaped.
    const all = parse(toCsv(report), { bom: true }) as string[][];
    for (const cell of all.flat()) expect(/^[=+@\t\r]/.test(cell) || (/^-/.test(cell) && !/^-\d+(\.\d+)?$/.test(cell))).toBe(false);
  });

  it('keeps an incomplete claim with no open blocking flag as one row', () => {
    const report = sampleReport((inputs) => inputs.map((c) => (c.claimId === 'CL-1003' ? { ...c, flags: [] } : c)));
    const rows = parseCsv(toCsv(report)).filter((r) => r.claim_id === 'CL-1003');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.flag_code).toBe('');
    expect(rows[0]!.what_is_missing).toBe('');
  });
});
