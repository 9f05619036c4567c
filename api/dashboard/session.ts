// The dashboard's session: a server-side row (services/sessions.ts) named by a random secret in
// an HttpOnly, SameSite=Lax cookie. Every unsafe request must also carry the session's CSRF token
// (a hidden form field or the X-CSRF-Token header) on top of hono/csrf's Origin check.
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { sessionOf, type Session } from '../../services/sessions.ts';
import type { Actor, ServiceDeps } from '../../services/context.ts';

export const SESSION_COOKIE = 'cp_session';
const FLASH_COOKIE = 'cp_flash';

export type DashboardEnv = { Variables: { session: Session | null; actor: Actor } };

function secure(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

export function setSessionCookie(c: Context, session: Session): void {
  setCookie(c, SESSION_COOKIE, session.secret!, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secure(c),
    path: '/',
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) });
}

/**
 * The actor of a request's dashboard session, or null. Exported so the JSON API can accept the
 * session for GETs a page links to (the claim packet), beside bearer tokens.
 */
export async function sessionFromRequest(deps: Pick<ServiceDeps, 'db'>, c: Context): Promise<Session | null> {
  const secret = getCookie(c, SESSION_COOKIE);
  return secret ? sessionOf(deps, secret) : null;
}

/**
 * For the JSON API's `resolveActor` option: the session's actor on GET and HEAD only (a page's
 * download link such as the claim packet), never on a change, which a cookie alone must not make.
 */
export function sessionActorForReads(deps: Pick<ServiceDeps, 'db'>): (c: Context) => Promise<(Actor & { tokenId: string }) | null> {
  return async (c) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return null;
    return (await sessionFromRequest(deps, c))?.actor ?? null;
  };
}

/** Loads the session (if any) into `c.var.session`. */
export function loadSession(deps: Pick<ServiceDeps, 'db'>): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const session = await sessionFromRequest(deps, c);
    c.set('session', session);
    if (session) c.set('actor', session.actor);
    await next();
  };
}

/** A relative path on this site to return to after signing in; anything else becomes `/claims`. */
export function safeNext(value: string | undefined | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/claims';
  return value;
}

/** Pages behind sign-in: a GET without a session goes to the sign-in page and comes back. */
export const requireSession: MiddlewareHandler<DashboardEnv> = async (c, next) => {
  if (c.var.session) return next();
  if (c.req.method === 'GET' || c.req.method === 'HEAD') {
    const url = new URL(c.req.url);
    return c.redirect(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  }
  return c.text('Your session has ended: sign in again.', 401);
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether `sent` is this session's CSRF token. */
export function csrfMatches(session: Session | null, sent: string | undefined | null): boolean {
  return !!session && typeof sent === 'string' && sameToken(sent, session.csrfToken);
}

/**
 * Checks the session's CSRF token on unsafe requests with a url-encoded body or the header.
 * Multipart uploads are checked by the upload route as it streams (the field precedes the files).
 */
export const requireCsrf: MiddlewareHandler<DashboardEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const header = c.req.header('x-csrf-token');
  if (header !== undefined) {
    if (!csrfMatches(c.var.session, header)) return c.text('This form has expired: reload the page and try again.', 403);
    return next();
  }
  const type = c.req.header('content-type') ?? '';
  if (/^multipart\/form-data/i.test(type)) return next();
  const body = await c.req.parseBody();
  const sent = typeof body['_csrf'] === 'string' ? body['_csrf'] : undefined;
  if (!csrfMatches(c.var.session, sent)) return c.text('This form has expired: reload the page and try again.', 403);
  return next();
};

/** A one-time message shown on the next page (after a redirect). */
export function flash(c: Context, message: string, kind: 'ok' | 'error' = 'ok'): void {
  setCookie(c, FLASH_COOKIE, `${kind}:${message.slice(0, 600)}`, { httpOnly: true, sameSite: 'Lax', secure: secure(c), path: '/', maxAge: 60 });
}

export function takeFlash(c: Context): { kind: 'ok' | 'error'; message: string } | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  deleteCookie(c, FLASH_COOKIE, { path: '/', secure: secure(c) });
  const kind = raw.startsWith('error:') ? 'error' : 'ok';
  return { kind, message: raw.replace(/^(ok|error):/, '') };
}
