// The layers together on a real database: claims imported from the sample CSV, documents read
// by the pipeline and stored, checks run from what is stored, a reviewer's correction and
// dismissal surviving the next check. Runs on PostgreSQL and on PGlite.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client.ts';
import {
  correctFields,
  getClaim,
  importClaims,
  insertDocument,
  listAuditLog,
  saveProcessedDocument,
  setFlagStatus,
} from '../db/queries.ts';
import { parseClaimsCsv } from '../pipeline/claims-input.ts';
import { processFile } from '../pipeline/process.ts';
import { loadConfig } from '../config.ts';
import { recheckClaim as recheck } from '../services/checks.ts';
import { fixedClock } from '../services/context.ts';
import { freshPglite, freshPostgres, postgresAvailable, type TestDatabase } from './helpers/db.ts';
import { noOcr } from '../pipeline/extract/testing.ts';

const root = path.resolve(import.meta.dirname, '..');
const evidence = path.join(root, 'examples/evidence');


const config = loadConfig({});
// The service's re-check at a given day, as the workers run it.
const recheckClaim = async (db: Db, claimId: string, opts: { asOf: string }) =>
  (await recheck({ db, clock: fixedClock(`${opts.asOf}T12:00:00Z`), config }, claimId)).map((r) => r.report);

const pg = await postgresAvailable();
const drivers = [
  ['PGlite', freshPglite],
  ...(pg ? ([['PostgreSQL', freshPostgres]] as const) : []),
] as const;

describe.each(drivers)('checks from stored evidence on %s', (_name, fresh) => {
  let t: TestDatabase;
  let db: Db;
  const ids = new Map<string, string>();

  async function upload(claimId: string, file: string) {
    const processed = await processFile(path.join(evidence, claimId, file), { ocr: noOcr }, file);
    const doc = await insertDocument(db, { claimId, fileName: file, sha256: processed.sha256, size: processed.size, storageKey: processed.sha256 });
    await saveProcessedDocument(db, doc.id, processed);
    ids.set(`${claimId}/${file}`, doc.id);
    return doc;
  }

  beforeAll(async () => {
    t = await fresh();
    db = t.database.db;
    const claims = parseClaimsCsv(await readFile(path.join(root, 'examples/claims.csv'), 'utf8'), 'claims.csv');
    await importClaims(db, claims, 'test');
    await upload('CL-1003', 'adatum-invoice.pdf');
    await upload('CL-1003', 'wingtip-invoice.pdf');
    await upload('CL-1003', 'coho-invoice.pdf');
    await upload('CL-1004', 'proseware-invoice.pdf');
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const openCodes = async (claimId: string) =>
    ((await getClaim(db, claimId))!.flags.filter((f) => f.status === 'open').map((f) => f.code) as string[]).sort();

  it('stores the verdict of the checks', async () => {
    await recheckClaim(db, 'CL-1004', { asOf: '2026-05-10' });
    expect(await openCodes('CL-1004')).toEqual(['CURRENCY_MISMATCH', 'DEADLINE_PASSED', 'LOW_CONFIDENCE', 'MISSING_CSR', 'MISSING_INVOICE', 'MISSING_POE']);
    const claim = (await getClaim(db, 'CL-1004'))!;
    expect(claim.completeness).toBe('incomplete');
    expect(claim.matches).toHaveLength(1);
    expect(claim.matches[0]!.documentId).toBe(ids.get('CL-1004/proseware-invoice.pdf'));
  });

  it('re-runs the checks after a reviewer corrects a field, and keeps the correction in the audit trail', async () => {
    const docId = ids.get('CL-1004/proseware-invoice.pdf')!;
    await correctFields(db, docId, { currency: 'USD' }, 'reviewer@example.com', 'the PDF shows € but the vendor billed USD');
    await recheckClaim(db, 'CL-1004', { asOf: '2026-05-10' });
    expect(await openCodes('CL-1004')).not.toContain('CURRENCY_MISMATCH');
    const audit = await listAuditLog(db, { targetId: docId });
    expect(audit.some((a) => a.actor === 'reviewer@example.com' && a.note?.includes('billed USD'))).toBe(true);
  });

  it('keeps a dismissed flag dismissed when the checks run again', async () => {
    const claim = (await getClaim(db, 'CL-1003'))!;
    expect(claim.flags).toEqual([]);
    await recheckClaim(db, 'CL-1003', { asOf: '2026-05-10' });
    const vendor = (await getClaim(db, 'CL-1003'))!.flags.find((f) => f.code === 'VENDOR_MISMATCH')!;
    expect(vendor).toBeDefined();
    await setFlagStatus(db, vendor.id, 'dismissed', 'reviewer@example.com', 'Blue Yonder resells Adatum airtime');
    await recheckClaim(db, 'CL-1003', { asOf: '2026-05-10' });
    const again = (await getClaim(db, 'CL-1003'))!.flags.find((f) => f.code === 'VENDOR_MISMATCH')!;
    expect(again.id).toBe(vendor.id);
    expect(again.status).toBe('dismissed');
    expect(await openCodes('CL-1003')).toEqual(expect.arrayContaining(['MISSING_INVOICE', 'MIXED_CURRENCY', 'UNMATCHED_DOCUMENT']));
  });

  it('raises a duplicate across claims on both claims', async () => {
    // Claimed again by another partner under a Wingtip expense of its own.
    await importClaims(
      db,
      [
        {
          claimId: 'CL-2001', partner: 'Other Partner', program: 'Co-op 2026', activity: 'Radio', usageStart: '2026-03-01', usageEnd: '2026-03-31',
          expenses: [{ expenseId: 'X1', type: 'third_party', vendor: 'Wingtip Radio', amountMinor: 30_000, currency: 'GBP', date: '2026-03-20', description: null }],
        },
      ],
      'test',
    );
    const processed = await processFile(path.join(evidence, 'CL-1003', 'wingtip-invoice.pdf'), { ocr: noOcr }, 'wingtip.pdf');
    const doc = await insertDocument(db, { claimId: 'CL-2001', fileName: 'wingtip.pdf', sha256: processed.sha256, size: processed.size, storageKey: processed.sha256 });
    await saveProcessedDocument(db, doc.id, processed);
    const reports = await recheckClaim(db, 'CL-2001', { asOf: '2026-04-01' });
    expect(reports.map((r) => r.claimId).sort()).toEqual(['CL-1003', 'CL-2001']);
    expect(await openCodes('CL-2001')).toContain('DUPLICATE_DOCUMENT');
    const other = (await getClaim(db, 'CL-1003'))!.flags.filter((f) => f.code === 'DUPLICATE_DOCUMENT' && f.status === 'open');
    expect(other.length).toBeGreaterThan(0);
  });
});
