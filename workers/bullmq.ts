// The queue on Redis, for any number of worker processes on any number of machines. Follows
// BullMQ's going-to-production guide: `maxRetriesPerRequest: null` on worker connections, an error
// listener on every queue and worker, removal policies for finished jobs, a check of Redis's
// eviction policy at start.
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from '../db/client.ts';
import {
  JOBS,
  JOB_NAMES,
  PermanentJobError,
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

export interface BullmqQueueOptions {
  redisUrl: string;
  prefix: string;
  log: Logger;
  /** How long a worker's lock on a job lasts without renewal: a dead worker's job is picked up after it. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

const REPORT_SCHEDULER = 'nightly-report';


/** Warns (does not refuse) when Redis may evict keys: BullMQ then loses jobs silently. */
export async function checkEvictionPolicy(redis: Redis, log: Logger): Promise<string | null> {
  try {
    const res = (await redis.config('GET', 'maxmemory-policy')) as unknown as string[];
    const policy = res?.[1] ?? null;
    if (policy && policy !== 'noeviction') {
      log.warn({ policy }, `Redis maxmemory-policy is "${policy}": set it to "noeviction", or Redis may drop queued jobs under memory pressure`);
    }
    return policy;
  } catch {
    // Managed Redis often forbids CONFIG; nothing to check then.
    return null;
  }
}

export async function createBullmqQueue(opts: BullmqQueueOptions): Promise<JobQueue> {
  const { log, prefix } = opts;
  // Producers fail fast when Redis is down (an upload is then queued later from the database);
  // workers wait for it forever (maxRetriesPerRequest: null), as BullMQ requires.
  const producer = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  producer.on('error', (err) => log.warn({ err: err.message }, 'redis (producer) error'));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`cannot reach Redis at ${redactUrl(opts.redisUrl)}`)), 10_000);
    producer.once('ready', () => {
      clearTimeout(t);
      resolve();
    });
    producer.once('end', () => {
      clearTimeout(t);
      reject(new Error(`cannot reach Redis at ${redactUrl(opts.redisUrl)}`));
    });
  });
  await checkEvictionPolicy(producer, log);

  const connection = producer as unknown as ConnectionOptions;
  const queues = Object.fromEntries(
    JOB_NAMES.map((name) => {
      const q = new Queue(name, {
        connection,
        prefix,
        defaultJobOptions: {
          attempts: JOBS[name].attempts,
          backoff: { type: 'exponential', delay: JOBS[name].backoffMs },
          removeOnComplete: { age: 24 * 3600, count: 5000 },
          removeOnFail: { age: 14 * 24 * 3600, count: 10000 },
        },
      });
      q.on('error', (err) => log.warn({ queue: name, err: err.message }, 'queue error'));
      return [name, q];
    }),
  ) as Record<JobName, Queue>;

  let workers: Worker[] = [];
  let workerConnection: Redis | null = null;

  function jobOptions(name: JobName, payload: unknown) {
    const identity = jobIdentity(name, payload);
    if (identity.kind === 'id') return { jobId: identity.id };
    if (identity.kind === 'coalesce') {
      // At most one waiting and one running per claim: a burst of uploads is one or two re-checks,
      // and one asked for while another runs still happens afterwards.
      return { delay: identity.debounceMs, deduplication: { id: identity.key, keepLastIfActive: true } };
    }
    return {};
  }

  const api: JobQueue = {
    kind: 'bullmq',
    async enqueue<N extends JobName>(name: N, payload: JobPayload<N>) {
      parsePayload(name, payload);
      await queues[name].add(name, payload, jobOptions(name, payload));
    },
    async requeue<N extends JobName>(name: N, payload: JobPayload<N>) {
      parsePayload(name, payload);
      const options = jobOptions(name, payload);
      if ('jobId' in options && options.jobId) {
        const existing = await queues[name].getJob(options.jobId);
        if (existing) {
          const state = await existing.getState();
          if (state === 'failed') {
            await existing.retry('failed');
            return;
          }
          if (state === 'completed' || state === 'unknown') await existing.remove().catch(() => {});
          else return; // waiting, delayed, active: it will run
        }
      }
      await queues[name].add(name, payload, options);
    },
    async scheduleReport(cron, timeZone) {
      await queues.report.upsertJobScheduler(REPORT_SCHEDULER, { pattern: cron, tz: timeZone }, { name: 'report', data: { trigger: 'schedule' } });
    },
    async startWorkers(handlers: JobHandlers, onFinal: FinalFailureHandlers, wopts: WorkerOptions) {
      workerConnection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
      workerConnection.on('error', (err) => log.warn({ err: err.message }, 'redis (worker) error'));
      for (const name of wopts.queues) {
        const worker = new Worker(
          name,
          async (job: Job) => {
            const jobName = job.name as JobName;
            if (jobName !== name) throw new UnrecoverableError(`job ${job.id}: "${job.name}" is not a ${name} job`);
            let payload;
            try {
              payload = parsePayload(name, job.data);
            } catch (error) {
              throw new UnrecoverableError((error as Error).message);
            }
            const attempt = job.attemptsMade + 1;
            try {
              return await (handlers[name] as (p: unknown, c: unknown) => Promise<unknown>)(payload, {
                jobId: job.id ?? '',
                attempt,
                lastAttempt: attempt >= (job.opts.attempts ?? 1),
              });
            } catch (error) {
              if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
              throw error;
            }
          },
          {
            connection: workerConnection as unknown as ConnectionOptions,
            prefix,
            concurrency: wopts.concurrency,
            lockDuration: opts.lockDurationMs ?? 30_000,
            stalledInterval: opts.stalledIntervalMs ?? 15_000,
            maxStalledCount: 2,
            autorun: true,
          },
        );
        worker.on('error', (err) => log.warn({ queue: name, err: err.message }, 'worker error'));
        worker.on('failed', (job, err) => {
          if (!job) return;
          const attempts = job.opts.attempts ?? 1;
          const forGood = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
          log[forGood ? 'warn' : 'info']({ queue: name, jobId: job.id, attempt: job.attemptsMade, err: err.message }, forGood ? 'job failed for good' : 'job failed; will retry');
          if (!forGood) return;
          const final = onFinal[name] as ((p: unknown, e: Error) => Promise<void>) | undefined;
          if (final) void final(job.data, err).catch((e: unknown) => log.error({ jobId: job.id, err: e }, 'final-failure handler failed'));
        });
        worker.on('completed', (job) => log.debug({ queue: name, jobId: job.id }, 'job completed'));
        workers.push(worker);
      }
    },
    async stopWorkers() {
      // Worker.close() waits for running jobs to finish; what is not finished before the process is
      // killed is taken up again by another worker once its lock expires.
      await Promise.all(workers.map((w) => w.close()));
      workers = [];
      if (workerConnection) await workerConnection.quit().catch(() => workerConnection?.disconnect());
      workerConnection = null;
    },
    async counts() {
      const out = {} as Record<JobName, JobCounts>;
      for (const name of JOB_NAMES) {
        const c = await queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children');
        out[name] = {
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          completed: c.completed ?? 0,
        };
      }
      return out;
    },
    async failedJobs(name, limit = 100): Promise<FailedJob[]> {
      const jobs = await queues[name].getFailed(0, limit - 1);
      return jobs.map((j) => ({
        id: j.id ?? '',
        name,
        payload: j.data,
        error: j.failedReason ?? '',
        attempts: j.attemptsMade,
        failedAt: j.finishedOn ? new Date(j.finishedOn) : null,
      }));
    },
    async retryFailed(name, jobId) {
      const job = await queues[name].getJob(jobId);
      if (!job || (await job.getState()) !== 'failed') return false;
      await job.retry('failed');
      return true;
    },
    async ping() {
      await producer.ping();
    },
    async drained(timeoutMs = 120_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const counts = await api.counts();
        // The nightly report's next run is a delayed job that is always there: not pending work.
        if (JOB_NAMES.every((n) => counts[n].waiting + counts[n].active + (n === 'report' ? 0 : counts[n].delayed) === 0)) return;
        if (Date.now() > until) throw new Error(`the queue did not drain within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await api.stopWorkers();
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await producer.quit().catch(() => producer.disconnect());
    },
  };
  return api;
}

/** Removes every key of a queue prefix (tests, and `--reset` style tooling). */
export async function obliterateQueues(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}


