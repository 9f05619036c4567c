import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claim, Extraction, Field, Flag } from '../pipeline/types.ts';
import { freshPglite, freshPostgres, postgresAvailable, type TestDatabase } from '../test/helpers/db.ts';
import type { Db } from './client.ts';
import {
  correctField,
  correctFields,
  createToken,
  findSharedEvidence,
  findToken,
  getClaim,
  getClaimDocuments,
  getDocument,
  getFlag,
  importClaims,
  insertDocument,
  isDbError,
  listAuditLog,
  listClaims,
  listFlags,
  revokeToken,
  saveCheckResult,
  saveExtraction,
  saveProcessedDocument,
  setFlagStatus,
  toPipelineClaim,
  toProcessedDocument,
  transitionClaimStatus,
  updateDocumentStatus,
  type DbErrorCode,
} from './queries.ts';
import { claimStatusHistory, claims, documents, expenses, flags } from './schema/index.ts';

const pg = await postgresAvailable();

const run = randomBytes(3).toString('hex');
let serial = 0;
const uid = (prefix: string) => `${prefix}-${run}-${++serial}`;

function makeClaim(overrides: Partial<Claim> = {}): Claim {
  const claimId = overrides.claimId ?? uid('CLM');
  return {
    claimId,
    partner: 'Acme Partners',
    program: 'MDF 2026',
    activity: 'Spring webinar',
    usageStart: '2026-01-01',
    usageEnd: '2026-03-31',
    expenses: [
      { expenseId: 'E1', type: 'third_party', vendor: 'Print Co', amountMinor: 125_050, currency: 'EUR', date: '2026-02-10', description: 'flyers' },
      { expenseId: 'E2', type: 'in_house', vendor: 'Acme Partners', amountMinor: 80_000, currency: 'EUR', date: '2026-03-01', description: null },
    ],
    ...overrides,
  };
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function field<T>(value: T, confidence = 0.9, page = 1): Field<T> {
  return { value, confidence, page, box: { x: 0.1, y: 0.2, w: 0.3, h: 0.05 }, raw: String(value) };
}

function invoice(over: Partial<Extraction['fields']> = {}): Extraction {
  return {
    kind: 'invoice',
    kindConfidence: 0.95,
    fields: {
      vendor: field('Print Co'),
      amount: field(125_050),
      currency: field('EUR'),
      date: field('2026-02-10'),
      invoiceNumber: field('INV-2026-001'),
      ...over,
    },
    csr: null,
  };
}

async function expectDbError(promise: Promise<unknown>, code: DbErrorCode, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isDbError(error), `expected DbError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
}

async function addDocument(db: Db, claimId: string, name: string, content = name) {
  return insertDocument(db, {
    claimId,
    fileName: name,
    sha256: sha(content),
    size: content.length,
    storageKey: `sha256/${sha(content)}`,
    fileType: 'pdf',
    mime: 'application/pdf',
    uploadedBy: 'tester',
  });
}

const drivers = [
  { name: 'PGlite', make: freshPglite, skip: false },
  { name: 'PostgreSQL', make: freshPostgres, skip: !pg },
];

for (const driver of drivers) {
  describe.skipIf(driver.skip)(`queries on ${driver.name}`, () => {
    let t: TestDatabase;
    let db: Db;
    beforeAll(async () => {
      t = await driver.make();
      db = t.database.db;
    });
    afterAll(() => t?.cleanup());

    describe('importClaims', () => {
      it('creates draft claims with deadline, currency, expenses, history and audit', async () => {
        const claim = makeClaim({
          expenses: [
            // Beyond 2^31 minor units: bigint columns must come back as the same number.
            { expenseId: 'BIG', type: 'third_party', vendor: 'Stadium', amountMinor: 9_000_000_000_123, currency: 'JPY', date: '2026-02-01', description: null },
          ],
        });
        const result = await importClaims(db, [claim], 'importer');
        expect(result).toEqual({ created: [claim.claimId], updated: [], unchanged: [] });

        const detail = await getClaim(db, claim.claimId);
        expect(detail).not.toBeNull();
        expect(detail!.status).toBe('draft');
        expect(detail!.completeness).toBe('incomplete');
        expect(detail!.deadline).toBe('2026-05-15');
        expect(detail!.usageStart).toBe('2026-01-01');
        expect(detail!.currency).toBe('JPY');
        expect(detail!.expenses).toHaveLength(1);
        expect(detail!.expenses[0]).toMatchObject({ expenseId: 'BIG', amountMinor: 9_000_000_000_123, date: '2026-02-01', description: null });
        expect(typeof detail!.expenses[0]!.amountMinor).toBe('number');
        expect(detail!.history.map((h) => [h.fromStatus, h.toStatus, h.actor])).toEqual([[null, 'draft', 'importer']]);
        expect(detail!.createdAt).toBeInstanceOf(Date);
        expect(toPipelineClaim(detail!)).toEqual({ ...claim, expenses: claim.expenses.map((e) => ({ ...e })) });

        const audit = await listAuditLog(db, { claimId: claim.claimId });
        expect(audit.map((a) => [a.action, a.actor])).toEqual([['claim.create', 'importer']]);
        expect((audit[0]!.after as Claim).expenses[0]!.amountMinor).toBe(9_000_000_000_123);
      });

      it('leaves an identical re-import alone, so the same file twice duplicates nothing', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const again = await importClaims(db, [{ ...claim, expenses: [...claim.expenses].reverse() }], 'importer');
        expect(again).toEqual({ created: [], updated: [], unchanged: [claim.claimId] });
        const rows = await db.select().from(expenses).where(eq(expenses.claimId, claim.claimId));
        expect(rows).toHaveLength(2);
        expect(await listAuditLog(db, { claimId: claim.claimId })).toHaveLength(1);
        const history = await db.select().from(claimStatusHistory).where(eq(claimStatusHistory.claimId, claim.claimId));
        expect(history).toHaveLength(1);
      });

      it('updates a draft claim by expense id, keeping unchanged rows and auditing before/after', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const before = await getClaim(db, claim.claimId);
        const e2Row = before!.expenses.find((e) => e.expenseId === 'E2')!.id;

        const changed: Claim = {
          ...claim,
          usageEnd: '2026-04-30',
          expenses: [
            { ...claim.expenses[0]!, expenseId: 'E3', amountMinor: 1 },
            { ...claim.expenses[1]! },
          ],
        };
        const result = await importClaims(db, [changed], 'fixer');
        expect(result).toEqual({ created: [], updated: [claim.claimId], unchanged: [] });

        const after = await getClaim(db, claim.claimId);
        expect(after!.expenses.map((e) => e.expenseId)).toEqual(['E2', 'E3']);
        expect(after!.expenses.find((e) => e.expenseId === 'E2')!.id).toBe(e2Row);
        expect(after!.deadline).toBe('2026-06-14');
        expect(after!.checkedAt).toBeNull();

        const audit = await listAuditLog(db, { claimId: claim.claimId, action: 'claim.update' });
        expect(audit).toHaveLength(1);
        expect(audit[0]!.actor).toBe('fixer');
        expect((audit[0]!.before as Claim).expenses.map((e) => e.expenseId)).toEqual(['E1', 'E2']);
        expect((audit[0]!.after as Claim).expenses.map((e) => e.expenseId)).toEqual(['E2', 'E3']);
      });

      it('writes nothing when one claim of the import conflicts (all or nothing)', async () => {
        const locked = makeClaim();
        await importClaims(db, [locked], 'importer');
        await transitionClaimStatus(db, locked.claimId, 'submitted', 'partner');

        const fresh = makeClaim();
        const changedLocked = { ...locked, activity: 'Renamed activity' };
        await expectDbError(importClaims(db, [fresh, changedLocked], 'importer'), 'CONFLICT', /submitted/);
        expect(await getClaim(db, fresh.claimId)).toBeNull();
        expect((await getClaim(db, locked.claimId))!.activity).toBe('Spring webinar');

        // The same submitted claim, unchanged, is not a conflict.
        const ok = await importClaims(db, [fresh, locked], 'importer');
        expect(ok).toEqual({ created: [fresh.claimId], updated: [], unchanged: [locked.claimId] });
      });

      it('creates a claim once when two imports race for it', async () => {
        const claim = makeClaim();
        const outcomes = await Promise.all(
          [0, 1, 2].map(() =>
            importClaims(db, [claim], 'importer').then(
              (r) => (r.created.length ? 'created' : r.unchanged.length ? 'unchanged' : 'other'),
              (e: unknown) => (isDbError(e, 'CONFLICT') ? 'conflict' : `error: ${String(e)}`),
            ),
          ),
        );
        expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
        expect(outcomes.every((o) => ['created', 'unchanged', 'conflict'].includes(o))).toBe(true);
        expect(await db.select().from(expenses).where(eq(expenses.claimId, claim.claimId))).toHaveLength(2);
      });

      it('refuses a claim id that belongs to another partner, and invalid input, before writing', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        await expectDbError(importClaims(db, [{ ...claim, partner: 'Other Inc' }], 'intruder'), 'CONFLICT', /another partner/);

        const bad = makeClaim({ expenses: [makeClaim().expenses[0]!, makeClaim().expenses[0]!] });
        const good = makeClaim();
        await expectDbError(importClaims(db, [good, bad], 'importer'), 'INVALID_INPUT', /E1.*twice/);
        await expectDbError(importClaims(db, [makeClaim({ usageEnd: '2025-12-01' })], 'importer'), 'INVALID_INPUT', /before usageStart/);
        await expectDbError(
          importClaims(db, [makeClaim({ expenses: [{ ...makeClaim().expenses[0]!, amountMinor: 12.5 }] })], 'importer'),
          'INVALID_INPUT',
          /amountMinor/,
        );
        expect(await getClaim(db, good.claimId)).toBeNull();
        await expectDbError(importClaims(db, [makeClaim()], ''), 'INVALID_INPUT', /actor/);
      });
    });

    describe('listClaims', () => {
      it('filters by status, partner and deadline, ordered by deadline, with counts', async () => {
        const partner = uid('Partner');
        const early = makeClaim({ partner, usageEnd: '2026-01-31' });
        const late = makeClaim({ partner, usageEnd: '2026-06-30', expenses: [
          { expenseId: 'X', type: 'third_party', vendor: 'V', amountMinor: 100, currency: 'USD', date: '2026-06-01', description: null },
          { expenseId: 'Y', type: 'third_party', vendor: 'V', amountMinor: 50, currency: 'EUR', date: '2026-06-01', description: null },
        ] });
        await importClaims(db, [late, early], 'importer');
        await transitionClaimStatus(db, late.claimId, 'submitted', 'partner');
        await addDocument(db, early.claimId, 'a.pdf', uid('bytes'));

        const all = await listClaims(db, { partner });
        expect(all.map((c) => c.claimId)).toEqual([early.claimId, late.claimId]);
        expect(all[0]).toMatchObject({ expenseCount: 2, documentCount: 1, openFlagCount: 0, totalMinor: 205_050, currency: 'EUR' });
        expect(all[1]).toMatchObject({ expenseCount: 2, documentCount: 0, currency: null, totalMinor: null });

        expect((await listClaims(db, { partner, status: 'submitted' })).map((c) => c.claimId)).toEqual([late.claimId]);
        expect((await listClaims(db, { partner, status: ['draft', 'submitted'] })).length).toBe(2);
        expect((await listClaims(db, { partner, deadlineBefore: '2026-03-17' })).map((c) => c.claimId)).toEqual([]);
        expect((await listClaims(db, { partner, deadlineBefore: '2026-03-18' })).map((c) => c.claimId)).toEqual([early.claimId]);
        expect((await listClaims(db, { partner, completeness: 'complete' })).length).toBe(0);
        await expectDbError(listClaims(db, { deadlineBefore: '17/03/2026' }), 'INVALID_INPUT');
      });
    });

    describe('documents', () => {
      it('stores the same bytes once per claim and points to another claim holding them', async () => {
        const a = makeClaim();
        const b = makeClaim();
        await importClaims(db, [a, b], 'importer');
        const bytes = uid('invoice-bytes');

        const first = await addDocument(db, a.claimId, 'invoice.pdf', bytes);
        expect(first).toMatchObject({ created: true, duplicateOf: null, status: 'queued' });
        const again = await addDocument(db, a.claimId, 'copy of invoice.pdf', bytes);
        expect(again).toEqual({ id: first.id, created: false, duplicateOf: first.id, status: 'queued' });

        const elsewhere = await addDocument(db, b.claimId, 'inv.pdf', bytes);
        expect(elsewhere.created).toBe(true);
        expect(elsewhere.id).not.toBe(first.id);
        expect(elsewhere.duplicateOf).toBe(first.id);

        const doc = await getDocument(db, first.id);
        expect(doc).toMatchObject({ fileName: 'invoice.pdf', activityDate: '2026-03-31', retentionUntil: '2028-03-31', extraction: null });
        expect(await getDocument(db, 'not-a-uuid')).toBeNull();
        await expectDbError(addDocument(db, 'NO-SUCH-CLAIM', 'x.pdf'), 'NOT_FOUND');
      });

      it('settles concurrent uploads of the same file to one document', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const bytes = uid('same');
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => addDocument(db, claim.claimId, `f${i}.pdf`, bytes)));
        expect(new Set(results.map((r) => r.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const rows = await db.select().from(documents).where(eq(documents.claimId, claim.claimId));
        expect(rows).toHaveLength(1);
      });

      it('tracks processing status and extraction versions', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const { id } = await addDocument(db, claim.claimId, 'scan.pdf', uid('scan'));

        expect((await updateDocumentStatus(db, id, 'processing')).status).toBe('processing');
        await expectDbError(updateDocumentStatus(db, id, 'failed'), 'INVALID_INPUT');
        const failed = await updateDocumentStatus(db, id, 'failed', { error: { code: 'NO_TEXT', message: 'blank page' }, pageCount: 1 });
        expect(failed).toMatchObject({ status: 'failed', errorCode: 'NO_TEXT', errorMessage: 'blank page', pageCount: 1 });

        const v1 = await saveExtraction(db, id, { extraction: invoice(), method: 'ocr', text: 'INVOICE\fpage 2', pageCount: 2 });
        expect(v1.version).toBe(1);
        const v2 = await saveExtraction(db, id, { extraction: invoice({ amount: field(125_060) }), method: 'ocr', text: 'INVOICE', pageCount: 2 });
        expect(v2.version).toBe(2);

        const doc = await getDocument(db, id);
        expect(doc).toMatchObject({ status: 'done', errorCode: null, kind: 'invoice', method: 'ocr', pageCount: 2 });
        expect(doc!.extraction!.version).toBe(2);
        expect(doc!.extraction!.fields.amount!.value).toBe(125_060);
        expect(doc!.extraction!.fields.vendor).toEqual(field('Print Co'));
        expect(doc!.extraction!.text).toBe('INVOICE');

        const detail = await getClaim(db, claim.claimId);
        expect(detail!.documents[0]!.extraction!.version).toBe(2);
        expect('text' in detail!.documents[0]!.extraction!).toBe(false);
        await expectDbError(updateDocumentStatus(db, '00000000-0000-4000-8000-000000000000', 'done'), 'NOT_FOUND');
      });

      it('records a processed document in one call, failed or done', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const { id } = await addDocument(db, claim.claimId, 'p.pdf', uid('p'));
        const base = { file: 'p.pdf', sha256: sha('p'), size: 1, fileType: 'pdf' as const, pages: 1, text: '' };
        const failed = await saveProcessedDocument(db, id, {
          ...base,
          status: 'failed',
          error: { code: 'CORRUPT', message: 'bad xref' },
          method: null,
          extraction: null,
        });
        expect(failed).toMatchObject({ status: 'failed', errorCode: 'CORRUPT' });
        const done = await saveProcessedDocument(db, id, { ...base, status: 'done', error: null, method: 'text', extraction: invoice(), text: 'x' });
        expect(done).toMatchObject({ status: 'done', errorCode: null, kind: 'invoice', method: 'text', fileType: 'pdf' });

        const queued = await addDocument(db, claim.claimId, 'later.pdf', uid('later'));
        const docs = await getClaimDocuments(db, claim.claimId, { withText: true });
        expect(docs.map((d) => d.fileName)).toEqual(['p.pdf', 'later.pdf']);
        expect(docs.find((d) => d.id === queued.id)!.extraction).toBeNull();
        expect(toProcessedDocument(docs.find((d) => d.id === queued.id)!)).toBeNull();
        const processed = toProcessedDocument(docs.find((d) => d.id === id)!);
        expect(processed).toEqual({
          file: 'p.pdf',
          sha256: docs[0]!.sha256,
          size: docs[0]!.size,
          fileType: 'pdf',
          status: 'done',
          error: null,
          method: 'text',
          pages: 1,
          extraction: invoice(),
          text: 'x',
        });
      });
    });

    describe('corrections', () => {
      it('apply over the extraction, are audited, and survive a re-extraction', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const { id } = await addDocument(db, claim.claimId, 'inv.pdf', uid('inv'));
        await saveExtraction(db, id, { extraction: invoice({ amount: field(125_000, 0.4) }), method: 'ocr', text: '' });

        const corrected = await correctField(db, { documentId: id, field: 'amount', value: 125_050, actor: 'rev1', note: 'total is 1,250.50' });
        expect(corrected.fields.amount).toMatchObject({ value: 125_050, confidence: 1, page: 1, raw: '125000' });
        expect(corrected.fields.amount!.note).toMatch(/corrected by rev1/);
        expect(corrected.correctedFields.amount).toMatchObject({ value: 125_050, previous: 125_000, by: 'rev1', note: 'total is 1,250.50' });
        expect(corrected.fields.vendor!.value).toBe('Print Co');

        const twice = await correctFields(db, id, { amount: 125_051, kind: 'csr', invoiceNumber: null }, 'rev2', null);
        expect(twice.correctedFields.amount).toMatchObject({ value: 125_051, previous: 125_000, by: 'rev2' });
        expect(twice.kind).toBe('csr');
        expect(twice.fields.invoiceNumber).toBeNull();
        expect((await getDocument(db, id))!.kind).toBe('csr');

        const audit = await listAuditLog(db, { targetType: 'document', targetId: id });
        expect(audit.map((a) => [a.action, a.actor, (a.after as { field: string }).field]).sort()).toEqual([
          ['extraction.correct', 'rev1', 'amount'],
          ['extraction.correct', 'rev2', 'amount'],
          ['extraction.correct', 'rev2', 'invoiceNumber'],
          ['extraction.correct', 'rev2', 'kind'],
        ]);
        const first = audit.find((a) => a.actor === 'rev1')!;
        expect(first.before).toEqual({ field: 'amount', value: 125_000 });
        expect(first.claimId).toBe(claim.claimId);
        expect(first.note).toBe('total is 1,250.50');

        const reread = await saveExtraction(db, id, { extraction: invoice({ amount: field(999, 0.3) }), method: 'ocr', text: '' });
        expect(reread.version).toBe(2);
        expect(reread.fields.amount!.value).toBe(125_051);
        expect(reread.correctedFields.amount!.previous).toBe(999);
        expect(reread.kind).toBe('csr');
        expect(reread.fields.invoiceNumber).toBeNull();
        expect(reread.fields.date!.value).toBe('2026-02-10');
        expect((await getDocument(db, id))!.kind).toBe('csr');
      });

      it('give a failed document a first extraction and reject bad values', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const { id } = await addDocument(db, claim.claimId, 'blurry.jpg', uid('blurry'));
        await updateDocumentStatus(db, id, 'failed', { error: { code: 'NO_TEXT', message: 'nothing readable' } });

        const typed = await correctFields(db, id, { kind: 'invoice', vendor: 'Print Co', date: '2026-02-10' }, 'rev', 'typed from the scan');
        expect(typed).toMatchObject({ version: 1, kind: 'invoice' });
        expect(typed.fields.vendor).toMatchObject({ value: 'Print Co', confidence: 1, page: null, box: null });
        expect(typed.fields.amount).toBeNull();

        await expectDbError(correctFields(db, id, { date: '2026-02-30' }, 'rev'), 'INVALID_INPUT', /date/);
        await expectDbError(correctFields(db, id, { currency: 'euro' }, 'rev'), 'INVALID_INPUT', /currency/);
        await expectDbError(correctFields(db, id, { amount: 1.5 }, 'rev'), 'INVALID_INPUT', /amount/);
        await expectDbError(correctFields(db, id, {}, 'rev'), 'INVALID_INPUT');
        await expectDbError(correctFields(db, id, { ['total' as 'vendor']: 'x' }, 'rev'), 'INVALID_INPUT', /not a correctable field/);
        await expectDbError(correctFields(db, '00000000-0000-4000-8000-000000000000', { vendor: 'x' }, 'rev'), 'NOT_FOUND');
        expect(await listAuditLog(db, { targetId: id })).toHaveLength(3);
      });
    });

    describe('saveCheckResult and review', () => {
      async function claimWithDocuments() {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const inv = await addDocument(db, claim.claimId, 'invoice.pdf', uid('i'));
        const poe = await addDocument(db, claim.claimId, 'photo.jpg', uid('p'));
        return { claim, inv: inv.id, poe: poe.id };
      }

      it('replaces matches and keeps a resolved flag resolved across re-checks', async () => {
        const { claim, inv, poe } = await claimWithDocuments();
        const amount: Flag = { code: 'AMOUNT_MISMATCH', severity: 'blocking', expenseId: 'E1', documentId: inv, message: 'differs by 0.50' };
        const csr: Flag = { code: 'MISSING_CSR', severity: 'blocking', expenseId: 'E2', message: 'no CSR for E2' };
        const low: Flag = { code: 'LOW_CONFIDENCE', severity: 'review', documentId: poe, message: 'date read at 0.41' };

        const first = await saveCheckResult(db, claim.claimId, {
          matches: [{ expenseId: 'E1', documentId: inv, score: 0.92, reasons: ['amount equal', 'vendor similar'] }],
          flags: [amount, csr, low],
        });
        expect(first).toEqual({ completeness: 'incomplete', inserted: 3, kept: 0, removed: 0, retired: 0 });
        let detail = await getClaim(db, claim.claimId);
        expect(detail!.matches).toEqual([
          expect.objectContaining({ expenseId: 'E1', documentId: inv, reasons: ['amount equal', 'vendor similar'] }),
        ]);
        expect(detail!.matches[0]!.score).toBeCloseTo(0.92, 5);
        expect(detail!.flags.map((f) => f.code)).toEqual(['AMOUNT_MISMATCH', 'MISSING_CSR', 'LOW_CONFIDENCE']);
        const amountFlag = detail!.flags[0]!;
        expect(amountFlag).toMatchObject({ expenseId: 'E1', documentId: inv, file: 'invoice.pdf', status: 'open', raised: true });
        expect(detail!.checkedAt).toBeInstanceOf(Date);

        const resolved = await setFlagStatus(db, amountFlag.id, 'resolved', 'rev', 'rounding agreed with partner');
        expect(resolved.flag).toMatchObject({ status: 'resolved', resolvedBy: 'rev', note: 'rounding agreed with partner' });
        expect(resolved.completeness).toBe('incomplete');

        // The partner adds the CSR; the amount difference is still there, with a new message.
        const second = await saveCheckResult(db, claim.claimId, {
          matches: [
            { expenseId: 'E1', documentId: inv, score: 0.9, reasons: ['amount close'] },
            { expenseId: 'E2', documentId: poe, score: 0.5, reasons: ['csr'] },
          ],
          flags: [{ ...amount, message: 'differs by 0.51' }],
        });
        expect(second).toEqual({ completeness: 'complete', inserted: 0, kept: 1, removed: 2, retired: 0 });
        detail = await getClaim(db, claim.claimId);
        expect(detail!.matches.map((m) => m.expenseId)).toEqual(['E1', 'E2']);
        expect(detail!.flags).toHaveLength(1);
        expect(detail!.flags[0]).toMatchObject({ id: amountFlag.id, status: 'resolved', message: 'differs by 0.51', raised: true });
        expect(detail!.completeness).toBe('complete');
        expect((await listClaims(db, { completeness: 'complete' })).map((c) => c.claimId)).toContain(claim.claimId);

        // The problem goes away: the decision is kept but no longer raised; it comes back decided.
        const third = await saveCheckResult(db, claim.claimId, { matches: [], flags: [] });
        expect(third).toMatchObject({ removed: 0, retired: 1 });
        expect(await getFlag(db, amountFlag.id)).toMatchObject({ status: 'resolved', raised: false });
        await expectDbError(setFlagStatus(db, amountFlag.id, 'open', 'rev'), 'INVALID_TRANSITION');
        await saveCheckResult(db, claim.claimId, { matches: [], flags: [amount] });
        expect(await getFlag(db, amountFlag.id)).toMatchObject({ status: 'resolved', raised: true });
        expect((await getClaim(db, claim.claimId))!.matches).toEqual([]);

        const audit = await listAuditLog(db, { targetType: 'flag', targetId: amountFlag.id });
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({ action: 'flag.resolve', actor: 'rev', note: 'rounding agreed with partner', claimId: claim.claimId });
        expect(audit[0]!.before).toMatchObject({ status: 'open' });
        expect(audit[0]!.after).toEqual({ status: 'resolved', note: 'rounding agreed with partner' });
      });

      it('derives completeness from open blocking flags; dismiss and reopen move it', async () => {
        const { claim } = await claimWithDocuments();
        // Another claim's open blocking flag must not count against this one.
        const neighbour = makeClaim();
        await importClaims(db, [neighbour], 'importer');
        await saveCheckResult(db, neighbour.claimId, { matches: [], flags: [{ code: 'MISSING_POE', severity: 'blocking', message: 'no POE' }] });
        await saveCheckResult(db, claim.claimId, {
          matches: [],
          flags: [
            { code: 'MISSING_POE', severity: 'blocking', message: 'no POE' },
            { code: 'DEADLINE_SOON', severity: 'info', message: 'due in 5 days' },
          ],
        });
        const poeFlag = (await getClaim(db, claim.claimId))!.flags.find((f) => f.code === 'MISSING_POE')!;
        expect((await setFlagStatus(db, poeFlag.id, 'dismissed', 'rev', 'programme waived POE')).completeness).toBe('complete');
        const reopened = await setFlagStatus(db, poeFlag.id, 'open', 'rev2', 'waiver withdrawn');
        expect(reopened.completeness).toBe('incomplete');
        expect(reopened.flag).toMatchObject({ status: 'open', resolvedBy: null, resolvedAt: null, note: 'waiver withdrawn' });
        const actions = (await listAuditLog(db, { targetId: poeFlag.id })).map((a) => a.action);
        expect(actions).toEqual(['flag.reopen', 'flag.dismiss']);
        await expectDbError(setFlagStatus(db, 'nope', 'resolved', 'rev'), 'NOT_FOUND');
      });

      it('merges flags with one fingerprint and rejects references outside the claim atomically', async () => {
        const { claim, inv } = await claimWithDocuments();
        await saveCheckResult(db, claim.claimId, { matches: [{ expenseId: 'E1', documentId: inv, score: 1, reasons: [] }], flags: [] });

        const merged = await saveCheckResult(db, claim.claimId, {
          matches: [{ expenseId: 'E1', documentId: inv, score: 1, reasons: [] }],
          flags: [
            { code: 'LOW_CONFIDENCE', severity: 'review', documentId: inv, message: 'vendor read at 0.5' },
            { code: 'LOW_CONFIDENCE', severity: 'blocking', documentId: inv, message: 'amount read at 0.3' },
          ],
        });
        expect(merged.inserted).toBe(1);
        const [only] = (await getClaim(db, claim.claimId))!.flags;
        expect(only).toMatchObject({ severity: 'blocking', message: 'vendor read at 0.5\namount read at 0.3' });

        const other = await claimWithDocuments();
        await expectDbError(
          saveCheckResult(db, claim.claimId, { matches: [], flags: [{ code: 'MISSING_INVOICE', severity: 'blocking', expenseId: 'E9', message: 'x' }] }),
          'INVALID_INPUT',
          /no expense E9/,
        );
        await expectDbError(
          saveCheckResult(db, claim.claimId, { matches: [{ expenseId: 'E1', documentId: other.inv, score: 1, reasons: [] }], flags: [] }),
          'INVALID_INPUT',
          /no document/,
        );
        const after = await getClaim(db, claim.claimId);
        expect(after!.matches).toHaveLength(1);
        expect(after!.flags).toHaveLength(1);
        await expectDbError(saveCheckResult(db, 'NO-SUCH', { matches: [], flags: [] }), 'NOT_FOUND');
      });

      it('lists the review queue across claims, blocking first', async () => {
        const partner = uid('QueuePartner');
        const claim = makeClaim({ partner });
        await importClaims(db, [claim], 'importer');
        await saveCheckResult(db, claim.claimId, {
          matches: [],
          flags: [
            { code: 'UNMATCHED_DOCUMENT', severity: 'review', message: 'r' },
            { code: 'MISSING_POE', severity: 'blocking', message: 'b' },
          ],
        });
        const queue = await listFlags(db, { partner, status: 'open' });
        expect(queue.map((f) => [f.code, f.partner, f.program])).toEqual([
          ['MISSING_POE', partner, 'MDF 2026'],
          ['UNMATCHED_DOCUMENT', partner, 'MDF 2026'],
        ]);
        expect((await listFlags(db, { partner, severity: 'review' })).map((f) => f.code)).toEqual(['UNMATCHED_DOCUMENT']);
        expect(await listFlags(db, { partner, status: 'resolved' })).toEqual([]);
      });
    });

    describe('transitionClaimStatus', () => {
      it('follows the workflow, keeps history and audit, and refuses the rest', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        const id = claim.claimId;

        await expectDbError(transitionClaimStatus(db, id, 'approved', 'rev'), 'INVALID_TRANSITION', /draft to approved \(allowed: submitted\)/);
        expect(await transitionClaimStatus(db, id, 'submitted', 'partner', 'ready')).toMatchObject({ from: 'draft', to: 'submitted' });
        await expectDbError(transitionClaimStatus(db, id, 'approved', 'rev'), 'CLAIM_INCOMPLETE', /not been checked/);
        await saveCheckResult(db, id, { matches: [], flags: [{ code: 'MISSING_POE', severity: 'blocking', message: 'no POE' }] });
        await expectDbError(transitionClaimStatus(db, id, 'approved', 'rev'), 'CLAIM_INCOMPLETE', /open blocking flags/);
        await transitionClaimStatus(db, id, 'needs_info', 'rev', 'please send the POE');
        await expectDbError(transitionClaimStatus(db, id, 'approved', 'rev'), 'INVALID_TRANSITION');
        await transitionClaimStatus(db, id, 'submitted', 'partner', 'POE attached');
        await saveCheckResult(db, id, { matches: [], flags: [] });
        const approved = await transitionClaimStatus(db, id, 'approved', 'rev', 'all good');
        expect(approved.claim.status).toBe('approved');
        await expectDbError(transitionClaimStatus(db, id, 'rejected', 'rev'), 'INVALID_TRANSITION', /approved is final/);
        await expectDbError(transitionClaimStatus(db, 'NO-SUCH', 'submitted', 'rev'), 'NOT_FOUND');

        const history = (await getClaim(db, id))!.history.map((h) => [h.fromStatus, h.toStatus, h.actor, h.note]);
        expect(history).toEqual([
          [null, 'draft', 'importer', 'imported'],
          ['draft', 'submitted', 'partner', 'ready'],
          ['submitted', 'needs_info', 'rev', 'please send the POE'],
          ['needs_info', 'submitted', 'partner', 'POE attached'],
          ['submitted', 'approved', 'rev', 'all good'],
        ]);
        const audit = await listAuditLog(db, { claimId: id, action: 'claim.status' });
        expect(audit.map((a) => (a.after as { status: string }).status)).toEqual(['approved', 'submitted', 'needs_info', 'submitted']);
      });

      it('lets a claim waiting for information be rejected, and be edited by import meanwhile', async () => {
        const claim = makeClaim();
        await importClaims(db, [claim], 'importer');
        await transitionClaimStatus(db, claim.claimId, 'submitted', 'partner');
        await transitionClaimStatus(db, claim.claimId, 'needs_info', 'rev');
        const edited = await importClaims(db, [{ ...claim, activity: 'Spring webinar (2 sessions)' }], 'partner');
        expect(edited.updated).toEqual([claim.claimId]);
        await transitionClaimStatus(db, claim.claimId, 'rejected', 'rev', 'no answer');
        const [row] = await db.select().from(claims).where(eq(claims.claimId, claim.claimId));
        expect(row!.status).toBe('rejected');
      });
    });

    describe('findSharedEvidence', () => {
      it('finds the same file and the same invoice in other claims', async () => {
        const a = makeClaim();
        const b = makeClaim();
        const c = makeClaim();
        await importClaims(db, [a, b, c], 'importer');
        const bytes = uid('shared');
        const aFile = await addDocument(db, a.claimId, 'inv.pdf', bytes);
        const bFile = await addDocument(db, b.claimId, 'inv-copy.pdf', bytes);
        await saveExtraction(db, aFile.id, { extraction: invoice({ invoiceNumber: field('INV-77') }), method: 'text', text: '' });
        await saveCheckResult(db, b.claimId, { matches: [{ expenseId: 'E1', documentId: bFile.id, score: 1, reasons: [] }], flags: [] });

        // Re-scanned, so different bytes: the same invoice number (spelled differently) and amount.
        const cScan = await addDocument(db, c.claimId, 'scan.jpg', uid('scan'));
        await saveExtraction(db, cScan.id, { extraction: invoice({ invoiceNumber: field('inv 77') }), method: 'ocr', text: '' });
        const cOther = await addDocument(db, c.claimId, 'other.pdf', uid('other'));
        await saveExtraction(db, cOther.id, { extraction: invoice({ invoiceNumber: field('INV-77'), amount: field(1) }), method: 'text', text: '' });

        const shared = await findSharedEvidence(db, a.claimId);
        const summary = shared.map((s) => [s.documentId, s.reason, s.other.claimId, s.other.documentId]).sort();
        expect(summary).toEqual(
          [
            [aFile.id, 'same_file', b.claimId, bFile.id],
            [aFile.id, 'same_invoice', c.claimId, cScan.id],
          ].sort(),
        );
        const fromB = shared.find((s) => s.reason === 'same_file')!;
        expect(fromB.other).toMatchObject({ fileName: 'inv-copy.pdf', expenseId: 'E1', invoiceNumber: null });
        const fromC = shared.find((s) => s.reason === 'same_invoice')!;
        expect(fromC.other).toMatchObject({ vendor: 'Print Co', amountMinor: 125_050, currency: 'EUR', invoiceNumber: 'inv 77', expenseId: null });
        expect(await findSharedEvidence(db, makeClaim().claimId)).toEqual([]);
      });
    });

    describe('tokens', () => {
      it('creates, finds and revokes tokens, storing only a hash', async () => {
        await expectDbError(createToken(db, { role: 'submitter' }), 'INVALID_INPUT', /partner/);
        const sub = await createToken(db, { role: 'submitter', partner: 'Acme Partners', label: 'acme upload' }, 'admin');
        expect(sub.token).toMatch(/^cp_[A-Za-z0-9_-]{43}$/);
        expect(await findToken(db, sub.token)).toMatchObject({ id: sub.id, role: 'submitter', partner: 'Acme Partners', revokedAt: null });
        expect(await findToken(db, sub.token + 'x')).toBeNull();
        expect(await findToken(db, 'Bearer nonsense')).toBeNull();

        const stored = await t.database.db.execute(`select token_hash from api_tokens where id = '${sub.id}'`);
        expect(JSON.stringify(stored)).not.toContain(sub.token);

        const rev = await createToken(db, { role: 'reviewer' });
        expect(rev.partner).toBeNull();
        expect(await revokeToken(db, sub.id, 'admin')).toBe(true);
        expect(await revokeToken(db, sub.id, 'admin')).toBe(false);
        expect(await findToken(db, sub.token)).toBeNull();
        expect(await findToken(db, rev.token)).toMatchObject({ role: 'reviewer' });
        const audit = await listAuditLog(db, { targetType: 'api_token', targetId: sub.id });
        expect(audit.map((a) => a.action)).toEqual(['token.revoke', 'token.create']);
      });
    });

    it('cascades a claim deletion to its rows', async () => {
      const claim = makeClaim();
      await importClaims(db, [claim], 'importer');
      const { id } = await addDocument(db, claim.claimId, 'x.pdf', uid('x'));
      await saveCheckResult(db, claim.claimId, { matches: [], flags: [{ code: 'MISSING_POE', severity: 'blocking', message: 'm', documentId: id }] });
      await db.delete(claims).where(eq(claims.claimId, claim.claimId));
      expect(await db.select().from(flags).where(eq(flags.claimId, claim.claimId))).toEqual([]);
      expect(await getDocument(db, id)).toBeNull();
      // The audit trail outlives what it talks about.
      expect((await listAuditLog(db, { claimId: claim.claimId })).length).toBe(1);
    });
  });
}
