// The composition root: turns the configuration into the service's dependencies. With no
// configuration, an embedded PGlite in the data directory and the in-process queue (a first try
// needs no server); with DATABASE_URL and REDIS_URL, PostgreSQL and BullMQ, shared by any number
// of worker processes.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { createOcrEngines } from './pipeline/engines.ts';
import type { OcrEngine } from './pipeline/ocr.ts';
import { createLogger, systemClock, type Clock, type ServiceDeps } from './services/context.ts';
import { createFinalFailureHandlers, createJobHandlers } from './services/handlers.ts';
import { JOB_NAMES, type JobName, type JobQueue } from './services/jobs.ts';
import { createDiskStorage, type Storage } from './services/storage.ts';
import { sweep } from './services/sweep.ts';
import { memoryRateLimiter, redisRateLimiter } from './services/rate-limit.ts';
import { Redis } from 'ioredis';
import { createBullmqQueue } from './workers/bullmq.ts';
import { createInProcessQueue } from './workers/in-process.ts';

export interface Runtime {
  deps: ServiceDeps;
  database: Database;
  /** Starts consuming jobs in this process, and the sweeper that re-queues unfinished work. */
  startWorkers(opts?: { queues?: readonly JobName[]; concurrency?: number }): Promise<void>;
  /** Stops taking jobs, lets running ones finish, closes the queue, OCR and database. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  log?: Logger;
  clock?: Clock;
  /** One engine for everything (tests); default both engines of pipeline/engines.ts, started lazily. */
  ocr?: OcrEngine;
  /** Wraps each OCR engine (metrics). */
  wrapOcr?: (engine: OcrEngine) => OcrEngine;
  storage?: Storage;
  queue?: JobQueue;
  /** Apply migrations at start (the embedded default and tests); compose runs them as a step. */
  migrate?: boolean;
}

export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

export async function openRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  const log = opts.log ?? createLogger(config.logLevel);
  const database = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl, queryTimeoutS: config.dbQueryTimeout } : { dataDir: config.pgliteDir });
  let queue: JobQueue | undefined;
  try {
    if (opts.migrate ?? database.driver === 'pglite') await migrateDatabase(database);
    queue =
      opts.queue ??
      (config.redisUrl
        ? await createBullmqQueue({
            redisUrl: config.redisUrl,
            prefix: config.queuePrefix,
            log,
            lockDurationMs: config.jobLockSeconds * 1000,
            stalledIntervalMs: Math.max(500, (config.jobLockSeconds * 1000) / 2),
          })
        : createInProcessQueue(log));
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  const wrap = opts.wrapOcr ?? ((e: OcrEngine) => e);
  const engines = opts.ocr ? null : createOcrEngines({ tesseractWorkers: config.ocrWorkers, pageTimeoutMs: config.ocrPageTimeout * 1000 });
  const deps: ServiceDeps = {
    db: database.db,
    storage: opts.storage ?? createDiskStorage(config.filesDir),
    queue,
    ocr: wrap(opts.ocr ?? engines!.first),
    ...(engines ? { secondOcr: wrap(engines.second) } : {}),
    clock: opts.clock ?? systemClock,
    config,
    log,
    uploadLimiter: config.redisUrl
      ? redisRateLimiter(new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true }).on('error', () => {}), config.queuePrefix, config.uploadsPerMinute)
      : memoryRateLimiter(config.uploadsPerMinute),
  };
  let sweeper: NodeJS.Timeout | null = null;
  let closed = false;

  return {
    deps,
    database,
    async startWorkers(w = {}) {
      const queues = w.queues ?? JOB_NAMES;
      await queue.startWorkers(createJobHandlers(deps), createFinalFailureHandlers(deps), {
        queues,
        concurrency: w.concurrency ?? config.workerConcurrency,
      });
      if (queues.includes('report')) await queue.scheduleReport(config.reportCron, config.reportTimeZone);
      const run = () =>
        sweep(deps, { olderThanMs: queue.kind === 'bullmq' ? 60_000 : 0 }).catch((err: unknown) => log.warn({ err }, 'sweep failed'));
      // At start everything unfinished is queued again at once in the embedded default (nothing
      // else can be working on it); with BullMQ only what has been still for a minute.
      await run();
      sweeper = setInterval(run, config.sweepSeconds * 1000);
      sweeper.unref();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (sweeper) clearInterval(sweeper);
      await queue.close().catch((err: unknown) => log.warn({ err }, 'closing the queue failed'));
      await deps.ocr.close().catch(() => {});
      await deps.secondOcr?.close().catch(() => {});
      await deps.uploadLimiter?.close().catch(() => {});
      await database.close();
    },
  };
}
