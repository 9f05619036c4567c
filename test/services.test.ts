// The service core end to end on real backends: documents stored → ingest jobs → extraction
// stored → a re-check → flags in the database. Once on the embedded default (PGlite + the
// in-process queue) and once on PostgreSQL + Redis (BullMQ with a random prefix, removed after).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { getClaim, getDocument } from '../db/queries.ts';
import { extractions } from '../db/schema/index.ts';
import { fixedClock, silentLogger, type Actor, type ServiceDeps } from '../services/context.ts';
import { importClaims } from '../services/claims.ts';
import { ingestDocument, storeUploads } from '../services/documents.ts';
import { createFinalFailureHandlers, createJobHandlers } from '../services/handlers.ts';
import { JOB_NAMES, type JobHandlers, type JobQueue } from '../services/jobs.ts';
import { createDiskStorage, type Storage } from '../services/storage.ts';
import { createBullmqQueue, obliterateQueues } from '../workers/bullmq.ts';
import { createInProcessQueue } from '../workers/in-process.ts';
import { makeCorruptPdf, makeTextPdf } from './fixtures/make.ts';
import { freshPglite, freshPostgres, postgresAvailable, type TestDatabase } from './helpers/db.ts';
import { redisAvailable, TEST_REDIS_URL } from './helpers/redis.ts';
import { noOcr } from '../pipeline/extract/testing.ts';

const reviewer: Actor = { name: 'test', role: 'reviewer' };

function invoicePdf(opts: { vendor: string; number: string; date: string; total: string }): Promise<Uint8Array> {
  return makeTextPdf([
    [
      { text: opts.vendor, size: 18 },
      { text: '12 Market Street, Dublin, Ireland' },
      { text: `Invoice number: ${opts.number}` },
      { text: `Invoice date: ${opts.date}` },
      { text: 'Description                     Amount' },
      { text: `Booth rental                    ${opts.total}` },
      { text: `Total due: EUR ${opts.total}` },
    ],
  ]);
}

const claimCsv = (claimId: string) =>
  [
    'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description',
    `${claimId},Partner A,Co-op 2026,Trade fair,2026-03-01,2026-03-31,E1,third_party,Acme Events Ltd,1250.00,EUR,2026-03-10,booth`,
  ].join('\n');

const pg = await postgresAvailable();
const redis = await redisAvailable();

interface Backend {
  name: string;
  open(): Promise<{ t: TestDatabase; queue: JobQueue; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'the embedded default (PGlite + in-process queue)',
    async open() {
      const t = await freshPglite();
      return { t, queue: createInProcessQueue(silentLogger()), cleanup: async () => {} };
    },
  },
];
if (pg && redis) {
  backends.push({
    name: 'PostgreSQL + Redis (BullMQ)',
    async open() {
      const t = await freshPostgres();
      const prefix = `cptest-${randomBytes(5).toString('hex')}`;
      const queue = await createBullmqQueue({ redisUrl: TEST_REDIS_URL, prefix, log: silentLogger() });
      return { t, queue, cleanup: () => obliterateQueues(TEST_REDIS_URL, prefix) };
    },
  });
}

describe.each(backends)('service core on $name', (backend) => {
  let env: Awaited<ReturnType<Backend['open']>>;
  let deps: ServiceDeps;
  let dir: string;
  const calls = { ingest: 0, recheck: 0 };
  const failOnce = new Set<string>();

  beforeAll(async () => {
    env = await backend.open();
    dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-services-'));
    const disk = createDiskStorage(dir);
    // A storage that fails once for chosen keys: a transient fault the queue must retry.
    const storage: Storage = {
      ...disk,
      async readBytes(key) {
        if (failOnce.delete(key)) throw new Error('simulated transient storage fault');
        return disk.readBytes(key);
      },
    };
    const config = loadConfig({ CLAIMPROOF_DATA_DIR: dir });
    deps = { db: env.t.database.db, storage, queue: env.queue, ocr: noOcr, clock: fixedClock('2026-04-10T09:00:00Z'), config, log: silentLogger() };
    const handlers = createJobHandlers(deps);
    const counted: JobHandlers = {
      ...handlers,
      ingest: (p, c) => ((calls.ingest += 1), handlers.ingest(p, c)),
      recheck: (p, c) => ((calls.recheck += 1), handlers.recheck(p, c)),
    };
    await env.queue.startWorkers(counted, createFinalFailureHandlers(deps), { queues: JOB_NAMES, concurrency: 2 });
  }, 60_000);

  afterAll(async () => {
    await env?.queue.close();
    await env?.cleanup();
    await env?.t.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const file = (fileName: string, bytes: Uint8Array) => ({ fileName, stream: Readable.from([Buffer.from(bytes)]) });

  it('stores uploads, ingests them in the background and re-checks the claim once per burst', async () => {
    await importClaims(deps, reviewer, { text: claimCsv('S-1'), format: 'csv', fileName: 'claims.csv' });
    await env.queue.drained(30_000);
    const before = { ...calls };
    const invoice = await invoicePdf({ vendor: 'Acme Events Ltd', number: 'AE-1', date: '2026-03-12', total: '1,300.00' });
    const corrupt = await makeCorruptPdf('garbage');
    const stored = await storeUploads(deps, reviewer, 'S-1', [file('acme.pdf', invoice), file('broken.pdf', corrupt), file('copy.pdf', invoice)]);
    expect(stored.map((d) => [d.file, d.created])).toEqual([
      ['acme.pdf', true],
      ['broken.pdf', true],
      ['copy.pdf', false],
    ]);
    expect(stored[2]!.duplicateOf).toBe(stored[0]!.id);
    // Nothing was read on the upload path: the answer comes while the documents are queued.
    expect(stored.slice(0, 2).map((d) => d.status)).toEqual(['queued', 'queued']);

    await env.queue.drained(60_000);
    const invoiceDoc = (await getDocument(deps.db, stored[0]!.id))!;
    expect(invoiceDoc.status).toBe('done');
    expect(invoiceDoc.extraction?.fields.amount?.value).toBe(130_000);
    const broken = (await getDocument(deps.db, stored[1]!.id))!;
    expect(broken.status).toBe('failed');
    expect(broken.errorCode).toBe('CORRUPT');

    const claim = (await getClaim(deps.db, 'S-1'))!;
    const codes = claim.flags.filter((f) => f.status === 'open').map((f) => f.code);
    expect(codes).toContain('AMOUNT_MISMATCH');
    expect(codes).toContain('UNREADABLE_DOCUMENT');
    expect(codes).toContain('MISSING_POE');
    expect(claim.matches.map((m) => m.documentId)).toEqual([stored[0]!.id]);
    // Two documents were ingested once each (the corrupt one was not retried), and the burst
    // became one or two re-checks, not one per document.
    expect(calls.ingest - before.ingest).toBe(2);
    expect(calls.recheck - before.recheck).toBeGreaterThanOrEqual(1);
    expect(calls.recheck - before.recheck).toBeLessThanOrEqual(2);
  }, 90_000);

  it('unpacks a ZIP into one document per entry and refuses an entry that climbs out', async () => {
    await importClaims(deps, reviewer, { text: claimCsv('S-4'), format: 'csv', fileName: 'claims.csv' });
    const a = await invoicePdf({ vendor: 'Acme Events Ltd', number: 'AE-41', date: '2026-03-12', total: '1,250.00' });
    const b = await invoicePdf({ vendor: 'Acme Events Ltd', number: 'AE-42', date: '2026-03-13', total: '99.00' });
    const zip = zipSync({ 'evidence/a.pdf': a, 'evidence/sub/b.pdf': b, '__MACOSX/._a.pdf': new Uint8Array([1]) });
    const stored = await storeUploads(deps, reviewer, 'S-4', [file('bundle.zip', zip)]);
    expect(stored.map((d) => d.file).sort()).toEqual(['a.pdf', 'b.pdf']);
    await env.queue.drained(60_000);
    expect((await getClaim(deps.db, 'S-4'))!.documents.map((d) => d.status)).toEqual(['done', 'done']);

    const evil = zipSync({ '../../etc/passwd.pdf': a });
    await expect(storeUploads(deps, reviewer, 'S-4', [file('evil.zip', evil)])).rejects.toThrow(/evil\.zip/);
    expect((await getClaim(deps.db, 'S-4'))!.documents).toHaveLength(2);
  }, 60_000);

  it('retries a transient fault and then succeeds', async () => {
    await importClaims(deps, reviewer, { text: claimCsv('S-2'), format: 'csv', fileName: 'claims.csv' });
    const invoice = await invoicePdf({ vendor: 'Acme Events Ltd', number: 'AE-2', date: '2026-03-14', total: '1,250.00' });
    const hash = (await import('node:crypto')).createHash('sha256').update(invoice).digest('hex');
    failOnce.add(`sha256/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`);
    const before = calls.ingest;
    const [doc] = await storeUploads(deps, reviewer, 'S-2', [file('acme.pdf', invoice)]);
    await env.queue.drained(60_000);
    expect(calls.ingest - before).toBe(2);
    expect((await getDocument(deps.db, doc!.id))!.status).toBe('done');
    expect(failOnce.size).toBe(0);
  }, 60_000);

  it('leaves one set of rows when the same ingest runs twice', async () => {
    await importClaims(deps, reviewer, { text: claimCsv('S-3'), format: 'csv', fileName: 'claims.csv' });
    const invoice = await invoicePdf({ vendor: 'Acme Events Ltd', number: 'AE-3', date: '2026-03-15', total: '1,250.00' });
    const [doc] = await storeUploads(deps, reviewer, 'S-3', [file('acme.pdf', invoice)]);
    await env.queue.drained(60_000);
    await ingestDocument(deps, doc!.id);
    await env.queue.enqueue('ingest', { documentId: doc!.id });
    await env.queue.requeue('ingest', { documentId: doc!.id });
    await env.queue.drained(60_000);
    const rows = await deps.db.select().from(extractions).where(eq(extractions.documentId, doc!.id));
    expect(rows).toHaveLength(1);
  }, 60_000);
});
