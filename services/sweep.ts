// The database is the source of truth for what still has to be done. At start and then
// periodically, documents left `queued` or `processing` (a crash, a Redis outage when they were
// uploaded) are queued again, and claims changed since their last check are re-checked. Both are
// idempotent: an ingest job's id is its document's id, and re-checks are coalesced per claim.
import { and, asc, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { claims, documents } from '../db/schema/index.ts';
import type { ServiceDeps } from './context.ts';

export interface SweepResult {
  documents: number;
  claims: number;
}

export async function sweep(deps: Pick<ServiceDeps, 'db' | 'queue' | 'log'>, opts: { olderThanMs?: number; limit?: number } = {}): Promise<SweepResult> {
  const limit = opts.limit ?? 2000;
  // The age is measured on the database's clock, which also wrote `updated_at`: a worker host
  // whose clock runs ahead must not take a document still being read for a stuck one.
  const before = sql`now() - make_interval(secs => ${(opts.olderThanMs ?? 0) / 1000})`;
  const stuck = await deps.db
    .select({ id: documents.id })
    .from(documents)
    .where(and(inArray(documents.status, ['queued', 'processing']), lt(documents.updatedAt, before)))
    .orderBy(asc(documents.createdAt))
    .limit(limit);
  for (const doc of stuck) await deps.queue.requeue('ingest', { documentId: doc.id });

  // A claim is due a check when it never had one since its last change, or a document of it
  // settled after the check (its re-check job was lost).
  const unchecked = await deps.db
    .select({ claimId: claims.claimId })
    .from(claims)
    .where(
      and(
        inArray(claims.status, ['draft', 'submitted', 'needs_info']),
        or(
          isNull(claims.checkedAt),
          sql`exists (select 1 from ${documents} where ${documents.claimId} = ${claims.claimId} and ${documents.status} in ('done', 'failed') and ${documents.updatedAt} > ${claims.checkedAt})`,
        ),
      ),
    )
    .limit(limit);
  for (const c of unchecked) await deps.queue.enqueue('recheck', { claimId: c.claimId });
  if (stuck.length || unchecked.length) deps.log.info({ documents: stuck.length, claims: unchecked.length }, 'sweep queued unfinished work');
  return { documents: stuck.length, claims: unchecked.length };
}
