// Worker processes as they run in production: separate `claimproof worker` processes on shared
// PostgreSQL and Redis. A worker killed with SIGKILL mid-OCR leaves its job to a new worker, which
// finishes the document exactly once; SIGTERM shuts a worker down cleanly; two workers share one
// queue and process every document exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { getDocument } from '../db/queries.ts';
import { extractions } from '../db/schema/index.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { importClaims } from '../services/claims.ts';
import { silentLogger, type Actor } from '../services/context.ts';
import { storeUploads } from '../services/documents.ts';
import { obliterateQueues } from '../workers/bullmq.ts';
import { makeScannedPdf, makeTextPdf, renderTextImage } from './fixtures/make.ts';
import { freshPostgres, postgresAvailable, type TestDatabase } from './helpers/db.ts';
import { redisAvailable, TEST_REDIS_URL } from './helpers/redis.ts';
import { waitFor } from './helpers/wait.ts';

const root = path.resolve(import.meta.dirname, '..');
const pg = await postgresAvailable();
const redis = await redisAvailable();
const admin: Actor = { name: 'test', role: 'admin' };

const csv = (claimId: string) =>
  [
    'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description',
    `${claimId},Partner A,Co-op 2026,Fair,2026-03-01,2026-03-31,E1,third_party,Acme Events Ltd,1250.00,EUR,2026-03-10,`,
  ].join('\n');

describe.skipIf(!pg || !redis)('worker processes on PostgreSQL + Redis', () => {
  let t: TestDatabase;
  let rt: Runtime;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const prefix = `cptest-${randomBytes(5).toString('hex')}`;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await freshPostgres();
    dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-workers-'));
    const u = new URL(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
    u.pathname = `/${t.name}`;
    env = {
      ...process.env,
      DATABASE_URL: u.toString(),
      REDIS_URL: TEST_REDIS_URL,
      CLAIMPROOF_QUEUE_PREFIX: prefix,
      CLAIMPROOF_DATA_DIR: dir,
      CLAIMPROOF_JOB_LOCK_SECONDS: '3',
      CLAIMPROOF_OCR_WORKERS: '1',
      MALLOC_ARENA_MAX: '2',
      LOG_LEVEL: 'info',
    };
    // The test itself is a producer only, like the API with --no-workers.
    rt = await openRuntime(loadConfig(env), { log: silentLogger(), migrate: true });
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await rt?.close();
    await obliterateQueues(TEST_REDIS_URL, prefix);
    await t?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function startWorker(args: string[] = []): ChildProcess & { output: () => string } {
    const child = spawn(process.execPath, [path.join(root, 'bin/claimproof.js'), 'worker', '--concurrency', '1', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (out += String(d)));
    children.push(child);
    return Object.assign(child, { output: () => out });
  }


  const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));

  it('finishes exactly once the document of a worker killed mid-OCR, and SIGTERM stops cleanly', async () => {
    await importClaims(rt.deps, admin, { text: csv('W-1'), format: 'csv', fileName: 'claims.csv' });
    // Three scanned pages: several seconds of OCR, a window to kill the worker in.
    const pages = await Promise.all(
      [1, 2, 3].map((n) => renderTextImage([{ text: 'Acme Events Ltd', size: 28 }, { text: `Invoice AE-${n}` }, { text: 'Invoice date: 12/03/2026' }, { text: 'Total due EUR 1,250.00' }])),
    );
    const scan = await makeScannedPdf(pages);
    const [doc] = await storeUploads(rt.deps, admin, 'W-1', [{ fileName: 'scan.pdf', stream: Readable.from([Buffer.from(scan)]) }]);

    const first = startWorker(['--queues', 'ingest']);
    await waitFor('the first worker to start OCR', async () => (await getDocument(rt.deps.db, doc!.id))?.status === 'processing', 60_000);
    await new Promise((r) => setTimeout(r, 300));
    first.kill('SIGKILL');
    await exited(first);
    expect((await getDocument(rt.deps.db, doc!.id))!.status).toBe('processing');

    const second = startWorker();
    const done = await waitFor('the second worker to finish', async () => {
      const d = await getDocument(rt.deps.db, doc!.id);
      return d && (d.status === 'done' || d.status === 'failed') ? d : null;
    }, 90_000);
    expect(done.status).toBe('done');
    const rows = await rt.deps.db.select().from(extractions).where(eq(extractions.documentId, doc!.id));
    expect(rows).toHaveLength(1);

    second.kill('SIGTERM');
    const code = await Promise.race([exited(second), new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000))]);
    expect(code).toBe(0);
    expect(second.output()).toMatch(/worker stopped/);
  }, 180_000);

  it('shares one queue between two workers and processes every document exactly once', async () => {
    await importClaims(rt.deps, admin, { text: csv('W-2'), format: 'csv', fileName: 'claims.csv' });
    const a = startWorker();
    const b = startWorker();
    const files = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => ({
        fileName: `inv-${i}.pdf`,
        stream: Readable.from([Buffer.from(await makeTextPdf([[{ text: 'Acme Events Ltd', size: 18 }, { text: `Invoice number: AE-9${i}` }, { text: 'Invoice date: 2026-03-12' }, { text: `Total due: EUR 1,25${i}.00` }]]))]),
      })),
    );
    const stored = await storeUploads(rt.deps, admin, 'W-2', files);
    const ids = stored.map((d) => d.id);
    await waitFor('every document to be processed', async () => {
      const docs = await Promise.all(ids.map((id) => getDocument(rt.deps.db, id)));
      return docs.every((d) => d && (d.status === 'done' || d.status === 'failed'));
    }, 90_000);
    const rows = await rt.deps.db.select({ documentId: extractions.documentId }).from(extractions).where(inArray(extractions.documentId, ids));
    expect(rows.map((r) => r.documentId).sort()).toEqual([...ids].sort());
    const ingested = (a.output() + b.output()).split('\n').filter((l) => l.includes('"document ingested"') && l.includes('"claimId":"W-2"'));
    expect(ingested).toHaveLength(ids.length);
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    expect(await exited(a)).toBe(0);
    expect(await exited(b)).toBe(0);
  }, 180_000);
});
