// The job queue as an admin sees it: counts per state, the jobs that failed for good, and retrying
// one of them (audited, like every other act).
import { writeAudit } from '../db/queries/common.ts';
import { auditName, requirePermission } from './access.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { ServiceError } from './errors.ts';
import { JOB_NAMES, type FailedJob, type JobCounts, type JobName } from './jobs.ts';

export interface QueueOverview {
  kind: 'bullmq' | 'in-process';
  counts: Record<JobName, JobCounts>;
  failed: FailedJob[];
}

export async function queueOverview(deps: Pick<ServiceDeps, 'queue'>, actor: Actor, opts: { failedLimit?: number } = {}): Promise<QueueOverview> {
  requirePermission(actor, 'queue.read');
  const counts = await deps.queue.counts();
  const failed: FailedJob[] = [];
  for (const name of JOB_NAMES) failed.push(...(await deps.queue.failedJobs(name, opts.failedLimit ?? 50)));
  failed.sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0));
  return { kind: deps.queue.kind, counts, failed };
}

/** Runs a failed job again; NOT_FOUND when there is no failed job with that id. */
export async function retryJob(deps: Pick<ServiceDeps, 'db' | 'queue'>, actor: Actor, name: JobName, jobId: string): Promise<void> {
  requirePermission(actor, 'queue.retry');
  if (!(await deps.queue.retryFailed(name, jobId))) throw new ServiceError('NOT_FOUND', `no failed ${name} job ${jobId}`);
  await writeAudit(deps.db, { actor: auditName(actor), action: 'job.retry', targetType: 'job', targetId: `${name}:${jobId}` });
}
