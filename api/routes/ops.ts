// Operations: liveness, readiness, Prometheus metrics, the job queue (admins) and the audit trail
// (reviewers and admins).
import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { pendingMigrations } from '../../db/migrate.ts';
import { auditTrailForActor, queueOverview, retryJob } from '../../services/index.ts';
import { actorOf, type Api, type RouteSetup } from '../context.ts';
import { apiRoute } from '../route.ts';
import { AuditQuery, AuditSchema, JobParam, QueueSchema, jsonResponse, toAuditJson, toQueueJson } from '../schemas.ts';

const PROBE_TIMEOUT_MS = 3000;

const publicAccess = { permission: null, scope: 'public' } as const;

const CheckSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });
const ReadySchema = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ database: CheckSchema, migrations: CheckSchema, queue: CheckSchema }) }).openapi('Readiness');

export const healthRoute = apiRoute(publicAccess, {
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'The process is up (liveness)',
  responses: { 200: jsonResponse(z.object({ status: z.literal('ok') }), 'Up') },
});

export const readyRoute = apiRoute(publicAccess, {
  method: 'get',
  path: '/readyz',
  tags: ['operations'],
  summary: 'The database and the queue are reachable and the migrations applied (readiness)',
  responses: { 200: jsonResponse(ReadySchema, 'Ready'), 503: jsonResponse(ReadySchema, 'Not ready: `checks` says which part failed') },
});

export const metricsRoute = apiRoute(publicAccess, {
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics',
  description:
    'HTTP request durations by route pattern, method and status; uploaded documents and bytes; jobs per queue and state (waiting, active, delayed, failed, completed); OCR pages and seconds of this process; Node process metrics.',
  responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
});

export const queueRoute = apiRoute(
  { permission: 'queue.read', scope: 'global' },
  {
    method: 'get',
    path: '/api/queue',
    tags: ['operations'],
    summary: 'Jobs per queue and state, and the jobs that failed',
    responses: { 200: jsonResponse(QueueSchema, 'The queue') },
  },
);

export const retryRoute = apiRoute(
  { permission: 'queue.retry', scope: 'global' },
  {
    method: 'post',
    path: '/api/queue/{name}/{jobId}/retry',
    tags: ['operations'],
    summary: 'Run a failed job again',
    request: { params: JobParam },
    responses: { 202: jsonResponse(z.object({ name: z.string(), jobId: z.string(), retried: z.literal(true) }), 'Queued again') },
  },
  [400, 404],
);

export const auditRoute = apiRoute(
  { permission: 'audit.read', scope: 'global' },
  {
    method: 'get',
    path: '/api/audit',
    tags: ['operations'],
    summary: 'The audit trail, newest first',
    description: 'Every change with who made it (the token\'s label and role), what it was before and after, and the note.',
    request: { query: AuditQuery },
    responses: { 200: jsonResponse(z.object({ entries: z.array(AuditSchema) }), 'The entries') },
  },
  [400, 404],
);

function oneLine(error: unknown): string {
  // drizzle wraps the driver's error ("Failed query: select 1"); the cause says what is wrong.
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error && e.cause instanceof Error; depth++) e = e.cause;
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
}

export function opsRoutes(app: Api, setup: RouteSetup): void {
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyRoute, async (c) => {
    const deps = c.get('deps');
    const probe = async (f: () => Promise<string | undefined>) => {
      let timer: NodeJS.Timeout | undefined;
      // A server that stops answering (a partition, not a refusal) must not hang the probe past
      // the orchestrator's own timeout: no answer in time is not ready.
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
      });
      try {
        const detail = await Promise.race([f(), late]);
        return detail ? { ok: false, detail } : { ok: true };
      } catch (error) {
        return { ok: false, detail: oneLine(error) };
      } finally {
        clearTimeout(timer);
      }
    };
    const [database, queue] = await Promise.all([
      probe(async () => {
        await deps.db.execute(sql`select 1`);
        return undefined;
      }),
      probe(async () => {
        await deps.queue.ping();
        return undefined;
      }),
    ]);
    const migrations = database.ok
      ? await probe(async () => {
          const pending = await pendingMigrations(deps.db);
          return pending.length ? `${pending.length} migration(s) not applied: ${pending.map((m) => m.tag).join(', ')} (run \`npm run db:migrate\`)` : undefined;
        })
      : { ok: false, detail: 'the database cannot be reached' };
    const ready = database.ok && queue.ok && migrations.ok;
    const body = { status: ready ? ('ready' as const) : ('unavailable' as const), checks: { database, migrations, queue } };
    if (!ready) c.get('log').warn({ checks: body.checks }, 'not ready');
    return ready ? c.json(body, 200) : c.json(body, 503);
  });

  app.openapi(metricsRoute, async (c) => {
    const text = await setup.metrics.registry.metrics();
    return c.text(text, 200, { 'Content-Type': setup.metrics.registry.contentType });
  });

  app.openapi(queueRoute, async (c) => {
    const overview = await queueOverview(c.get('deps'), actorOf(c));
    return c.json(toQueueJson(overview.kind, overview.counts, overview.failed), 200);
  });

  app.openapi(retryRoute, async (c) => {
    const { name, jobId } = c.req.valid('param');
    await retryJob(c.get('deps'), actorOf(c), name, jobId);
    return c.json({ name, jobId, retried: true as const }, 202);
  });

  app.openapi(auditRoute, async (c) => {
    const q = c.req.valid('query');
    const entries = await auditTrailForActor(c.get('deps'), actorOf(c), { ...(q.claimId ? { claimId: q.claimId } : {}), limit: q.limit });
    return c.json({ entries: entries.map(toAuditJson) }, 200);
  });
}
