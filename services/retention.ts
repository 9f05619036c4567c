// Originals are kept 24 months from their activity date and never removed before. `purge` removes
// only originals past that date, each removal audited; the document row stays as the record. A
// file whose bytes also back a document still under retention (the same file in another claim) is
// kept until that one expires too.
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { writeAudit } from '../db/queries/common.ts';
import { documents } from '../db/schema/index.ts';
import { auditName } from './access.ts';
import type { Actor, ServiceDeps } from './context.ts';

export interface ExpiredDocument {
  id: string;
  claimId: string;
  fileName: string;
  sha256: string;
  storageKey: string;
  size: number;
  retentionUntil: string;
  /** False when the same bytes back a document still under retention: the file stays. */
  removable: boolean;
}

export async function listExpired(deps: Pick<ServiceDeps, 'db'>, asOf: string): Promise<ExpiredDocument[]> {
  const rows = await deps.db
    .select({
      id: documents.id,
      claimId: documents.claimId,
      fileName: documents.fileName,
      sha256: documents.sha256,
      storageKey: documents.storageKey,
      size: documents.size,
      retentionUntil: documents.retentionUntil,
    })
    .from(documents)
    .where(and(lt(documents.retentionUntil, asOf), isNull(documents.purgedAt)))
    .orderBy(documents.retentionUntil, documents.id);
  if (rows.length === 0) return [];
  const hashes = [...new Set(rows.map((r) => r.sha256))];
  const held = new Set(
    (
      await deps.db
        .select({ sha256: documents.sha256 })
        .from(documents)
        .where(and(inArray(documents.sha256, hashes), sql`${documents.retentionUntil} >= ${asOf}`))
    ).map((r) => r.sha256),
  );
  return rows.map((r) => ({ ...r, removable: !held.has(r.sha256) }));
}

export interface PurgeResult {
  purged: ExpiredDocument[];
  kept: ExpiredDocument[];
}

export async function purgeExpired(deps: Pick<ServiceDeps, 'db' | 'storage' | 'clock'>, actor: Actor, asOf: string): Promise<PurgeResult> {
  const expired = await listExpired(deps, asOf);
  const result: PurgeResult = { purged: [], kept: [] };
  for (const doc of expired) {
    if (!doc.removable) {
      result.kept.push(doc);
      continue;
    }
    // The row is marked first: should the removal fail, a re-run finds nothing to undo, and no
    // reader is handed a key whose file is going.
    await deps.db.transaction(async (tx) => {
      await tx.update(documents).set({ purgedAt: deps.clock.now(), updatedAt: sql`now()` }).where(eq(documents.id, doc.id));
      await writeAudit(tx, {
        actor: auditName(actor),
        action: 'document.purge',
        targetType: 'document',
        targetId: doc.id,
        claimId: doc.claimId,
        before: { fileName: doc.fileName, sha256: doc.sha256, retentionUntil: doc.retentionUntil },
        after: { purgedAsOf: asOf },
      });
    });
    await deps.storage.remove(doc.storageKey);
    result.purged.push(doc);
  }
  return result;
}
