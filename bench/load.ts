// npm run bench:load -- [--seconds 60] [--uploaders 6] [--browsers 4] [--workers 2]
// A bounded load test on loopback: `claimproof serve --no-workers` and `claimproof worker`
// processes on PostgreSQL + Redis; clients upload evidence (text PDFs and JPEG scans) while
// reviewers browse the dashboard and the API, for a fixed time. Prints throughput, p50/p99 and
// error rate per route, the resident memory of the API and worker processes sampled over the run,
// and whether every accepted document ended `done` or `failed`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inArray } from 'drizzle-orm';
import { loadConfig } from '../config.ts';
import { documents } from '../db/schema/index.ts';
import { openRuntime } from '../runtime.ts';
import { importClaims } from '../services/claims.ts';
import { silentLogger, type Actor } from '../services/context.ts';
import { issueToken } from '../services/tokens.ts';
import { obliterateQueues } from '../workers/bullmq.ts';
import { makeTextPdf, renderTextImage, sampleInvoice } from '../test/fixtures/make.ts';
import { freshPostgres, testServerUrl } from '../test/helpers/db.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, uploaders: { type: 'string', default: '6' }, browsers: { type: 'string', default: '4' }, workers: { type: 'string', default: '2' } } });
const SECONDS = Number(values.seconds);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const root = path.resolve(import.meta.dirname, '..');
const admin: Actor = { name: 'bench', role: 'admin' };
const CLAIMS = 20;
const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

class Stats {
  readonly byRoute = new Map<string, { lat: number[]; errors: number }>();
  add(route: string, ms: number, ok: boolean) {
    const s = this.byRoute.get(route) ?? { lat: [], errors: 0 };
    s.lat.push(ms);
    if (!ok) s.errors += 1;
    this.byRoute.set(route, s);
  }
}

async function main() {
  const t = await freshPostgres();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-load-'));
  const prefix = `cpload-${randomBytes(4).toString('hex')}`;
  const u = new URL(testServerUrl());
  u.pathname = `/${t.name}`;
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: u.toString(), REDIS_URL, CLAIMPROOF_QUEUE_PREFIX: prefix, CLAIMPROOF_DATA_DIR: dir, CLAIMPROOF_OCR_WORKERS: '1', MALLOC_ARENA_MAX: '2', LOG_LEVEL: 'warn', PORT: String(port), CLAIMPROOF_UPLOADS_PER_MINUTE: '0' };
  const rt = await openRuntime(loadConfig(env), { log: silentLogger(), migrate: true });
  const children: ChildProcess[] = [];
  const url = `http://127.0.0.1:${port}`;
  try {
    const header = 'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description';
    const rows = Array.from({ length: CLAIMS }, (_, i) => `L-${String(i).padStart(3, '0')},Load Partner,Co-op 2026,Load,2026-01-01,2026-12-31,E1,third_party,Northwind Event Services Ltd,100.00,USD,2026-06-01,`);
    await importClaims(rt.deps, admin, { text: [header, ...rows].join('\n'), format: 'csv', fileName: 'load.csv' });
    const token = (await issueToken(rt.deps, admin, { role: 'reviewer', label: 'load' })).token;
    process.stderr.write('generating evidence…\n');
    const texts = await Promise.all(Array.from({ length: 150 }, (_, i) => makeTextPdf([sampleInvoice(5000 + i).lines]).then((b) => Buffer.from(b))));
    const scans = await Promise.all(Array.from({ length: 30 }, (_, i) => renderTextImage(sampleInvoice(7000 + i).lines, { dpi: 150, format: 'jpeg' })));

    const api = spawn(process.execPath, [path.join(root, 'bin/claimproof.js'), 'serve', '--no-workers'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(api);
    for (let i = 0; i < Number(values.workers); i++) {
      children.push(spawn('nice', ['-n', '10', process.execPath, path.join(root, 'bin/claimproof.js'), 'worker', '--concurrency', '2'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
    }
    for (let i = 0; ; i++) {
      if ((await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) break;
      if (i > 200) throw new Error('the API did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    // A reviewer's dashboard session.
    const signin = await fetch(`${url}/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url }, body: new URLSearchParams({ token, next: '/claims' }) });
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    if (!cookie) throw new Error(`sign-in failed: ${signin.status}`);

    const stats = new Stats();
    const accepted: string[] = [];
    const until = performance.now() + SECONDS * 1000;
    let seq = 0;
    const timed = async (route: string, fn: () => Promise<Response>, ok = (r: Response) => r.ok) => {
      const s = performance.now();
      try {
        const res = await fn();
        const body = await res.arrayBuffer();
        stats.add(route, performance.now() - s, ok(res));
        return { res, body };
      } catch {
        stats.add(route, performance.now() - s, false);
        return null;
      }
    };
    const uploader = async () => {
      while (performance.now() < until) {
        const n = seq++;
        const scan = n % 5 === 4;
        const bytes = scan ? scans[n % scans.length]! : texts[n % texts.length]!;
        const form = new FormData();
        // A text invoice twice in one claim is a duplicate, which is an answer too; vary the claim.
        form.append('files', new Blob([Buffer.concat([bytes, Buffer.from(`\n%${n}\n`)])]), scan ? `scan-${n}.jpg` : `inv-${n}.pdf`);
        const claimId = `L-${String(n % CLAIMS).padStart(3, '0')}`;
        const r = await timed('POST /api/claims/:id/documents', () => fetch(`${url}/api/claims/${claimId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }), (res) => res.status === 202);
        if (r?.res.status === 202) for (const d of JSON.parse(Buffer.from(r.body).toString()).documents) accepted.push(d.id);
      }
    };
    const browser = async (b: number) => {
      let i = b;
      while (performance.now() < until) {
        const claimId = `L-${String(i % CLAIMS).padStart(3, '0')}`;
        const pick = i++ % 4;
        if (pick === 0) await timed('GET /claims (dashboard)', () => fetch(`${url}/claims`, { headers: { cookie } }));
        else if (pick === 1) await timed('GET /claims/:id (dashboard)', () => fetch(`${url}/claims/${claimId}`, { headers: { cookie } }));
        else if (pick === 2) await timed('GET /api/claims', () => fetch(`${url}/api/claims?limit=50`, { headers: { authorization: `Bearer ${token}` } }));
        else await timed('GET /api/flags', () => fetch(`${url}/api/flags?limit=50`, { headers: { authorization: `Bearer ${token}` } }));
      }
    };
    const rss: Record<string, number[]> = {};
    const sampler = setInterval(async () => {
      for (const [i, c] of children.entries()) {
        const name = i === 0 ? 'api' : `worker ${i}`;
        (rss[name] ??= []).push(await rssMb(c.pid!));
      }
    }, 2000);
    const started = performance.now();
    await Promise.all([...Array.from({ length: Number(values.uploaders) }, uploader), ...Array.from({ length: Number(values.browsers) }, (_, b) => browser(b))]);
    const secs = (performance.now() - started) / 1000;

    process.stderr.write(`load over; waiting for the workers to finish ${accepted.length} accepted documents…\n`);
    let settled = 0;
    const drainStart = performance.now();
    for (;;) {
      const rows = accepted.length ? await rt.deps.db.select({ status: documents.status }).from(documents).where(inArray(documents.id, accepted)) : [];
      settled = rows.filter((r) => r.status === 'done' || r.status === 'failed').length;
      if (settled === accepted.length || performance.now() - drainStart > 15 * 60_000) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    clearInterval(sampler);

    console.log(`\nbench:load — ${SECONDS} s, ${values.uploaders} uploaders + ${values.browsers} browsers, API process + ${values.workers} worker processes (nice 10), ${os.availableParallelism()} cores`);
    for (const [route, s] of stats.byRoute) {
      s.lat.sort((a, b) => a - b);
      console.log(`  ${route.padEnd(32)} ${String(s.lat.length).padStart(6)} req  ${(s.lat.length / secs).toFixed(1).padStart(6)}/s  p50 ${pct(s.lat, 50).toFixed(0).padStart(5)} ms  p99 ${pct(s.lat, 99).toFixed(0).padStart(6)} ms  errors ${((s.errors / s.lat.length) * 100).toFixed(2)} %`);
    }
    for (const [name, samples] of Object.entries(rss)) {
      const warm = samples.slice(Math.floor(samples.length / 4));
      console.log(`  RSS ${name.padEnd(9)} after warm-up ${warm[0] ?? 0} MB, max ${Math.max(...samples)} MB, end ${samples.at(-1) ?? 0} MB (${samples.length} samples)`);
    }
    console.log(`  accepted ${accepted.length} documents; ${settled} ended done or failed (${accepted.length - settled} not settled) after ${((performance.now() - drainStart) / 1000).toFixed(0)} s of draining`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await rt.close();
    await obliterateQueues(REDIS_URL, prefix);
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
