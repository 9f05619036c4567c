// `claimproof check` on the committed sample: every claim gets the verdict and the flags its
// evidence was built to raise (see examples/generate.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.ts';

const root = path.resolve(import.meta.dirname, '..');
const claims = path.join(root, 'examples/claims.csv');
const evidence = path.join(root, 'examples/evidence');

interface ReportFlag {
  code: string;
  severity: string;
  expenseId?: string;
  file?: string;
  message: string;
}
interface Report {
  claimId: string;
  status: string;
  deadline: string;
  flags: ReportFlag[];
  expenses: Array<{ expenseId: string; file: string | null }>;
}

let report: { asOf: string; claims: Report[] };
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'claimproof-check-'));
  const r = await cli(['check', '--claims', claims, '--evidence', evidence, '--as-of', '2026-05-10', '--json']);
  expect(r.code).toBe(0);
  report = JSON.parse(r.stdout);
}, 180_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const claim = (id: string) => report.claims.find((c) => c.claimId === id)!;
const codes = (id: string, severity?: string) =>
  [...new Set(claim(id).flags.filter((f) => !severity || f.severity === severity).map((f) => f.code))].sort();

describe('claimproof check on examples/', () => {
  it('reports every claim with its deadline', () => {
    expect(report.asOf).toBe('2026-05-10');
    expect(report.claims.map((c) => c.claimId)).toEqual(['CL-1001', 'CL-1002', 'CL-1003', 'CL-1004']);
    expect(claim('CL-1001').deadline).toBe('2026-05-15');
    expect(claim('CL-1004').deadline).toBe('2026-04-01');
  });

  it('passes the claim whose evidence is complete', () => {
    expect(claim('CL-1001').status).toBe('complete');
    expect(codes('CL-1001', 'blocking')).toEqual([]);
    expect(claim('CL-1001').expenses.map((e) => e.file)).toEqual(['CL-1001/acme-invoice.pdf', 'CL-1001/csr-design.pdf']);
  });

  it('flags a wrong total, a date after the period, a CSR that does not add up, no POE and an unreadable file', () => {
    expect(claim('CL-1002').status).toBe('incomplete');
    expect(codes('CL-1002', 'blocking')).toEqual(['AMOUNT_MISMATCH', 'CSR_TOTAL_MISMATCH', 'DATE_OUTSIDE_PERIOD', 'MISSING_POE', 'UNREADABLE_DOCUMENT']);
    const flags = claim('CL-1002').flags;
    expect(flags.find((f) => f.code === 'AMOUNT_MISMATCH')).toMatchObject({ expenseId: 'E1' });
    expect(flags.find((f) => f.code === 'DATE_OUTSIDE_PERIOD')).toMatchObject({ expenseId: 'E2' });
    expect(flags.find((f) => f.code === 'UNREADABLE_DOCUMENT')?.file).toBe('CL-1002/booth-photo.pdf');
  });

  it('flags another vendor, one invoice backing two expenses, two currencies, an unclaimed invoice and the close deadline', () => {
    expect(claim('CL-1003').status).toBe('incomplete');
    expect(codes('CL-1003')).toEqual(expect.arrayContaining(['DEADLINE_SOON', 'DUPLICATE_DOCUMENT', 'MIXED_CURRENCY', 'UNMATCHED_DOCUMENT', 'VENDOR_MISMATCH']));
    const dup = claim('CL-1003').flags.filter((f) => f.code === 'DUPLICATE_DOCUMENT').map((f) => f.expenseId).sort();
    expect(dup).toEqual(['E2', 'E3']);
    expect(claim('CL-1003').flags.find((f) => f.code === 'UNMATCHED_DOCUMENT')?.file).toBe('CL-1003/coho-invoice.pdf');
    expect(codes('CL-1003')).not.toContain('MISSING_POE');
  });

  it('flags the wrong currency, the missing invoice and CSR, and the passed deadline', () => {
    expect(codes('CL-1004', 'blocking')).toEqual(['CURRENCY_MISMATCH', 'DEADLINE_PASSED', 'MISSING_CSR', 'MISSING_INVOICE', 'MISSING_POE']);
  });

  it('prints a readable table without --json', async () => {
    const r = await cli(['check', '--claims', claims, '--evidence', evidence, '--as-of', '2026-05-10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/CL-1001 {2}COMPLETE/);
    expect(r.stdout).toMatch(/CL-1004 {2}INCOMPLETE {2}deadline 2026-04-01 \(39 days ago\)/);
    expect(r.stdout).toContain('MISSING_CSR');
    expect(r.stdout).toMatch(/4 claims: 1 complete, 3 incomplete/);
    const strict = await cli(['check', '--claims', claims, '--evidence', evidence, '--as-of', '2026-05-10', '--fail-on-incomplete']);
    expect(strict.code).toBe(1);
  }, 120_000);

  it('refuses a bad claims file with one line naming the file and line, exit 2', async () => {
    const bad = path.join(tmp, 'bad.csv');
    await writeFile(bad, 'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description\nC1,P,MDF,A,2026-01-01,2026-01-31,E1,third_party,V,-5.00,EUR,2026-01-10,\n');
    const r = await cli(['check', '--claims', bad, '--evidence', evidence]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.csv:2/);
    expect(r.stdout).toBe('');
    const badDate = await cli(['check', '--claims', claims, '--evidence', evidence, '--as-of', '2026-02-30']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--as-of');
  });
});
