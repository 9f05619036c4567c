// PostgreSQL unreachable under a running service (API + workers on real PostgreSQL and Redis): the
// service reaches the database through a TCP proxy the test cuts. While it is cut, /readyz says the
// database is down, within a bounded time; every write answers 503 with Retry-After and writes
// nothing; a job in flight is retried. Once the proxy forwards again the service recovers by itself
// (no restart): the same process answers ready, takes uploads, and every document accepted before
// the cut ends `done` exactly once. postgres.js can strand a query whose connection was reset;
// the query deadline (CLAIMPROOF_DB_QUERY_TIMEOUT) turns that into one more 503.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import type { Api } from '../api/context.ts';
import { loadConfig } from '../config.ts';
import { getClaimDocuments, updateDocumentStatus } from '../db/queries.ts';
import { markIngestFailed } from '../services/documents.ts';
import { sweep } from '../services/sweep.ts';
import { isUnavailable } from '../services/unavailable.ts';
import type { OcrEngine } from '../pipeline/ocr.ts';
import { layoutPage } from '../pipeline/extract/testing.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { createLogger, silentLogger, SYSTEM_ACTOR } from '../services/context.ts';
import { issueToken } from '../services/tokens.ts';
import { obliterateQueues } from '../workers/bullmq.ts';
import { makeScannedPdf, renderTextImage } from './fixtures/make.ts';
import { faultClaimCsv, faultInvoice } from './helpers/fault-fixtures.ts';
import { filesForm, REDIS_URL } from './api/harness.ts';
import { freshPostgres, postgresAvailable, testServerUrl, type TestDatabase } from './helpers/db.ts';
import { redisAvailable } from './helpers/redis.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import { waitFor } from './helpers/wait.ts';

const pg = await postgresAvailable();
const redis = await redisAvailable();

/**
 * An OCR engine whose first page takes its time, so an ingest job is running when the database
 * goes away and ends (its write failing) while the database is still away.
 */
function slowOcr(firstMs: number): OcrEngine & { calls: number; inFlight: number } {
  const engine = {
    calls: 0,
    inFlight: 0,
    async recognize() {
      engine.calls++;
      engine.inFlight++;
      try {
        if (engine.calls === 1) await new Promise((r) => setTimeout(r, firstMs));
      } finally {
        engine.inFlight--;
      }
      const [page] = layoutPage(['Acme Events Ltd', 'Invoice AE-77', 'Total EUR 1,250.00'], { method: 'ocr', confidence: 0.95 }).pages;
      return { width: page!.width, height: page!.height, lines: page!.lines, text: page!.lines.map((l) => l.text).join('\n'), confidence: 0.95 };
    },
    async close() {},
  };
  return engine;
}

const csv = faultClaimCsv;
const invoice = faultInvoice;

describe.skipIf(!pg || !redis)('PostgreSQL cut under a running service', () => {
  let t: TestDatabase;
  let proxy: TcpProxy;
  let rt: Runtime;
  let app: Api;
  let dir: string;
  let admin: string;
  const prefix = `cpfault-${randomBytes(4).toString('hex')}`;
  const ocr = slowOcr(1500);

  const call = (pathname: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${admin}`);
    return Promise.resolve(app.request(pathname, { ...init, headers }));
  };
  const upload = async (claimId: string, name: string, bytes: Uint8Array) => call(`/api/claims/${claimId}/documents`, { method: 'POST', body: filesForm([{ name, bytes }]) });
  const ready = async () => {
    const started = Date.now();
    const res = await app.request('/readyz');
    return { status: res.status, ms: Date.now() - started, body: (await res.json()) as { status: string; checks: { database: { ok: boolean; detail?: string } } } };
  };

  beforeAll(async () => {
    t = await freshPostgres();
    const server = new URL(testServerUrl());
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const url = new URL(server);
    url.host = `127.0.0.1:${proxy.port}`;
    url.pathname = `/${t.name}`;
    dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-pgcut-'));
    const config = loadConfig({ DATABASE_URL: url.toString(), REDIS_URL, CLAIMPROOF_QUEUE_PREFIX: prefix, CLAIMPROOF_DATA_DIR: dir, CLAIMPROOF_SWEEP_SECONDS: '3600', CLAIMPROOF_DB_QUERY_TIMEOUT: '4' });
    rt = await openRuntime(config, { log: process.env.DEBUG_FAULTS ? createLogger('info') : silentLogger(), ocr, migrate: true });
    await rt.startWorkers({ queues: ['ingest', 'recheck'], concurrency: 2 });
    app = createApp(rt.deps);
    admin = (await issueToken(rt.deps, SYSTEM_ACTOR, { role: 'admin', partner: null, label: 'pg-cut' })).token;
  }, 60_000);

  afterAll(async () => {
    await proxy?.restore();
    await rt?.close();
    await proxy?.close();
    await t?.cleanup();
    await obliterateQueues(REDIS_URL, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says so, refuses writes with 503 and writes nothing while it is cut, then recovers by itself', async () => {
    expect((await ready()).status).toBe(200);
    expect((await call('/api/claims', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv('PG-1') })).status).toBe(201);
    const before = await upload('PG-1', 'before.pdf', await invoice(1));
    expect(before.status).toBe(202);
    // A scan: its (slow) OCR job is running when the database goes away.
    const scan = await makeScannedPdf([await renderTextImage(['Acme Events Ltd', 'Invoice AE-77', 'Total EUR 1,250.00'], { dpi: 100 })]);
    expect((await upload('PG-1', 'scan.pdf', scan)).status).toBe(202);
    await waitFor('the OCR job to start', async () => ocr.calls > 0, 20_000);
    const filesBefore = (await readdir(path.join(dir, 'files'), { recursive: true })).length;

    await proxy.refuse();
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.checks.database.ok).toBe(false);

    const refusedUpload = await upload('PG-1', 'during.pdf', await invoice(2));
    expect(refusedUpload.status).toBe(503);
    expect(refusedUpload.headers.get('retry-after')).toBeTruthy();
    expect(((await refusedUpload.json()) as { code: string }).code).toBe('UNAVAILABLE');
    const refusedImport = await call('/api/claims', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv('PG-2') });
    expect(refusedImport.status).toBe(503);
    // A token cannot be checked either: that is 503 (try again), never 401 (your token is wrong).
    expect((await call('/api/claims/PG-1')).status).toBe(503);
    // Nothing of the refused upload reached the store.
    expect((await readdir(path.join(dir, 'files'), { recursive: true })).length).toBe(filesBefore);

    // The running job finishes its OCR and fails to save it while the database is away.
    await waitFor('the OCR of the scan to end', async () => ocr.inFlight === 0, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    await proxy.restore();

    await waitFor('the service to be ready again', async () => (await ready()).status === 200, 30_000);
    // A job that used every retry during the outage was left queued in the database; the sweeper
    // (every CLAIMPROOF_SWEEP_SECONDS in production) queues it again.
    await sweep(rt.deps);
    const after = await upload('PG-1', 'after.pdf', await invoice(3));
    expect(after.status).toBe(202);
    await waitFor(
      'every accepted document to be done',
      async () => {
        // A query stranded by the reset may still time out once after the healing (503, retried).
        const docs = await getClaimDocuments(rt.deps.db, 'PG-1').catch(() => []);
        return docs.length === 3 && docs.every((d) => d.status === 'done');
      },
      60_000,
    );
    const docs = await getClaimDocuments(rt.deps.db, 'PG-1');
    expect(docs.map((d) => d.fileName).sort()).toEqual(['after.pdf', 'before.pdf', 'scan.pdf']);
    // Each processed once: one extraction version, however many attempts the scan's job took.
    expect(docs.map((d) => d.extraction?.version)).toEqual([1, 1, 1]);
    const claims = (await (await call('/api/claims')).json()) as { claims: Array<{ claimId: string }> };
    expect(claims.claims.map((c) => c.claimId)).toEqual(['PG-1']);
  }, 120_000);

  it('answers /readyz within a bounded time when the database stops answering at all', async () => {
    proxy.stall();
    try {
      // The first probe may meet a connection the stall reset; the next one meets silence.
      await ready();
      const down = await ready();
      expect(down.status).toBe(503);
      expect(down.body.checks.database).toEqual({ ok: false, detail: expect.stringMatching(/no answer within|timeout/i) });
      expect(down.ms).toBeLessThan(8000);
      // A query meets the same silence: it fails at the query deadline instead of waiting forever.
      const started = Date.now();
      const error = (await rt.deps.db.execute(sql`select 1`).catch((e: unknown) => e)) as Error;
      expect(String((error.cause as Error | undefined)?.message)).toMatch(/no answer within 4 s/);
      expect(isUnavailable(error)).toBe(true);
      expect(Date.now() - started).toBeLessThan(6000);
    } finally {
      await proxy.restore();
    }
    await waitFor('the service to be ready again', async () => (await ready()).status === 200, 40_000);
  }, 90_000);

  it('leaves a document whose job ran out of retries on an outage for the sweeper, not failed', async () => {
    const res = await waitFor('an upload to be taken', async () => {
      const r = await upload('PG-1', 'late.pdf', await invoice(4));
      return r.status === 202 && r;
    }, 30_000);
    const [doc] = ((await res.json()) as { documents: Array<{ id: string }> }).documents;
    await waitFor('the document to settle', async () => (await getClaimDocuments(rt.deps.db, 'PG-1').catch(() => [])).find((d) => d.id === doc!.id)?.status === 'done', 30_000);
    await updateDocumentStatus(rt.deps.db, doc!.id, 'processing');
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await markIngestFailed(rt.deps, doc!.id, outage);
    expect((await getClaimDocuments(rt.deps.db, 'PG-1')).find((d) => d.id === doc!.id)?.status).toBe('processing');
    await markIngestFailed(rt.deps, doc!.id, new Error('the PDF is damaged'));
    expect((await getClaimDocuments(rt.deps.db, 'PG-1')).find((d) => d.id === doc!.id)?.status).toBe('failed');
  });
});
