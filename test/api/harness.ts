// The API on a real runtime for tests: the embedded default (PGlite in memory, in-process queue) or
// PostgreSQL + BullMQ on Redis (a fresh database and a random queue prefix, both removed after).
// Evidence is text-layer PDFs, and the OCR engine refuses, so no test waits on OCR.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { zipSync } from 'fflate';
import { Redis } from 'ioredis';
import { loadConfig } from '../../config.ts';
import { openRuntime, type Runtime } from '../../runtime.ts';
import { fixedClock, silentLogger, SYSTEM_ACTOR } from '../../services/context.ts';
import { issueToken } from '../../services/tokens.ts';
import type { Role } from '../../pipeline/enums.ts';
import { obliterateQueues } from '../../workers/bullmq.ts';
import { createApp, type AppOptions } from '../../api/app.ts';
import type { Api } from '../../api/context.ts';
import { freshPostgres, postgresAvailable, testServerUrl, type TestDatabase } from '../helpers/db.ts';

export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** The examples' as-of date: the sample claims' deadlines are judged from it. */
export const AS_OF = '2026-05-10T12:00:00Z';


import { redisAvailable } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';
import { noOcr } from '../../pipeline/extract/testing.ts';

export { noOcr };

export { redisAvailable };

export type Driver = 'embedded' | 'postgres+bullmq';

/** The drivers that can run here: always the embedded default, and the servers when they answer. */
export async function drivers(): Promise<Driver[]> {
  const servers = (await postgresAvailable()) && (await redisAvailable());
  return servers ? ['embedded', 'postgres+bullmq'] : ['embedded'];
}

export interface Harness {
  runtime: Runtime;
  app: Api;
  dataDir: string;
  /** Bearer tokens by name. */
  token(role: Role, partner?: string): Promise<string>;
  /** `app.request` with a bearer token. */
  call(token: string | null, pathname: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function openHarness(driver: Driver, opts: { app?: AppOptions; workers?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Harness> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-api-'));
  let db: TestDatabase | null = null;
  const prefix = `cptest-${randomBytes(5).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { CLAIMPROOF_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CLAIMPROOF_QUEUE_PREFIX: prefix, CLAIMPROOF_WORKER_CONCURRENCY: '2', ...opts.env };
  if (driver === 'postgres+bullmq') {
    db = await freshPostgres();
    const url = new URL(testServerUrl());
    url.pathname = `/${db.name}`;
    env.DATABASE_URL = url.toString();
    env.REDIS_URL = REDIS_URL;
  }
  const config = loadConfig(env);
  if (driver === 'embedded') config.pgliteDir = 'memory://';
  const runtime = await openRuntime(config, { log: silentLogger(), clock: fixedClock(AS_OF), ocr: noOcr, migrate: true });
  // No report worker: its nightly schedule is a delayed job that would keep `drained()` waiting.
  if (opts.workers !== false) await runtime.startWorkers({ queues: ['ingest', 'recheck'], concurrency: 2 });
  const app = createApp(runtime.deps, opts.app);
  const tokens = new Map<string, string>();
  return {
    runtime,
    app,
    dataDir,
    async token(role, partner) {
      const key = `${role}:${partner ?? ''}`;
      let t = tokens.get(key);
      if (!t) {
        t = (await issueToken(runtime.deps, SYSTEM_ACTOR, { role, partner: partner ?? null, label: `test-${role}${partner ? `-${partner}` : ''}` })).token;
        tokens.set(key, t);
      }
      return t;
    },
    call(token, pathname, init = {}) {
      const headers = new Headers(init.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      return Promise.resolve(app.request(pathname, { ...init, headers }));
    },
    async close() {
      await runtime.close();
      if (db) await db.cleanup();
      if (driver === 'postgres+bullmq') await obliterateQueues(REDIS_URL, prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A multipart body with the field `files` repeated. */
export function filesForm(files: Array<{ name: string; bytes: Uint8Array; type?: string }>): FormData {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return form;
}

export function zip(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(entries);
}

/** A claim in the JSON import shape, one third-party expense per entry. */
export function claimJson(claimId: string, partner: string, expenses: Array<{ expenseId: string; vendor: string; amount: string; currency: string; date: string; type?: 'third_party' | 'in_house' }>, period = { usageStart: '2026-01-01', usageEnd: '2026-12-31' }) {
  return [
    {
      claimId,
      partner,
      program: 'MDF 2026',
      activity: 'API test activity',
      ...period,
      expenses: expenses.map((e) => ({ type: 'third_party', description: null, ...e })),
    },
  ];
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'the condition'): Promise<T> {
  const found = await waitFor(what, async () => {
    const value = await check();
    return value === undefined ? null : { value };
  }, timeoutMs);
  return found.value;
}
