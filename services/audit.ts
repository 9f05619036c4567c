// The audit trail as reviewers and admins read it.
import { getClaimRecord, listAuditLog, type AuditRecord } from '../db/queries.ts';
import { requirePermission, requireVisible } from './access.ts';
import type { Actor, ServiceDeps } from './context.ts';

export async function auditTrailForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, filter: { claimId?: string; limit?: number } = {}): Promise<AuditRecord[]> {
  requirePermission(actor, 'audit.read');
  if (filter.claimId !== undefined) requireVisible(actor, await getClaimRecord(deps.db, filter.claimId), `claim ${filter.claimId}`);
  return listAuditLog(deps.db, { ...(filter.claimId !== undefined ? { claimId: filter.claimId } : {}), limit: filter.limit ?? 200 });
}
