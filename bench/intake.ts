// npm run bench:intake -- [--seconds 15] [--clients 16] [--workers 2]
// Concurrent clients uploading 200 KB files to claims over HTTP, on real PostgreSQL + Redis: once
// with the workers idle, once while `claimproof worker` processes OCR a backlog of scans in the
// background (at a lower CPU priority: nice 10, as the compose file's workers may be). Prints
// uploads per second, p50/p99 latency and the error rate of each phase.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { startServer } from '../api/app.ts';
import { createServiceApp } from '../api/service-app.ts';
import { loadConfig } from '../config.ts';
import { openRuntime } from '../runtime.ts';
import { importClaims } from '../services/claims.ts';
import { silentLogger, type Actor } from '../services/context.ts';
import { storeUploads } from '../services/documents.ts';
import { issueToken } from '../services/tokens.ts';
import { obliterateQueues } from '../workers/bullmq.ts';
import { renderTextImage, sampleInvoice } from '../test/fixtures/make.ts';
import { freshPostgres, testServerUrl } from '../test/helpers/db.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' }, clients: { type: 'string', default: '16' }, workers: { type: 'string', default: '2' }, scans: { type: 'string', default: '60' } } });
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const WORKERS = Number(values.workers);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const root = path.resolve(import.meta.dirname, '..');
const admin: Actor = { name: 'bench', role: 'admin' };
const CLAIMS = 50;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function phase(url: string, token: string, label: string): Promise<void> {
  const lat: number[] = [];
  let errors = 0;
  const statuses = new Map<number, number>();
  const until = performance.now() + SECONDS * 1000;
  let seq = 0;
  const client = async () => {
    while (performance.now() < until) {
      // 200 KB of fresh bytes each time: every upload is a new document, not a duplicate.
      const body = new FormData();
      const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(200 * 1024)]);
      body.append('files', new Blob([bytes]), `upload-${seq}.pdf`);
      const claimId = `I-${String(seq++ % CLAIMS).padStart(3, '0')}`;
      const started = performance.now();
      try {
        const res = await fetch(`${url}/api/claims/${claimId}/documents`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status !== 202) errors += 1;
      } catch {
        errors += 1;
      }
      lat.push(performance.now() - started);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(34)} ${String(lat.length).padStart(6)} uploads  ${(lat.length / secs).toFixed(0).padStart(5)} /s   p50 ${pct(lat, 50).toFixed(0).padStart(4)} ms   p99 ${pct(lat, 99).toFixed(0).padStart(5)} ms   errors ${((errors / Math.max(1, lat.length)) * 100).toFixed(2)} % ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
  );
}

async function main() {
  const t = await freshPostgres();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-intake-'));
  const prefix = `cpintake-${randomBytes(4).toString('hex')}`;
  const u = new URL(testServerUrl());
  u.pathname = `/${t.name}`;
  const env = { ...process.env, DATABASE_URL: u.toString(), REDIS_URL, CLAIMPROOF_QUEUE_PREFIX: prefix, CLAIMPROOF_DATA_DIR: dir, CLAIMPROOF_OCR_WORKERS: '1', MALLOC_ARENA_MAX: '2', LOG_LEVEL: 'warn', CLAIMPROOF_UPLOADS_PER_MINUTE: '0' };
  const rt = await openRuntime(loadConfig(env), { log: silentLogger(), migrate: true });
  const children: ChildProcess[] = [];
  const server = await startServer(createServiceApp(rt.deps), 0, '127.0.0.1');
  try {
    const header = 'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description';
    const rows = Array.from({ length: CLAIMS }, (_, i) => `I-${String(i).padStart(3, '0')},Bench Partner,Co-op 2026,Bench,2026-01-01,2026-12-31,E1,third_party,Northwind Event Services Ltd,100.00,USD,2026-06-01,`);
    await importClaims(rt.deps, admin, { text: [header, ...rows].join('\n'), format: 'csv', fileName: 'bench.csv' });
    const token = (await issueToken(rt.deps, admin, { role: 'reviewer', label: 'bench' })).token;

    console.log(`bench:intake — ${CLIENTS} clients, 200 KB files, ${SECONDS} s per phase, ${os.availableParallelism()} cores, PostgreSQL + Redis`);
    await phase(server.url, token, 'no workers running');

    // A backlog of scans for the workers to OCR during the second phase.
    const scans = await Promise.all(Array.from({ length: Number(values.scans) }, (_, i) => renderTextImage(sampleInvoice(1000 + i).lines, { dpi: 150, format: 'jpeg' })));
    await storeUploads(rt.deps, admin, 'I-000', scans.map((b, i) => ({ fileName: `scan-${i}.jpg`, stream: Readable.from([b]) })));
    for (let i = 0; i < WORKERS; i++) {
      children.push(spawn('nice', ['-n', '10', process.execPath, path.join(root, 'bin/claimproof.js'), 'worker', '--concurrency', '1'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
    }
    await new Promise((r) => setTimeout(r, 8000));
    const busy = await rt.deps.queue.counts();
    await phase(server.url, token, `${WORKERS} workers OCR (nice 10)`);
    console.log(`  (ingest queue at the start of that phase: ${busy.ingest.waiting} waiting, ${busy.ingest.active} active)`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await server.close();
    await rt.close();
    await obliterateQueues(REDIS_URL, prefix);
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
