import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { apiTokens, dashboardSessions } from '../schema/index.ts';
import { writeAudit } from './common.ts';
import { hashToken, type TokenRecord } from './tokens.ts';

export interface SessionRecord {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  token: TokenRecord;
}

export interface CreatedSession extends SessionRecord {
  /** The cookie value; only its hash is stored. */
  secret: string;
}

export async function createSession(db: Db, token: TokenRecord, ttlMs: number, actor: string): Promise<CreatedSession> {
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  const [row] = await db
    .insert(dashboardSessions)
    .values({ secretHash: hashToken(secret), tokenId: token.id, csrfToken, expiresAt })
    .returning({ id: dashboardSessions.id });
  await writeAudit(db, { actor, action: 'session.start', targetType: 'api_token', targetId: token.id });
  return { id: row!.id, csrfToken, expiresAt, token, secret };
}

/** The live session a cookie secret stands for: not ended, not expired, its token not revoked. */
export async function findSession(db: Db, secret: string): Promise<SessionRecord | null> {
  if (typeof secret !== 'string' || secret.length < 20 || secret.length > 100) return null;
  const [row] = await db
    .select({
      id: dashboardSessions.id,
      csrfToken: dashboardSessions.csrfToken,
      expiresAt: dashboardSessions.expiresAt,
      tokenId: apiTokens.id,
      role: apiTokens.role,
      partner: apiTokens.partner,
      label: apiTokens.label,
      createdAt: apiTokens.createdAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(dashboardSessions)
    .innerJoin(apiTokens, eq(apiTokens.id, dashboardSessions.tokenId))
    .where(
      and(
        eq(dashboardSessions.secretHash, hashToken(secret)),
        isNull(dashboardSessions.endedAt),
        gt(dashboardSessions.expiresAt, sql`now()`),
        isNull(apiTokens.revokedAt),
      ),
    );
  if (!row) return null;
  const { tokenId, role, partner, label, createdAt, revokedAt, ...session } = row;
  return { ...session, token: { id: tokenId, role, partner, label, createdAt, revokedAt } };
}

/** Ends a session (sign-out); false when it was not live. Ended and expired rows are pruned. */
export async function endSession(db: Db, sessionId: string, actor: string): Promise<boolean> {
  const [row] = await db
    .update(dashboardSessions)
    .set({ endedAt: sql`now()` })
    .where(and(eq(dashboardSessions.id, sessionId), isNull(dashboardSessions.endedAt)))
    .returning({ tokenId: dashboardSessions.tokenId });
  if (row) await writeAudit(db, { actor, action: 'session.end', targetType: 'api_token', targetId: row.tokenId });
  await db
    .delete(dashboardSessions)
    .where(or(lt(dashboardSessions.expiresAt, sql`now()`), lt(dashboardSessions.endedAt, sql`now() - interval '1 day'`)));
  return row !== undefined;
}
