// A reviewer's decision on a flag: resolve (the problem was fixed outside the data) or dismiss (it
// is accepted as it is), with a note. The checks then run again, so completeness and the deadline
// flags follow at once.
import { countFlags, countFlagsByCode, getClaimRecord, getFlag, listFlags, setFlagStatus, type FlagRecord, type ListFlagsFilter, type ReviewFlag } from '../db/queries.ts';
import { auditName, partnerScope, requirePermission, requireVisible } from './access.ts';
import { recheckClaim, type RecheckResult } from './checks.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { ServiceError } from './errors.ts';

export const FLAG_DECISIONS = ['resolve', 'dismiss', 'reopen'] as const;
export type FlagDecision = (typeof FLAG_DECISIONS)[number];
const STATUS_OF = { resolve: 'resolved', dismiss: 'dismissed', reopen: 'open' } as const;

export async function decideFlag(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  flagId: string,
  decision: FlagDecision,
  note: string | null,
): Promise<{ flag: FlagRecord; checks: RecheckResult[] }> {
  requirePermission(actor, 'flag.decide');
  const flag = await getFlagForActor(deps, actor, flagId);
  if (decision === 'dismiss' && flag.severity === 'blocking' && !note?.trim()) {
    throw new ServiceError('INVALID_INPUT', 'dismissing a blocking flag accepts the gap: say why in a note', { field: 'note' });
  }
  await setFlagStatus(deps.db, flagId, STATUS_OF[decision], auditName(actor), note?.trim() || null);
  const checks = await recheckClaim(deps, flag.claimId);
  // A re-check may retire the flag (no longer raised); it stays readable as the record.
  return { flag: (await getFlag(deps.db, flagId)) ?? flag, checks };
}

export async function getFlagForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, flagId: string): Promise<FlagRecord> {
  requirePermission(actor, 'claim.read');
  const flag = await getFlag(deps.db, flagId);
  const claim = flag ? await getClaimRecord(deps.db, flag.claimId) : null;
  requireVisible(actor, claim, `flag ${flagId}`);
  return flag!;
}

export async function listFlagsForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, filter: ListFlagsFilter = {}): Promise<ReviewFlag[]> {
  requirePermission(actor, 'claim.read');
  const partner = partnerScope(actor, filter.partner);
  return listFlags(deps.db, { ...filter, ...(partner !== undefined ? { partner } : {}) });
}

export async function countFlagsForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, filter: Omit<ListFlagsFilter, 'order' | 'limit' | 'offset'> = {}): Promise<number> {
  requirePermission(actor, 'claim.read');
  const partner = partnerScope(actor, filter.partner);
  return countFlags(deps.db, { ...filter, ...(partner !== undefined ? { partner } : {}) });
}

export async function flagsByCodeForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, filter: Omit<ListFlagsFilter, 'order' | 'limit' | 'offset' | 'code'> = {}) {
  requirePermission(actor, 'claim.read');
  const partner = partnerScope(actor, filter.partner);
  return countFlagsByCode(deps.db, { ...filter, ...(partner !== undefined ? { partner } : {}) });
}
