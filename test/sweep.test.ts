// The sweeper queues again what the database says is unfinished, aged on the database's own clock
// (the one that wrote updated_at), so a worker host whose clock runs ahead does not take a
// document being read right now for a stuck one. Runs on PGlite and on PostgreSQL.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importClaims, insertDocument } from '../db/queries.ts';
import { documents } from '../db/schema/index.ts';
import { parseClaimsCsv } from '../pipeline/claims-input.ts';
import type { JobName, JobPayload, JobQueue } from '../services/jobs.ts';
import { sweep } from '../services/sweep.ts';
import { createInProcessQueue } from '../workers/in-process.ts';
import { freshPglite, freshPostgres, postgresAvailable, type TestDatabase } from './helpers/db.ts';

const root = path.resolve(import.meta.dirname, '..');
const log = pino({ level: 'silent' });
const pg = await postgresAvailable();
const drivers = [['PGlite', freshPglite], ...(pg ? ([['PostgreSQL', freshPostgres]] as const) : [])] as const;

/** The in-process queue with its requeues written down instead of run (no worker is started). */
function recordingQueue(): { queue: JobQueue; requeued: string[] } {
  const inner = createInProcessQueue(log);
  const requeued: string[] = [];
  const queue: JobQueue = {
    ...inner,
    kind: inner.kind,
    requeue: async <N extends JobName>(name: N, payload: JobPayload<N>) => {
      requeued.push(`${name}:${(payload as { documentId: string }).documentId}`);
    },
  };
  return { queue, requeued };
}

describe.each(drivers)('sweep on %s', (_name, fresh) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await fresh();
    const claims = parseClaimsCsv(await readFile(path.join(root, 'examples/claims.csv'), 'utf8'), 'claims.csv');
    await importClaims(t.database.db, claims, 'test');
  });
  afterAll(() => t?.cleanup());

  it('queues again a document left queued longer than the grace period, not one just stored', async () => {
    const db = t.database.db;
    const fresh = await insertDocument(db, { claimId: 'CL-1003', fileName: 'new.pdf', sha256: 'a'.repeat(64), size: 1, storageKey: 'k1' });
    const old = await insertDocument(db, { claimId: 'CL-1003', fileName: 'old.pdf', sha256: 'b'.repeat(64), size: 1, storageKey: 'k2' });
    await db.update(documents).set({ updatedAt: sql`now() - interval '5 minutes'` }).where(sql`${documents.id} = ${old.id}`);
    const { queue, requeued } = recordingQueue();
    await sweep({ db, queue, log }, { olderThanMs: 60_000 });
    expect(requeued).toEqual([`ingest:${old.id}`]);
    // No grace period: everything unfinished goes.
    const all = recordingQueue();
    await sweep({ db, queue: all.queue, log }, { olderThanMs: 0 });
    expect(all.requeued.sort()).toEqual([`ingest:${fresh.id}`, `ingest:${old.id}`].sort());
    await queue.close();
    await all.queue.close();
  });
});
