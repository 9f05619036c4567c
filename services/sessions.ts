// Dashboard sessions: signing in with an API token gives a session kept on the server, so that
// signing out, or revoking the token, ends it everywhere at once.
import { createSession, endSession, findSession, findToken } from '../db/queries.ts';
import { auditName } from './access.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { actorOf } from './tokens.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface Session {
  id: string;
  /** The cookie value (only on sign-in). */
  secret?: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor & { tokenId: string };
}

/** A new session for a live API token; null for an unknown or revoked token. */
export async function signIn(deps: Pick<ServiceDeps, 'db'>, bearerToken: string, ttlMs = SESSION_TTL_MS): Promise<Session | null> {
  const token = await findToken(deps.db, bearerToken.trim());
  if (!token) return null;
  const actor = actorOf(token);
  const created = await createSession(deps.db, token, ttlMs, auditName(actor));
  return { id: created.id, secret: created.secret, csrfToken: created.csrfToken, expiresAt: created.expiresAt, actor };
}

export async function sessionOf(deps: Pick<ServiceDeps, 'db'>, secret: string): Promise<Session | null> {
  const found = await findSession(deps.db, secret);
  return found ? { id: found.id, csrfToken: found.csrfToken, expiresAt: found.expiresAt, actor: actorOf(found.token) } : null;
}

export async function signOut(deps: Pick<ServiceDeps, 'db'>, session: Pick<Session, 'id' | 'actor'>): Promise<boolean> {
  return endSession(deps.db, session.id, auditName(session.actor));
}
