import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { DbError } from '../errors.ts';
import { ROLES, apiTokens, type Role } from '../schema/index.ts';
import { isUuid, requireActor, writeAudit } from './common.ts';

export interface TokenRecord {
  id: string;
  role: Role;
  partner: string | null;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface CreatedToken extends TokenRecord {
  /** The bearer token; shown this once, only its hash is stored. */
  token: string;
}

const TOKEN_PREFIX = 'cp_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const publicColumns = {
  id: apiTokens.id,
  role: apiTokens.role,
  partner: apiTokens.partner,
  label: apiTokens.label,
  createdAt: apiTokens.createdAt,
  revokedAt: apiTokens.revokedAt,
};

/** A new API token; a submitter is bound to one partner, reviewers and admins see all. */
export async function createToken(
  db: Db,
  input: { role: Role; partner?: string | null; label?: string | null },
  actor = 'system',
): Promise<CreatedToken> {
  if (!ROLES.includes(input.role)) throw new DbError('INVALID_INPUT', `role must be one of ${ROLES.join(', ')}`, { field: 'role' });
  const partner = input.partner?.trim() || null;
  if (input.role === 'submitter' && !partner) {
    throw new DbError('INVALID_INPUT', 'a submitter token needs the partner it submits for', { field: 'partner' });
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ tokenHash: hashToken(token), role: input.role, partner, label: input.label ?? null })
      .returning(publicColumns);
    await writeAudit(tx, {
      actor,
      action: 'token.create',
      targetType: 'api_token',
      targetId: row!.id,
      after: { role: row!.role, partner: row!.partner, label: row!.label },
    });
    return { ...row!, token };
  });
}

/** The live (not revoked) token a bearer string stands for, or null. */
export async function findToken(db: Db, token: string): Promise<TokenRecord | null> {
  if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX)) return null;
  const [row] = await db
    .select(publicColumns)
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  return row ?? null;
}

export async function listTokens(db: Db): Promise<TokenRecord[]> {
  return db.select(publicColumns).from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
}

/** Revokes a token; false when it does not exist or was already revoked. */
export async function revokeToken(db: Db, tokenId: string, actor: string): Promise<boolean> {
  requireActor(actor);
  if (!isUuid(tokenId)) return false;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning(publicColumns);
    if (!row) return false;
    await writeAudit(tx, { actor, action: 'token.revoke', targetType: 'api_token', targetId: tokenId });
    return true;
  });
}
