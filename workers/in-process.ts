// The embedded default's queue: the same catalogue, handlers and policies as BullMQ (job ids,
// re-check coalescing, retries with backoff, permanent failures), in this process. It keeps no
// state of its own across restarts: the database does, and the sweeper queues again what a crash
// left unfinished.
import { CronExpressionParser } from 'cron-parser';
import type { Logger } from 'pino';
import {
  JOBS,
  JOB_NAMES,
  PermanentJobError,
  backoffDelay,
  jobIdentity,
  parsePayload,
  type FailedJob,
  type FinalFailureHandlers,
  type JobCounts,
  type JobHandlers,
  type JobName,
  type JobPayload,
  type JobQueue,
  type WorkerOptions,
} from '../services/jobs.ts';

interface Job {
  id: string;
  name: JobName;
  payload: unknown;
  attempt: number;
  runAt: number;
  error?: string;
  failedAt?: Date;
}

const KEEP_FAILED = 1000;

export function createInProcessQueue(log: Logger): JobQueue {
  const waiting: Record<JobName, Job[]> = { ingest: [], recheck: [], report: [] };
  const active: Record<JobName, Map<string, Job>> = { ingest: new Map(), recheck: new Map(), report: new Map() };
  const failed: Record<JobName, Job[]> = { ingest: [], recheck: [], report: [] };
  const completed: Record<JobName, number> = { ingest: 0, recheck: 0, report: 0 };
  /** Re-checks asked for while one with the same id runs: run once more after it. */
  const rerun = new Map<string, Job>();
  let handlers: JobHandlers | null = null;
  let onFinal: FinalFailureHandlers = {};
  let options: WorkerOptions | null = null;
  let timer: NodeJS.Timeout | null = null;
  let reportTimer: NodeJS.Timeout | null = null;
  let stopping = false;
  let closed = false;
  const idle: Array<() => void> = [];
  let seq = 0;

  const findWaiting = (name: JobName, id: string) => waiting[name].find((j) => j.id === id);

  function pending(): number {
    return JOB_NAMES.reduce((n, name) => n + waiting[name].length + active[name].size, 0) + rerun.size;
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!handlers || stopping || closed) return;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const name of options!.queues) {
      const list = waiting[name];
      list.sort((a, b) => a.runAt - b.runAt);
      while (active[name].size < options!.concurrency) {
        const i = list.findIndex((j) => j.runAt <= now && !active[name].has(j.id));
        if (i < 0) break;
        const [job] = list.splice(i, 1);
        void run(job!);
      }
      for (const j of list) next = Math.min(next, j.runAt);
    }
    if (Number.isFinite(next)) timer = setTimeout(schedule, Math.max(5, next - now));
    if (pending() === 0) idle.splice(0).forEach((f) => f());
  }

  async function run(job: Job): Promise<void> {
    active[job.name].set(job.id, job);
    const spec = JOBS[job.name];
    try {
      const payload = parsePayload(job.name, job.payload);
      await (handlers![job.name] as (p: unknown, c: unknown) => Promise<unknown>)(payload, {
        jobId: job.id,
        attempt: job.attempt,
        lastAttempt: job.attempt >= spec.attempts,
      });
      completed[job.name] += 1;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const permanent = err instanceof PermanentJobError;
      if (!permanent && job.attempt < spec.attempts && !closed) {
        const delay = backoffDelay(job.name, job.attempt);
        log.warn({ jobId: job.id, job: job.name, attempt: job.attempt, delayMs: delay, err }, 'job failed; retrying');
        waiting[job.name].push({ ...job, attempt: job.attempt + 1, runAt: Date.now() + delay });
      } else {
        log[permanent ? 'info' : 'error']({ jobId: job.id, job: job.name, attempt: job.attempt, err }, permanent ? 'job ended: permanent failure' : 'job failed for good');
        failed[job.name].unshift({ ...job, error: err.message, failedAt: new Date() });
        failed[job.name].length = Math.min(failed[job.name].length, KEEP_FAILED);
        const final = onFinal[job.name] as ((p: unknown, e: Error) => Promise<void>) | undefined;
        if (final) {
          await final(job.payload, err).catch((e: unknown) => log.error({ jobId: job.id, err: e }, 'final-failure handler failed'));
        }
      }
    } finally {
      active[job.name].delete(job.id);
      const again = rerun.get(job.id);
      if (again) {
        rerun.delete(job.id);
        waiting[job.name].push(again);
      }
      schedule();
    }
  }

  function add(name: JobName, payload: unknown, replaceFinished: boolean): void {
    if (closed) throw new Error('the queue is closed');
    const identity = jobIdentity(name, payload);
    const id = identity.kind === 'id' ? identity.id : identity.kind === 'coalesce' ? identity.key : `${name}-${Date.now()}-${++seq}`;
    const job: Job = { id, name, payload, attempt: 1, runAt: Date.now() + (identity.kind === 'coalesce' ? identity.debounceMs : 0) };
    if (findWaiting(name, id)) return;
    if (active[name].has(id)) {
      // A re-check asked for while one runs must run again afterwards (it may miss the new state);
      // an ingest of the same document running now is the same work.
      if (identity.kind === 'coalesce') rerun.set(id, job);
      return;
    }
    if (replaceFinished) failed[name] = failed[name].filter((j) => j.id !== id);
    waiting[name].push(job);
    schedule();
  }

  async function scheduleNextReport(cron: string, timeZone: string): Promise<void> {
    if (reportTimer) clearTimeout(reportTimer);
    const next = CronExpressionParser.parse(cron, { tz: timeZone }).next().getTime();
    // setTimeout holds at most ~24.8 days; a later run is re-armed on the way.
    const delay = Math.min(next - Date.now(), 2 ** 31 - 1);
    reportTimer = setTimeout(() => {
      if (Date.now() >= next - 1000) add('report', { trigger: 'schedule' }, true);
      void scheduleNextReport(cron, timeZone);
    }, Math.max(0, delay));
    reportTimer.unref();
  }

  const api: JobQueue = {
    kind: 'in-process',
    async enqueue<N extends JobName>(name: N, payload: JobPayload<N>) {
      parsePayload(name, payload);
      add(name, payload, false);
    },
    async requeue<N extends JobName>(name: N, payload: JobPayload<N>) {
      parsePayload(name, payload);
      add(name, payload, true);
    },
    scheduleReport: scheduleNextReport,
    async startWorkers(h, final, opts) {
      handlers = h;
      onFinal = final;
      options = { queues: opts.queues, concurrency: Math.max(1, opts.concurrency) };
      stopping = false;
      schedule();
    },
    async stopWorkers() {
      stopping = true;
      if (timer) clearTimeout(timer);
      // Running jobs finish; waiting ones stay queued in the database's eyes (their rows are still
      // queued) and are queued again at the next start.
      await new Promise<void>((resolve) => {
        const check = () => (JOB_NAMES.every((n) => active[n].size === 0) ? resolve() : setTimeout(check, 20));
        check();
      });
    },
    async counts() {
      const out = {} as Record<JobName, JobCounts>;
      const now = Date.now();
      for (const name of JOB_NAMES) {
        out[name] = {
          waiting: waiting[name].filter((j) => j.runAt <= now).length,
          delayed: waiting[name].filter((j) => j.runAt > now).length,
          active: active[name].size,
          failed: failed[name].length,
          completed: completed[name],
        };
      }
      return out;
    },
    async failedJobs(name, limit = 100): Promise<FailedJob[]> {
      return failed[name].slice(0, limit).map((j) => ({ id: j.id, name: j.name, payload: j.payload, error: j.error ?? '', attempts: j.attempt, failedAt: j.failedAt ?? null }));
    },
    async retryFailed(name, jobId) {
      const job = failed[name].find((j) => j.id === jobId);
      if (!job) return false;
      failed[name] = failed[name].filter((j) => j.id !== jobId);
      add(name, job.payload, true);
      return true;
    },
    async ping() {
      if (closed) throw new Error('the queue is closed');
    },
    async drained(timeoutMs = 60_000) {
      if (pending() === 0) return;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`the queue did not drain within ${timeoutMs} ms`)), timeoutMs);
        idle.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    async close() {
      stopping = true;
      if (timer) clearTimeout(timer);
      if (reportTimer) clearTimeout(reportTimer);
      await api.stopWorkers();
      closed = true;
    },
  };
  return api;
}
