// The job catalogue: every background job's name, payload schema and queue policy, in one place.
// Both queue implementations (BullMQ on Redis, in-process for the embedded default) read it, and
// the handlers are a Record over the names, so a job without a handler does not compile and a
// payload is validated when a worker receives it, not trusted.
import { z } from 'zod';
import { isIsoDate } from '../pipeline/dates.ts';

const isoDate = z.string().refine(isIsoDate, 'must be a YYYY-MM-DD date');

export const JOBS = {
  /** Read, OCR and extract one document, store the result, then re-check its claim. */
  ingest: {
    payload: z.object({ documentId: z.string().uuid() }),
    // Job id = document id: queueing a document twice (an upload retried, the sweeper after a
    // crash) is one job.
    jobId: (p: { documentId: string }) => `doc-${p.documentId}`,
    attempts: 4,
    backoffMs: 2_000,
  },
  /** Run a claim's checks again from what is stored (no file is read). */
  recheck: {
    payload: z.object({ claimId: z.string().min(1).max(200) }),
    // A burst of uploads to one claim is one re-check (or two: one running, one waiting with the
    // latest state), not one per upload.
    dedupeId: (p: { claimId: string }) => `claim-${Buffer.from(p.claimId).toString('base64url')}`,
    debounceMs: 750,
    attempts: 5,
    backoffMs: 1_000,
  },
  /** Build the incomplete-claims report and store it. */
  report: {
    payload: z.object({ asOf: isoDate.optional(), trigger: z.enum(['schedule', 'manual']).default('manual') }),
    attempts: 3,
    backoffMs: 10_000,
  },
} as const;

export const JOB_NAMES = Object.keys(JOBS) as JobName[];
export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.input<(typeof JOBS)[N]['payload']>;
export type ParsedPayload<N extends JobName> = z.output<(typeof JOBS)[N]['payload']>;

export interface JobContext {
  jobId: string;
  /** 1 for the first run. */
  attempt: number;
  /** Whether this is the last attempt the queue will make. */
  lastAttempt: boolean;
}

export type JobHandler<N extends JobName> = (payload: ParsedPayload<N>, ctx: JobContext) => Promise<unknown>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

/**
 * What to do when a job has failed for good (a permanent error, or every retry used): the ingest
 * job marks its document failed so that nothing accepted is silently lost.
 */
export type FinalFailureHandlers = { [N in JobName]?: (payload: ParsedPayload<N>, error: Error) => Promise<void> };

/** A failure that retrying cannot fix (a corrupt file): the job ends at once, not after retries. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export class JobPayloadError extends PermanentJobError {
  override name = 'JobPayloadError';
}

export function parsePayload<N extends JobName>(name: N, data: unknown): ParsedPayload<N> {
  const result = JOBS[name].payload.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new JobPayloadError(`invalid ${name} job payload: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data as ParsedPayload<N>;
}

/**
 * How the catalogue identifies a job, for both queue implementations: a fixed job id (the same job
 * queued twice is one), or a coalescing key with its debounce (at most one waiting and one
 * running per key), or neither.
 */
export type JobIdentity = { kind: 'id'; id: string } | { kind: 'coalesce'; key: string; debounceMs: number } | { kind: 'none' };

export function jobIdentity(name: JobName, payload: unknown): JobIdentity {
  const spec = JOBS[name] as { jobId?: (p: never) => string; dedupeId?: (p: never) => string; debounceMs?: number };
  if (spec.jobId) return { kind: 'id', id: spec.jobId(payload as never) };
  if (spec.dedupeId) return { kind: 'coalesce', key: spec.dedupeId(payload as never), debounceMs: spec.debounceMs ?? 0 };
  return { kind: 'none' };
}

/** Exponential backoff: base, 2×base, 4×base … capped at 10 minutes. */
export function backoffDelay(name: JobName, attempt: number): number {
  return Math.min(JOBS[name].backoffMs * 2 ** Math.max(0, attempt - 1), 600_000);
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface FailedJob {
  id: string;
  name: JobName;
  payload: unknown;
  error: string;
  attempts: number;
  failedAt: Date | null;
}

export interface WorkerOptions {
  queues: readonly JobName[];
  /** Jobs run at once per queue in this process. */
  concurrency: number;
}

/**
 * The queue every producer (API, CLI, workers) and consumer talks to. Implementations: BullMQ on
 * Redis (workers/bullmq.ts) and in-process (workers/in-process.ts).
 */
export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>): Promise<void>;
  /**
   * Queue a job again from the database's point of view (a document left queued by a crash): a job
   * that is waiting or running is left alone, a finished or failed one is run again.
   */
  requeue<N extends JobName>(name: N, payload: JobPayload<N>): Promise<void>;
  /** The nightly report (cron, time zone); replaces an earlier schedule. */
  scheduleReport(cron: string, timeZone: string): Promise<void>;
  startWorkers(handlers: JobHandlers, onFinalFailure: FinalFailureHandlers, opts: WorkerOptions): Promise<void>;
  /** Stop taking jobs; wait for running ones (BullMQ hands back what does not finish in time). */
  stopWorkers(): Promise<void>;
  counts(): Promise<Record<JobName, JobCounts>>;
  failedJobs(name: JobName, limit?: number): Promise<FailedJob[]>;
  retryFailed(name: JobName, jobId: string): Promise<boolean>;
  /** Throws when the queue's backend cannot be reached. */
  ping(): Promise<void>;
  /** Resolves once nothing is waiting, delayed or running (tests, the CLI's one-shot runs). */
  drained(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
