// The intake API end to end, on the embedded default and on PostgreSQL + BullMQ: claims imported,
// evidence uploaded in bulk (files and a ZIP) and answered 202, read by the workers, and the
// results, reviews, reports and packets seen through the API.
import { randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../api/app.ts';
import { makeCorruptPdf, makeTextPdf, sampleInvoice } from '../fixtures/make.ts';
import { claimJson, drivers, filesForm, openHarness, zip, type Harness } from './harness.ts';

const available = await drivers();

function minorToText(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

async function invoicePdf(seed: number) {
  const { lines, truth } = sampleInvoice(seed);
  return { bytes: await makeTextPdf([lines]), truth };
}

describe.each(available)('the intake API on %s', (driver) => {
  let h: Harness;
  let admin: string;
  let reviewer: string;
  const partner = `Partner ${randomBytes(3).toString('hex')}`;
  let submitter: string;
  let seq = 0;
  const nextClaimId = () => `API-${driver === 'embedded' ? 'E' : 'P'}-${++seq}-${randomBytes(2).toString('hex')}`;

  beforeAll(async () => {
    h = await openHarness(driver);
    admin = await h.token('admin');
    reviewer = await h.token('reviewer');
    submitter = await h.token('submitter', partner);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function importClaim(body: unknown, token = submitter) {
    const res = await h.call(token, '/api/claims', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { created: string[] };
  }

  async function upload(claimId: string, files: Array<{ name: string; bytes: Uint8Array }>, token = submitter) {
    return h.call(token, `/api/claims/${encodeURIComponent(claimId)}/documents`, { method: 'POST', body: filesForm(files) });
  }

  async function settled() {
    await h.runtime.deps.queue.drained(30_000);
  }

  it('imports claims from CSV and refuses a bad JSON import with the line and column, importing nothing', async () => {
    const id = nextClaimId();
    const csv = [
      'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description',
      `${id},${partner},MDF 2026,Webinar,2026-04-01,2026-04-30,E1,third_party,Acme GmbH,1250.00,EUR,2026-04-12,`,
    ].join('\n');
    const created = await h.call(submitter, '/api/claims', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { created: string[] }).created).toEqual([id]);

    const badId = nextClaimId();
    const bad = JSON.stringify(claimJson(badId, partner, [{ expenseId: 'E1', vendor: 'Acme', amount: 'twelve', currency: 'EUR', date: '2026-04-12' }]), null, 2);
    const refused = await h.call(submitter, '/api/claims', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bad });
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { code: string; issues: Array<{ line: number | string | null; column: string | null }>; requestId: string };
    expect(body.code).toBe('IMPORT_INVALID');
    expect(body.requestId).toBe(refused.headers.get('x-request-id'));
    expect(body.issues[0]!.line).not.toBeNull();
    expect(body.issues[0]!.column).toMatch(/amount/);
    expect((await h.call(reviewer, `/api/claims/${badId}`)).status).toBe(404);

    const wrongType = await h.call(submitter, '/api/claims', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: csv });
    expect(wrongType.status).toBe(415);
  });

  it('takes files and a ZIP in one upload, answers 202 with ids, and the workers read them', async () => {
    const claimId = nextClaimId();
    const a = await invoicePdf(11);
    const b = await invoicePdf(12);
    await importClaim(
      claimJson(claimId, partner, [
        { expenseId: 'E1', vendor: a.truth.vendor, amount: minorToText(a.truth.totalMinor), currency: a.truth.currency, date: a.truth.date },
        { expenseId: 'E2', vendor: b.truth.vendor, amount: minorToText(b.truth.totalMinor), currency: b.truth.currency, date: b.truth.date },
      ]),
    );
    const res = await upload(claimId, [
      { name: 'invoice-a.pdf', bytes: a.bytes },
      { name: 'more.zip', bytes: zip({ 'scans/invoice-b.pdf': b.bytes, 'copy-of-a.pdf': a.bytes }) },
    ]);
    expect(res.status).toBe(202);
    const { documents } = (await res.json()) as { documents: Array<{ id: string; file: string; status: string; duplicateOf?: string }> };
    expect(documents[0]!.file).toBe('invoice-a.pdf');
    expect(documents.map((d) => d.file).sort()).toEqual(['copy-of-a.pdf', 'invoice-a.pdf', 'invoice-b.pdf']);
    const byName = (name: string) => documents.find((d) => d.file === name)!;
    const [docA, docB, copy] = [byName('invoice-a.pdf'), byName('invoice-b.pdf'), byName('copy-of-a.pdf')];
    expect(docA!.status).toBe('queued');
    // The same bytes twice in one claim are one document.
    expect(copy!.id).toBe(docA!.id);
    expect(copy!.duplicateOf).toBe(docA!.id);

    await settled();
    const detail = (await (await h.call(submitter, `/api/documents/${docB!.id}`)).json()) as {
      status: string;
      method: string;
      extraction: { fields: { amount: { value: number; confidence: number; page: number; box: { x: number; w: number } }; vendor: { value: string } } };
    };
    expect(detail.status).toBe('done');
    expect(detail.method).toBe('text');
    expect(detail.extraction.fields.amount.value).toBe(b.truth.totalMinor);
    expect(detail.extraction.fields.amount.page).toBe(1);
    expect(detail.extraction.fields.amount.confidence).toBeGreaterThan(0.5);
    expect(detail.extraction.fields.amount.box.w).toBeGreaterThan(0);
    expect(detail.extraction.fields.vendor.value).toBe(b.truth.vendor);

    const claim = (await (await h.call(submitter, `/api/claims/${claimId}`)).json()) as {
      documents: unknown[];
      matches: Array<{ expenseId: string; documentId: string }>;
      flags: Array<{ code: string }>;
    };
    expect(claim.documents).toHaveLength(2);
    expect(claim.matches.map((m) => [m.expenseId, m.documentId]).sort()).toEqual([
      ['E1', docA!.id],
      ['E2', docB!.id],
    ]);
    expect(claim.flags.map((f) => f.code)).toContain('MISSING_POE');
    expect(claim.flags.map((f) => f.code)).not.toContain('MISSING_INVOICE');

    // Uploaded again later: nothing new is stored, the answer names the document.
    const again = await upload(claimId, [{ name: 'invoice-a-again.pdf', bytes: a.bytes }]);
    expect(again.status).toBe(202);
    const dup = ((await again.json()) as { documents: Array<{ id: string; duplicateOf?: string }> }).documents[0]!;
    expect(dup).toMatchObject({ id: docA!.id, duplicateOf: docA!.id });
  });

  it('leaves a corrupt file failed with its UNREADABLE_DOCUMENT flag', async () => {
    const claimId = nextClaimId();
    await importClaim(claimJson(claimId, partner, [{ expenseId: 'E1', vendor: 'Acme', amount: '10.00', currency: 'EUR', date: '2026-03-01' }]));
    const res = await upload(claimId, [{ name: 'broken.pdf', bytes: await makeCorruptPdf('garbage') }]);
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { documents: Array<{ id: string }> }).documents[0]!.id;
    await settled();
    const doc = (await (await h.call(reviewer, `/api/documents/${id}`)).json()) as { status: string; error: { code: string } | null };
    expect(doc.status).toBe('failed');
    expect(doc.error?.code).toBeTruthy();
    const flags = (await (await h.call(reviewer, `/api/flags?claimId=${claimId}&code=UNREADABLE_DOCUMENT`)).json()) as { total: number; flags: Array<{ documentId: string }> };
    expect(flags.total).toBe(1);
    expect(flags.flags[0]!.documentId).toBe(id);
  });

  it('clears an AMOUNT_MISMATCH when a reviewer corrects the total, and returns the new verdict', async () => {
    const claimId = nextClaimId();
    const inv = await invoicePdf(21);
    await importClaim(claimJson(claimId, partner, [{ expenseId: 'E1', vendor: inv.truth.vendor, amount: minorToText(inv.truth.totalMinor + 5000), currency: inv.truth.currency, date: inv.truth.date }]));
    const id = ((await (await upload(claimId, [{ name: 'invoice.pdf', bytes: inv.bytes }])).json()) as { documents: Array<{ id: string }> }).documents[0]!.id;
    await settled();
    const open = async () => ((await (await h.call(reviewer, `/api/flags?claimId=${claimId}&code=AMOUNT_MISMATCH&status=open`)).json()) as { total: number }).total;
    expect(await open()).toBe(1);

    // A submitter may not correct.
    const denied = await h.call(submitter, `/api/documents/${id}/fields`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ changes: { amount: inv.truth.totalMinor + 5000 } }) });
    expect(denied.status).toBe(403);
    const invalid = await h.call(reviewer, `/api/documents/${id}/fields`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ changes: { amount: 'lots' } }) });
    expect(invalid.status).toBe(400);

    const res = await h.call(reviewer, `/api/documents/${id}/fields`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ changes: { amount: inv.truth.totalMinor + 5000 }, note: 'the total on the second page' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { document: { extraction: { fields: { amount: { value: number; corrected: boolean } } } }; verdict: Array<{ claimId: string; flags: Array<{ code: string }> }> };
    expect(body.document.extraction.fields.amount).toMatchObject({ value: inv.truth.totalMinor + 5000, corrected: true });
    expect(body.verdict.find((v) => v.claimId === claimId)!.flags.map((f) => f.code)).not.toContain('AMOUNT_MISMATCH');
    expect(await open()).toBe(0);
    const audit = (await (await h.call(reviewer, `/api/audit?claimId=${claimId}`)).json()) as { entries: Array<{ actor: string; action: string }> };
    expect(audit.entries.some((e) => e.actor.includes('test-reviewer') && e.actor.includes('reviewer'))).toBe(true);
  });

  it('moves a claim through the workflow with notes, within each role\'s rights', async () => {
    const claimId = nextClaimId();
    await importClaim(claimJson(claimId, partner, [{ expenseId: 'E1', vendor: 'Acme', amount: '10.00', currency: 'EUR', date: '2026-03-01' }]));
    const move = (token: string, status: string, note?: string) =>
      h.call(token, `/api/claims/${claimId}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status, ...(note ? { note } : {}) }) });
    expect((await move(submitter, 'approved')).status).toBe(403);
    const submitted = await move(submitter, 'submitted');
    expect(submitted.status).toBe(200);
    expect(((await submitted.json()) as { from: string; to: string }).to).toBe('submitted');
    expect((await move(reviewer, 'needs_info')).status).toBe(400);
    const asked = await move(reviewer, 'needs_info', 'Send the signed attendee list');
    expect(asked.status).toBe(200);
    // Approving an incomplete claim conflicts with its state.
    expect((await move(reviewer, 'approved')).status).toBe(409);
    const history = ((await asked.json()) as { claim: { history: Array<{ to: string; note: string | null; actor: string }> } }).claim.history;
    expect(history.map((s) => s.to)).toEqual(['draft', 'submitted', 'needs_info']);
    expect(history[2]).toMatchObject({ note: 'Send the signed attendee list' });
    expect(history[2]!.actor).toContain('reviewer');
  });

  it('builds a report and serves the latest as JSON, CSV and PDF; lists claims with a total', async () => {
    const claimId = nextClaimId();
    await importClaim(claimJson(claimId, partner, [{ expenseId: 'E1', vendor: 'Acme', amount: '10.00', currency: 'EUR', date: '2026-03-01' }]));
    await settled();
    expect((await h.call(submitter, '/api/reports', { method: 'POST' })).status).toBe(403);
    const built = await h.call(reviewer, '/api/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asOf: '2026-05-10' }) });
    expect(built.status).toBe(201);
    const run = (await (await h.call(reviewer, '/api/reports/latest')).json()) as { asOf: string; report: { claims: Array<{ claimId: string }> } };
    expect(run.asOf).toBe('2026-05-10');
    expect(run.report.claims.map((c) => c.claimId)).toContain(claimId);

    const json = await h.call(reviewer, '/api/reports/latest.json');
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    expect(json.headers.get('content-disposition')).toMatch(/attachment; filename="incomplete-claims-2026-05-10.json"/);
    expect(((await json.json()) as { claims: Array<{ claimId: string }> }).claims.map((c) => c.claimId)).toContain(claimId);
    const csv = await h.call(reviewer, '/api/reports/latest.csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await csv.text()).toContain(claimId);
    const pdf = await h.call(reviewer, '/api/reports/latest.pdf');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const doc = await PDFDocument.load(new Uint8Array(await pdf.arrayBuffer()));
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);

    const list = (await (await h.call(submitter, `/api/claims?limit=2&offset=0`)).json()) as { total: number; claims: Array<{ partner: string; deadline: string }> };
    expect(list.claims.length).toBeLessThanOrEqual(2);
    expect(list.total).toBeGreaterThanOrEqual(list.claims.length);
    expect(new Set(list.claims.map((c) => c.partner))).toEqual(new Set([partner]));
    const sorted = list.claims.map((c) => c.deadline);
    expect(sorted).toEqual([...sorted].sort());
    expect((await h.call(submitter, '/api/claims?status=bogus')).status).toBe(400);
  });

  it('builds the claim packet with a cover and every evidence page', async () => {
    const claimId = nextClaimId();
    const inv = await invoicePdf(31);
    const twoPages = await makeTextPdf([['Event agenda', 'Day 1: keynote'], ['Attendee list', 'Ada Lovelace']]);
    await importClaim(claimJson(claimId, partner, [{ expenseId: 'E1', vendor: inv.truth.vendor, amount: minorToText(inv.truth.totalMinor), currency: inv.truth.currency, date: inv.truth.date }]));
    expect((await upload(claimId, [{ name: 'invoice.pdf', bytes: inv.bytes }, { name: 'agenda.pdf', bytes: twoPages }])).status).toBe(202);
    await settled();
    const res = await h.call(submitter, `/api/claims/${claimId}/packet.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const packet = await PDFDocument.load(new Uint8Array(await res.arrayBuffer()));
    const cover = packet.getPageCount() - 3;
    expect(cover).toBeGreaterThanOrEqual(1);
    expect(cover).toBeLessThanOrEqual(3);
    expect(Number(res.headers.get('x-page-count'))).toBe(packet.getPageCount());
  });

  describe('over a real socket', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer(h.app, 0, '127.0.0.1');
    });
    afterAll(async () => {
      await server?.close();
    });

    it('uploads, streams the original back and serves cached page previews with an ETag', async () => {
      const claimId = nextClaimId();
      const inv = await invoicePdf(41);
      const auth = { authorization: `Bearer ${submitter}` };
      const imported = await fetch(`${server.url}/api/claims`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(claimJson(claimId, partner, [{ expenseId: 'E1', vendor: inv.truth.vendor, amount: minorToText(inv.truth.totalMinor), currency: inv.truth.currency, date: inv.truth.date }])),
      });
      expect(imported.status).toBe(201);
      const up = await fetch(`${server.url}/api/claims/${claimId}/documents`, { method: 'POST', headers: auth, body: filesForm([{ name: 'Rechnung März ü.pdf', bytes: inv.bytes }]) });
      expect(up.status).toBe(202);
      expect(up.headers.get('x-request-id')).toBeTruthy();
      const id = ((await up.json()) as { documents: Array<{ id: string }> }).documents[0]!.id;
      await settled();

      const file = await fetch(`${server.url}/api/documents/${id}/file`, { headers: auth });
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.headers.get('content-disposition')).toBe(`attachment; filename="Rechnung M_rz _.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%20%C3%BC.pdf`);
      expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(inv.bytes))).toBe(true);

      const page = await fetch(`${server.url}/api/documents/${id}/pages/1?width=400`, { headers: auth });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('image/png');
      const etag = page.headers.get('etag')!;
      expect((await sharp(Buffer.from(await page.arrayBuffer())).metadata()).width).toBe(400);
      const again = await fetch(`${server.url}/api/documents/${id}/pages/1?width=400`, { headers: { ...auth, 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect((await fetch(`${server.url}/api/documents/${id}/pages/2`, { headers: auth })).status).toBe(404);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/claimproof_http_request_duration_seconds_count\{method="POST",route="\/api\/claims\/:claimId\/documents",status="202"\} [1-9]/);
      expect(metrics).toMatch(/claimproof_uploaded_documents_total\{outcome="new"\} [1-9]/);
      expect(metrics).toMatch(/claimproof_queue_jobs\{queue="ingest",state="waiting"\} 0/);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
    });
  });
});
