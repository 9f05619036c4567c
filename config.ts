// Configuration is read once, from the environment, and checked with zod so a typo fails at
// start with a message that names the variable, not later in a job.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TIME_BUDGET_S } from './pipeline/limits.ts';

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
  CLAIMPROOF_DOCUMENT_TIMEOUT: numberFrom(DEFAULT_TIME_BUDGET_S).pipe(z.number().positive().max(86_400)),
  CLAIMPROOF_REPORT_CRON: z.string().default('0 2 * * *'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  port: number;
  ocrWorkers: number;
  amountTolerance: number;
  lowConfidence: number;
  brandText: Record<string, string[]>;
  /** Seconds one document may take to read, OCR included. */
  documentTimeout: number;
  reportCron: string;
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
    port: e.PORT,
    ocrWorkers: e.CLAIMPROOF_OCR_WORKERS,
    amountTolerance: e.CLAIMPROOF_AMOUNT_TOLERANCE,
    lowConfidence: e.CLAIMPROOF_LOW_CONFIDENCE,
    brandText: e.CLAIMPROOF_BRAND_TEXT,
    documentTimeout: e.CLAIMPROOF_DOCUMENT_TIMEOUT,
    reportCron: e.CLAIMPROOF_REPORT_CRON,
    logLevel: e.LOG_LEVEL,
  };
}
