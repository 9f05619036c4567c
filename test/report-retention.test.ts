// The report job and the retention command on the embedded default: the report is built from the
// database, stored, and comes out as JSON, CSV and PDF that parse back (the PDF read with the
// project's own reader); retention lists only originals past their date and purges only those.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { listAuditLog } from '../db/queries.ts';
import { documentText, readDocument } from '../pipeline/read.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { importClaims } from '../services/claims.ts';
import { fixedClock, silentLogger, type Actor } from '../services/context.ts';
import { storeUploads } from '../services/documents.ts';
import { renderReport } from '../services/report-formats.ts';
import { latestReport } from '../services/report.ts';
import { listExpired, purgeExpired } from '../services/retention.ts';
import { makeTextPdf } from './fixtures/make.ts';
import { noOcr } from '../pipeline/extract/testing.ts';

const admin: Actor = { name: 'test', role: 'admin' };

describe('report job and retention on the embedded default', () => {
  let rt: Runtime;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-report-'));
    rt = await openRuntime(loadConfig({ CLAIMPROOF_DATA_DIR: dir }), { log: silentLogger(), ocr: noOcr, clock: fixedClock('2026-05-10T08:00:00Z') });
    await rt.startWorkers({ concurrency: 2 });
    const rows = [
      'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description',
      'R-1,Partner A,Co-op 2026,Fair,2026-03-01,2026-03-31,E1,third_party,Acme Events Ltd,1250.00,EUR,2026-03-10,',
      // Formula injection in a vendor name must come out escaped in the CSV.
      'R-2,Partner B,Co-op 2026,Radio,2024-01-01,2024-01-31,E1,third_party,"=cmd|\' /C calc\'!A0",300.00,GBP,2024-01-15,',
    ].join('\n');
    await importClaims(rt.deps, admin, { text: rows, format: 'csv', fileName: 'claims.csv' });
    const pdf = await makeTextPdf([[{ text: 'Acme Events Ltd', size: 18 }, { text: 'Invoice number: AE-7' }, { text: 'Invoice date: 2026-03-12' }, { text: 'Total due: EUR 1,250.00' }]]);
    await storeUploads(rt.deps, admin, 'R-1', [{ fileName: 'acme.pdf', stream: Readable.from([Buffer.from(pdf)]) }]);
    await storeUploads(rt.deps, admin, 'R-2', [{ fileName: 'old.pdf', stream: Readable.from([Buffer.from(await makeTextPdf([[{ text: 'Old evidence' }]]))]) }]);
    await rt.deps.queue.drained(60_000);
  }, 120_000);

  afterAll(async () => {
    await rt?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds, stores and renders the incomplete-claims report', async () => {
    await rt.deps.queue.enqueue('report', { asOf: '2026-05-10' });
    await rt.deps.queue.drained(60_000);
    const run = (await latestReport(rt.deps))!;
    expect(run.asOf).toBe('2026-05-10');
    const json = JSON.parse(new TextDecoder().decode(await renderReport(run.report, 'json')));
    const listed = json.claims.map((c: { claimId: string }) => c.claimId);
    expect(listed).toEqual(expect.arrayContaining(['R-1', 'R-2']));
    const r1 = json.claims.find((c: { claimId: string }) => c.claimId === 'R-1');
    expect(r1.missing.map((m: { code: string }) => m.code)).toContain('MISSING_POE');

    const csv = new TextDecoder().decode(await renderReport(run.report, 'csv'));
    const records: string[][] = parse(csv, { bom: true });
    const cells = records.flat();
    expect(cells.some((c) => c.includes('R-2'))).toBe(true);
    expect(cells.some((c) => c.startsWith('='))).toBe(false);

    const pdf = await renderReport(run.report, 'pdf');
    const text = documentText(await readDocument(pdf, { ocr: noOcr }));
    expect(text).toContain('R-1');
    expect(text).toContain('2026-05-10');
  }, 60_000);

  it('lists and purges only originals past their retention date, each removal audited', async () => {
    // R-2's usage ended 2024-01-31: its originals are kept until 2026-01-31, R-1's until 2028.
    const expired = await listExpired(rt.deps, '2026-05-10');
    expect(expired.map((d) => d.claimId)).toEqual(['R-2']);
    const file = rt.deps.storage.localPath(expired[0]!.storageKey)!;
    expect((await stat(file)).isFile()).toBe(true);
    const result = await purgeExpired(rt.deps, admin, '2026-05-10');
    expect(result.purged.map((d) => d.fileName)).toEqual(['old.pdf']);
    await expect(stat(file)).rejects.toThrow();
    expect(await listExpired(rt.deps, '2026-05-10')).toEqual([]);
    const audit = await listAuditLog(rt.deps.db, { claimId: 'R-2' });
    expect(audit.some((a) => a.action === 'document.purge')).toBe(true);
  });
});
