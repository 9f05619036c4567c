// Faults on real backends. Redis stopped while uploads and jobs are in flight (a private
// redis-server on its own port, with no persistence, so whatever it held is lost): every document
// accepted is processed once Redis is back, queued again from the database. A data directory that
// cannot be written: a clear error and no document row.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { getClaimDocuments } from '../db/queries.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { importClaims } from '../services/claims.ts';
import { silentLogger, type Actor } from '../services/context.ts';
import { storeUploads } from '../services/documents.ts';
import { createDiskStorage } from '../services/storage.ts';
import { sweep } from '../services/sweep.ts';
import { faultClaimCsv, faultInvoice } from './helpers/fault-fixtures.ts';
import { freshPostgres, postgresAvailable, testServerUrl, type TestDatabase } from './helpers/db.ts';
import { redisAvailable } from './helpers/redis.ts';
import { noOcr } from '../pipeline/extract/testing.ts';
import { waitFor } from './helpers/wait.ts';

const admin: Actor = { name: 'test', role: 'admin' };
const pg = await postgresAvailable();
const redis = await redisAvailable();

const csv = faultClaimCsv;
const invoice = async (n: number) => Buffer.from(await faultInvoice(n));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (/Ready to accept connections/.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-300)}`)));
  });
}


describe.skipIf(!pg || !redis)('faults on PostgreSQL + a private Redis', () => {
  let t: TestDatabase;
  let rt: Runtime;
  let dir: string;
  let port: number;
  let server: ChildProcess | null = null;

  beforeAll(async () => {
    t = await freshPostgres();
    dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-faults-'));
    port = await freePort();
    server = await startRedis(port);
    const u = new URL(testServerUrl());
    u.pathname = `/${t.name}`;
    const config = loadConfig({ DATABASE_URL: u.toString(), REDIS_URL: `redis://127.0.0.1:${port}`, CLAIMPROOF_DATA_DIR: dir, CLAIMPROOF_SWEEP_SECONDS: '3600' });
    rt = await openRuntime(config, { log: silentLogger(), ocr: noOcr, migrate: true });
    await rt.startWorkers({ concurrency: 2 });
  }, 60_000);

  afterAll(async () => {
    await rt?.close();
    server?.kill('SIGKILL');
    await t?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('processes every accepted upload after Redis was stopped and restarted empty', async () => {
    await importClaims(rt.deps, admin, { text: csv('F-1'), format: 'csv', fileName: 'claims.csv' });
    const before = await storeUploads(rt.deps, admin, 'F-1', [{ fileName: 'a.pdf', stream: Readable.from([await invoice(1)]) }]);

    server!.kill('SIGKILL');
    await new Promise((r) => server!.once('exit', r));
    // Accepted while Redis is down: the rows are committed, the jobs cannot be queued yet.
    const during = await storeUploads(rt.deps, admin, 'F-1', [
      { fileName: 'b.pdf', stream: Readable.from([await invoice(2)]) },
      { fileName: 'c.pdf', stream: Readable.from([await invoice(3)]) },
    ]);
    expect(during.every((d) => d.status === 'queued')).toBe(true);

    server = await startRedis(port);
    await waitFor('the queue to reconnect', () => rt.deps.queue.ping().then(() => true, () => false), 30_000);
    // The sweeper (every CLAIMPROOF_SWEEP_SECONDS in production) queues what the database says is unfinished.
    await sweep(rt.deps);
    const ids = [...before, ...during].map((d) => d.id);
    await waitFor('every document to be processed', async () => {
      const docs = await getClaimDocuments(rt.deps.db, 'F-1');
      return ids.every((id) => docs.find((d) => d.id === id)?.status === 'done');
    }, 60_000);
    const docs = await getClaimDocuments(rt.deps.db, 'F-1');
    expect(docs.filter((d) => d.extraction).map((d) => d.extraction!.version)).toEqual([1, 1, 1]);
  }, 120_000);

  it('refuses an upload when the data directory cannot be written, leaving no row', async () => {
    await importClaims(rt.deps, admin, { text: csv('F-2'), format: 'csv', fileName: 'claims.csv' });
    const blocker = path.join(dir, 'not-a-directory');
    await writeFile(blocker, 'x');
    const deps = { ...rt.deps, storage: createDiskStorage(path.join(blocker, 'files')) };
    await expect(storeUploads(deps, admin, 'F-2', [{ fileName: 'a.pdf', stream: Readable.from([await invoice(4)]) }])).rejects.toThrow(/ENOTDIR|not a directory/);
    expect(await getClaimDocuments(rt.deps.db, 'F-2')).toEqual([]);
  });
});
