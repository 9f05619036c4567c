// npm run bench:e2e -- [--docs 300] [--workers 2]
// N mixed documents (70 % text-layer PDFs, 30 % scans as JPEG photos), spread over claims, from
// being stored to every claim re-checked, on real PostgreSQL + Redis with `claimproof worker`
// processes; then the same documents through the bare pipeline in one process (bench:ocr's path,
// one OCR worker per core) in the same run, as the ratio the queueing costs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { eq, inArray } from 'drizzle-orm';
import { loadConfig } from '../config.ts';
import { claims as claimsTable, documents } from '../db/schema/index.ts';
import { createOcrPool } from '../pipeline/ocr.ts';
import { processBytes } from '../pipeline/process.ts';
import { openRuntime } from '../runtime.ts';
import { importClaims } from '../services/claims.ts';
import { silentLogger, type Actor } from '../services/context.ts';
import { storeUploads } from '../services/documents.ts';
import { obliterateQueues } from '../workers/bullmq.ts';
import { makeTextPdf, renderTextImage, sampleInvoice } from '../test/fixtures/make.ts';
import { freshPostgres } from '../test/helpers/db.ts';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '300' }, workers: { type: 'string', default: '2' }, 'per-claim': { type: 'string', default: '10' } } });
const N = Number(values.docs);
const W = Number(values.workers);
const PER_CLAIM = Number(values['per-claim']);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const admin: Actor = { name: 'bench', role: 'admin' };
const root = path.resolve(import.meta.dirname, '..');

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function makeDocs(): Promise<Array<{ claimId: string; name: string; bytes: Buffer; scan: boolean }>> {
  const out = [];
  for (let i = 0; i < N; i++) {
    const { lines } = sampleInvoice(i + 1);
    const scan = i % 10 >= 7;
    const bytes = scan
      ? await renderTextImage(lines, { dpi: 150, format: 'jpeg' })
      : Buffer.from(await makeTextPdf([lines]));
    out.push({ claimId: `B-${String(Math.floor(i / PER_CLAIM)).padStart(4, '0')}`, name: `doc-${i}.${scan ? 'jpg' : 'pdf'}`, bytes, scan });
  }
  return out;
}

async function bare(docs: Awaited<ReturnType<typeof makeDocs>>): Promise<number> {
  const ocr = createOcrPool({ size: os.availableParallelism() });
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < docs.length) {
      const d = docs[next++]!;
      await processBytes(d.name, d.bytes, { ocr });
    }
  };
  await Promise.all(Array.from({ length: os.availableParallelism() * 2 }, lane));
  const secs = (performance.now() - started) / 1000;
  await ocr.close();
  return secs;
}

async function main() {
  process.stderr.write(`generating ${N} documents (${Math.round(N * 0.3)} scans)…\n`);
  const docs = await makeDocs();
  const t = await freshPostgres();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-bench-'));
  const prefix = `cpbench-${randomBytes(4).toString('hex')}`;
  const u = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
  u.pathname = `/${t.name}`;
  const env = {
    ...process.env,
    DATABASE_URL: u.toString(),
    REDIS_URL,
    CLAIMPROOF_QUEUE_PREFIX: prefix,
    CLAIMPROOF_DATA_DIR: dir,
    CLAIMPROOF_OCR_WORKERS: String(Math.max(1, Math.floor(os.availableParallelism() / W))),
    MALLOC_ARENA_MAX: '2',
    LOG_LEVEL: 'warn',
  };
  const rt = await openRuntime(loadConfig(env), { log: silentLogger(), migrate: true });
  const children: ChildProcess[] = [];
  try {
    const claimIds = [...new Set(docs.map((d) => d.claimId))];
    const header = 'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description';
    const rows = claimIds.map((id) => `${id},Bench Partner,Co-op 2026,Bench,2026-01-01,2026-12-31,E1,third_party,Northwind Event Services Ltd,100.00,USD,2026-06-01,`);
    await importClaims(rt.deps, admin, { text: [header, ...rows].join('\n'), format: 'csv', fileName: 'bench.csv' });

    // Workers up and idle first, so their start-up is not counted.
    for (let i = 0; i < W; i++) {
      const c = spawn(process.execPath, [path.join(root, 'bin/claimproof.js'), 'worker', '--concurrency', '2'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(c);
    }
    await new Promise((r) => setTimeout(r, 6000));
    await rt.deps.queue.drained(60_000);

    process.stderr.write(`storing ${N} documents in ${claimIds.length} claims, ${W} worker process(es)…\n`);
    const started = performance.now();
    const storedAt = new Map<string, number>();
    for (const claimId of claimIds) {
      const mine = docs.filter((d) => d.claimId === claimId);
      const res = await storeUploads(rt.deps, admin, claimId, mine.map((d) => ({ fileName: d.name, stream: Readable.from([d.bytes]) })));
      const now = performance.now();
      for (const r of res) storedAt.set(r.id, now);
    }
    const stored = performance.now();
    const checkedAt = new Map<string, number>();
    const ids = [...storedAt.keys()];
    for (;;) {
      const rows = await rt.deps.db
        .select({ id: documents.id, status: documents.status, updatedAt: documents.updatedAt, checkedAt: claimsTable.checkedAt })
        .from(documents)
        .innerJoin(claimsTable, eq(claimsTable.claimId, documents.claimId))
        .where(inArray(documents.id, ids));
      const now = performance.now();
      for (const r of rows) {
        if (checkedAt.has(r.id)) continue;
        if ((r.status === 'done' || r.status === 'failed') && r.checkedAt && r.checkedAt >= r.updatedAt) checkedAt.set(r.id, now);
      }
      if (checkedAt.size >= ids.length) break;
      if (now - started > 30 * 60_000) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 250));
    }
    const serviceSecs = (performance.now() - started) / 1000;
    const lat = ids.map((id) => checkedAt.get(id)! - storedAt.get(id)!).sort((a, b) => a - b);
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));

    process.stderr.write('the same documents through the bare pipeline in this process…\n');
    const bareSecs = await bare(docs);
    const overhead = (serviceSecs - bareSecs) / bareSecs;
    console.log(`\nbench:e2e — ${N} documents (${Math.round(N * 0.7)} text-layer PDFs, ${Math.round(N * 0.3)} JPEG scans) in ${claimIds.length} claims, ${W} worker process(es), ${os.availableParallelism()} cores`);
    console.log(`  stored in                 ${((stored - started) / 1000).toFixed(1)} s (${(N / ((stored - started) / 1000)).toFixed(0)} uploads/s)`);
    console.log(`  stored → all checked      ${serviceSecs.toFixed(1)} s   ${((N / serviceSecs) * 60).toFixed(0)} documents/minute`);
    console.log(`  stored → checked, per doc p50 ${(pct(lat, 50) / 1000).toFixed(1)} s   p99 ${(pct(lat, 99) / 1000).toFixed(1)} s`);
    console.log(`  bare pipeline, 1 process  ${bareSecs.toFixed(1)} s   ${((N / bareSecs) * 60).toFixed(0)} documents/minute`);
    console.log(`  service / bare            ${(serviceSecs / bareSecs).toFixed(2)}× (queueing, storage and checks: ${(overhead * 100).toFixed(1)} % over the bare pipeline)`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rt.close();
    await obliterateQueues(REDIS_URL, prefix);
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
