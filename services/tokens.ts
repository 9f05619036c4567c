// API tokens: who a bearer token (or a dashboard session made from one) is.
import { createToken, findToken, listTokens, revokeToken, type CreatedToken, type TokenRecord } from '../db/queries.ts';
import type { Role } from '../pipeline/enums.ts';
import { auditName, requirePermission } from './access.ts';
import type { Actor, ServiceDeps } from './context.ts';

/** The actor a token stands for; null for an unknown or revoked token. */
export async function authenticate(deps: Pick<ServiceDeps, 'db'>, token: string): Promise<(Actor & { tokenId: string }) | null> {
  const record = await findToken(deps.db, token.trim());
  return record ? actorOf(record) : null;
}

export function actorOf(record: TokenRecord): Actor & { tokenId: string } {
  return {
    name: `token:${record.label ?? record.id.slice(0, 8)}`,
    role: record.role,
    partner: record.partner,
    tokenId: record.id,
  };
}

export async function issueToken(deps: Pick<ServiceDeps, 'db'>, actor: Actor, input: { role: Role; partner?: string | null; label?: string | null }): Promise<CreatedToken> {
  requirePermission(actor, 'token.manage');
  return createToken(deps.db, input, auditName(actor));
}

export async function tokens(deps: Pick<ServiceDeps, 'db'>, actor: Actor): Promise<TokenRecord[]> {
  requirePermission(actor, 'token.manage');
  return listTokens(deps.db);
}

export async function revoke(deps: Pick<ServiceDeps, 'db'>, actor: Actor, tokenId: string): Promise<boolean> {
  requirePermission(actor, 'token.manage');
  return revokeToken(deps.db, tokenId, auditName(actor));
}
