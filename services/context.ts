// What every service operation is given: its side effects behind small interfaces, so the CLI,
// the API and the workers share one implementation and tests choose real or fake per dependency.
import pino, { type Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { OcrEngine } from '../pipeline/ocr.ts';
import type { JobQueue } from './jobs.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Storage } from './storage.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A fixed or hand-moved clock for tests and `--as-of` runs. */
export function fixedClock(at: Date | string): Clock & { set(at: Date | string): void } {
  let now = new Date(at);
  return { now: () => new Date(now), set: (t) => (now = new Date(t)) };
}

/** The calendar date of `clock` in `timeZone`, YYYY-MM-DD: what "today" means for deadlines. */
export function today(clock: Clock, timeZone = 'UTC'): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(clock.now());
}

export interface ServiceDeps {
  db: Db;
  storage: Storage;
  queue: JobQueue;
  /** Only the ingest job reads files; other callers may pass an engine that refuses. */
  ocr: OcrEngine;
  /**
   * The other engine, asked when the first reading left a total or date doubtful (and the first
   * reader of page scans: pipeline/engines.ts says which reads what).
   */
  secondOcr?: OcrEngine;
  clock: Clock;
  config: Config;
  log: Logger;
  /** Uploads per token and minute; absent: no limit. */
  uploadLimiter?: RateLimiter;
}

/** Who acts: written into the audit trail with every change. */
export interface Actor {
  /** e.g. `token:ops-laptop (reviewer)`, `cli`, `system`. */
  name: string;
  role: 'submitter' | 'reviewer' | 'admin' | 'system';
  /** A submitter acts for one partner only. */
  partner?: string | null;
}

export const SYSTEM_ACTOR: Actor = { name: 'system', role: 'system' };

export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
