// Who may do what, once, for the API, the dashboard and the CLI. A submitter sees only its own
// partner's claims: anything else is "not found", never "forbidden", so an id's existence is not
// confirmed to someone who may not see it.
import type { ClaimStatus, Role } from '../pipeline/enums.ts';
import type { Actor } from './context.ts';
import { ServiceError } from './errors.ts';

export const PERMISSIONS = [
  'claim.read',
  'claim.create',
  'document.upload',
  'document.correct',
  'flag.decide',
  'report.read',
  'report.run',
  'queue.read',
  'queue.retry',
  'token.manage',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role | 'system', readonly Permission[]> = {
  submitter: ['claim.read', 'claim.create', 'document.upload'],
  reviewer: ['claim.read', 'claim.create', 'document.upload', 'document.correct', 'flag.decide', 'report.read', 'report.run', 'audit.read'],
  admin: PERMISSIONS,
  system: PERMISSIONS,
};

/** The workflow moves each role may make (the workflow itself is db/queries/claims.ts's). */
const STATUS_MOVES: Record<Role | 'system', readonly ClaimStatus[]> = {
  submitter: ['submitted'],
  reviewer: ['needs_info', 'approved', 'rejected'],
  admin: ['submitted', 'needs_info', 'approved', 'rejected'],
  system: ['submitted', 'needs_info', 'approved', 'rejected'],
};

export function can(actor: Actor, permission: Permission): boolean {
  return GRANTS[actor.role].includes(permission);
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new ServiceError('FORBIDDEN', `a ${actor.role} may not do this (${permission})`);
}

export function canSeeClaim(actor: Actor, claim: { partner: string }): boolean {
  return actor.role !== 'submitter' || (actor.partner != null && actor.partner === claim.partner);
}

/** Throws NOT_FOUND for a claim the actor may not see (or that does not exist). */
export function requireVisible<T extends { partner: string }>(actor: Actor, claim: T | null | undefined, what: string): T {
  if (!claim || !canSeeClaim(actor, claim)) throw new ServiceError('NOT_FOUND', `${what} does not exist`);
  return claim;
}

export function canMoveTo(actor: Actor, to: ClaimStatus): boolean {
  return STATUS_MOVES[actor.role].includes(to);
}

/** The partner a list is limited to: a submitter's own, whatever it asked for. */
export function partnerScope(actor: Actor, requested?: string): string | undefined {
  return actor.role === 'submitter' ? (actor.partner ?? '\u0000none') : requested;
}

export function auditName(actor: Actor): string {
  return actor.role === 'system' ? actor.name : `${actor.name} (${actor.role})`;
}
