// Configuration is read once, from the environment, and checked with zod so a typo fails at
// start with a message that names the variable, not later in a job.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TIME_BUDGET_S } from './pipeline/limits.ts';
import { DEFAULT_QUERY_TIMEOUT_S } from './db/client.ts';

const numberFrom = (def: number) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return def;
      const n = Number(s);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `"${s}" is not a number` });
        return z.NEVER;
      }
      return n;
    });

const brandText = z
  .string()
  .optional()
  .transform((s, ctx): Record<string, string[]> => {
    if (!s || !s.trim()) return {};
    try {
      const parsed = z.record(z.string(), z.union([z.string(), z.array(z.string())])).parse(JSON.parse(s));
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON like {"Programme name": ["Brand text", ...]}' });
      return z.NEVER;
    }
  });

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  CLAIMPROOF_DATA_DIR: z.string().default('.data'),
  PORT: numberFrom(3000).pipe(z.number().int().min(1).max(65535)),
  CLAIMPROOF_OCR_WORKERS: numberFrom(Math.max(1, os.availableParallelism())).pipe(z.number().int().min(1).max(64)),
  CLAIMPROOF_AMOUNT_TOLERANCE: numberFrom(0.01).pipe(z.number().min(0)),
  CLAIMPROOF_LOW_CONFIDENCE: numberFrom(0.6).pipe(z.number().min(0).max(1)),
  CLAIMPROOF_BRAND_TEXT: brandText,
  CLAIMPROOF_DEADLINE_DAYS: numberFrom(45).pipe(z.number().int().min(0).max(3650)),
  CLAIMPROOF_REPORT_CRON: z
    .string()
    .default('0 2 * * *')
    .refine((s) => s.trim().split(/\s+/).length >= 5 && s.trim().split(/\s+/).length <= 6, 'must be a cron expression like "0 2 * * *"'),
  CLAIMPROOF_REPORT_TZ: z.string().default('UTC').refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
  CLAIMPROOF_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only').default('claimproof'),
  CLAIMPROOF_WORKER_CONCURRENCY: numberFrom(Math.max(1, os.availableParallelism())).pipe(z.number().int().min(1).max(64)),
  CLAIMPROOF_JOB_LOCK_SECONDS: numberFrom(30).pipe(z.number().min(1).max(3600)),
  CLAIMPROOF_UPLOADS_PER_MINUTE: numberFrom(3000).pipe(z.number().int().min(0).max(1_000_000)),
  CLAIMPROOF_SWEEP_SECONDS: numberFrom(60).pipe(z.number().int().min(1).max(86400)),
  CLAIMPROOF_DOCUMENT_TIMEOUT: numberFrom(DEFAULT_TIME_BUDGET_S).pipe(z.number().positive().max(86_400)),
  CLAIMPROOF_OCR_PAGE_TIMEOUT: numberFrom(120).pipe(z.number().positive().max(3600)),
  CLAIMPROOF_DB_QUERY_TIMEOUT: numberFrom(DEFAULT_QUERY_TIMEOUT_S).pipe(z.number().positive().max(3600)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface Config {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Root of everything kept on disk; the embedded database and the files live below it. */
  dataDir: string;
  /** The embedded PGlite database when there is no DATABASE_URL. */
  pgliteDir: string;
  /** Content-addressed originals. */
  filesDir: string;
  port: number;
  ocrWorkers: number;
  amountTolerance: number;
  lowConfidence: number;
  brandText: Record<string, string[]>;
  /** A claim is due this many days after its usage period ends. */
  deadlineDays: number;
  /** Seconds one document may take to read, OCR included. */
  documentTimeout: number;
  /** Seconds one page may take in an OCR engine before it is abandoned (and retried once on a fresh worker). */
  ocrPageTimeout: number;
  /** Seconds a PostgreSQL query may go unanswered before it fails as unavailable. */
  dbQueryTimeout: number;
  reportCron: string;
  reportTimeZone: string;
  queuePrefix: string;
  /** Jobs one worker process runs at once (per queue). */
  workerConcurrency: number;
  /** How long a worker holds a job without renewing its lock: a dead worker's job is taken up after about this. */
  jobLockSeconds: number;
  /** Upload requests one token may make per minute (0: no limit). */
  uploadsPerMinute: number;
  /** How often stuck documents and unchecked claims are looked for again. */
  sweepSeconds: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are how shells and compose files say "unset".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const first = result.error.issues[0]!;
    throw new ConfigError(`configuration: ${first.path.join('.')}: ${first.message}`);
  }
  const e = result.data;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.CLAIMPROOF_DATA_DIR),
    pgliteDir: path.resolve(e.CLAIMPROOF_DATA_DIR, 'pglite'),
    filesDir: path.resolve(e.CLAIMPROOF_DATA_DIR, 'files'),
    port: e.PORT,
    ocrWorkers: e.CLAIMPROOF_OCR_WORKERS,
    amountTolerance: e.CLAIMPROOF_AMOUNT_TOLERANCE,
    lowConfidence: e.CLAIMPROOF_LOW_CONFIDENCE,
    brandText: e.CLAIMPROOF_BRAND_TEXT,
    deadlineDays: e.CLAIMPROOF_DEADLINE_DAYS,
    reportCron: e.CLAIMPROOF_REPORT_CRON.trim(),
    reportTimeZone: e.CLAIMPROOF_REPORT_TZ,
    queuePrefix: e.CLAIMPROOF_QUEUE_PREFIX,
    workerConcurrency: e.CLAIMPROOF_WORKER_CONCURRENCY,
    sweepSeconds: e.CLAIMPROOF_SWEEP_SECONDS,
    jobLockSeconds: e.CLAIMPROOF_JOB_LOCK_SECONDS,
    uploadsPerMinute: e.CLAIMPROOF_UPLOADS_PER_MINUTE,
    documentTimeout: e.CLAIMPROOF_DOCUMENT_TIMEOUT,
    dbQueryTimeout: e.CLAIMPROOF_DB_QUERY_TIMEOUT,
    ocrPageTimeout: e.CLAIMPROOF_OCR_PAGE_TIMEOUT,
    logLevel: e.LOG_LEVEL,
  };
}

/** What the checks take from the configuration: one place, so the CLI, the service and the workers agree. */
export function checkConfigOf(config: Config) {
  return {
    amountTolerance: config.amountTolerance,
    lowConfidence: config.lowConfidence,
    brandText: config.brandText,
    deadlineDays: config.deadlineDays,
  };
}
