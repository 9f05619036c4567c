// Claims: import, read, list, and move through the workflow. Every change re-runs the checks.
import { claimFacets, countClaims, getClaim, getClaimRecord, importClaims as importRows, listAuditLog, listClaims as listRows, type AuditRecord, transitionClaimStatus, type ClaimDetail, type ClaimSummary, type ImportResult, type ListClaimsFilter } from '../db/queries.ts';
import { ClaimsInputError, parseClaimsCsv, parseClaimsFile, parseClaimsJson } from '../pipeline/claims-input.ts';
import type { ClaimStatus } from '../pipeline/enums.ts';
import type { Claim } from '../pipeline/types.ts';
import { auditName, canMoveTo, partnerScope, requirePermission, requireVisible } from './access.ts';
import { recheckClaim } from './checks.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { ServiceError } from './errors.ts';

export type ClaimsSource = { claims: Claim[] } | { text: string; format: 'csv' | 'json' | 'auto'; fileName: string };

/** Parses claims text, all or nothing; a bad row is an IMPORT_INVALID error with its line and column. */
export function parseClaimsSource(source: ClaimsSource): Claim[] {
  if ('claims' in source) return source.claims;
  try {
    if (source.format === 'csv') return parseClaimsCsv(source.text, source.fileName);
    if (source.format === 'json') return parseClaimsJson(source.text, source.fileName);
    return parseClaimsFile(source.text, source.fileName);
  } catch (error) {
    if (error instanceof ClaimsInputError) {
      throw new ServiceError('IMPORT_INVALID', error.message, { issues: error.issues });
    }
    throw error;
  }
}

/**
 * Creates or updates claims, all or nothing. A submitter imports for its own partner only. The new
 * and changed claims are re-checked in the background (their evidence may already be there).
 */
export async function importClaims(deps: Pick<ServiceDeps, 'db' | 'queue' | 'config' | 'log'>, actor: Actor, source: ClaimsSource): Promise<ImportResult> {
  requirePermission(actor, 'claim.create');
  const claims = parseClaimsSource(source);
  if (claims.length === 0) throw new ServiceError('IMPORT_INVALID', 'the import holds no claim');
  if (actor.role === 'submitter') {
    const foreign = claims.find((c) => c.partner !== actor.partner);
    if (foreign) throw new ServiceError('FORBIDDEN', `claim ${foreign.claimId} is for partner "${foreign.partner}"; this token may only import claims of "${actor.partner}"`);
  }
  const result = await importRows(deps.db, claims, auditName(actor), { deadlineDays: deps.config.deadlineDays });
  for (const claimId of [...result.created, ...result.updated]) await enqueueRecheck(deps, claimId);
  return result;
}

/** Queues a re-check; a queue outage is logged, not fatal (the sweeper re-checks unchecked claims). */
export async function enqueueRecheck(deps: Pick<ServiceDeps, 'queue' | 'log'>, claimId: string): Promise<void> {
  try {
    await deps.queue.enqueue('recheck', { claimId });
  } catch (error) {
    deps.log.warn({ claimId, err: error }, 'could not queue a re-check; the sweeper will');
  }
}

export async function getClaimForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, claimId: string): Promise<ClaimDetail> {
  requirePermission(actor, 'claim.read');
  return requireVisible(actor, await getClaim(deps.db, claimId), `claim ${claimId}`);
}

export async function listClaimsForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, filter: ListClaimsFilter = {}): Promise<ClaimSummary[]> {
  requirePermission(actor, 'claim.read');
  const partner = partnerScope(actor, filter.partner);
  return listRows(deps.db, { ...filter, ...(partner !== undefined ? { partner } : {}) });
}

export async function countClaimsForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, filter: ListClaimsFilter = {}): Promise<number> {
  requirePermission(actor, 'claim.read');
  const partner = partnerScope(actor, filter.partner);
  return countClaims(deps.db, { ...filter, ...(partner !== undefined ? { partner } : {}) });
}

/** The partners and programmes the actor's claims have (the choices of a list's filters). */
export async function claimFacetsForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor): Promise<{ partners: string[]; programs: string[] }> {
  requirePermission(actor, 'claim.read');
  return claimFacets(deps.db, partnerScope(actor));
}

/** A claim's audit trail, newest first; for reviewers and admins (it names who did what). */
export async function claimAuditForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, claimId: string, limit = 200): Promise<AuditRecord[]> {
  requirePermission(actor, 'audit.read');
  requireVisible(actor, await getClaimRecord(deps.db, claimId), `claim ${claimId}`);
  return listAuditLog(deps.db, { claimId, limit });
}

/**
 * Moves a claim through the workflow. The checks run first, so an approval is judged on the
 * current evidence and a submission shows the partner its gaps; then the move is made (and kept in
 * the status history) if the workflow and the actor's role allow it.
 */
export async function changeClaimStatus(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  claimId: string,
  to: ClaimStatus,
  note: string | null,
): Promise<{ from: ClaimStatus; to: ClaimStatus; claim: ClaimDetail }> {
  requirePermission(actor, 'claim.read');
  requireVisible(actor, await getClaimRecord(deps.db, claimId), `claim ${claimId}`);
  if (!canMoveTo(actor, to)) throw new ServiceError('FORBIDDEN', `a ${actor.role} may not move a claim to ${to}`);
  if (to === 'needs_info' && !note?.trim()) {
    throw new ServiceError('INVALID_INPUT', 'a request for more documentation needs a note telling the partner what to send', { field: 'note' });
  }
  await recheckClaim(deps, claimId);
  const moved = await transitionClaimStatus(deps.db, claimId, to, auditName(actor), note?.trim() || null);
  return { from: moved.from, to: moved.to, claim: (await getClaim(deps.db, claimId))! };
}
