// Bearer tokens → the acting user. A request without a token, or with an unknown or revoked one,
// is 401 (with a WWW-Authenticate challenge). Repeated failures from one client address are
// slowed to 429 so tokens cannot be guessed at speed.
import type { Context, MiddlewareHandler } from 'hono';
import { authenticate } from '../services/tokens.ts';
import type { AppEnv, RequestActor } from './context.ts';
import { ApiError } from './errors.ts';

export interface AuthOptions {
  /**
   * Another way to know the actor when no Authorization header is sent (e.g. the dashboard's
   * session cookie). Return null when it does not apply.
   */
  resolveActor?: (c: Context<AppEnv>) => Promise<RequestActor | null>;
  /** Failed attempts allowed per client address per window (default 30 per minute). */
  maxFailures?: number;
  failureWindowMs?: number;
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="claimproof"' };

/** Counts failures per key in fixed windows; old windows are dropped as they are met. */
export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or 0 when it may now. */
  blockedFor(key: string): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const left = w.start + this.windowMs - this.now();
    if (left <= 0) {
      this.windows.delete(key);
      return 0;
    }
    return w.count >= this.max ? Math.ceil(left / 1000) : 0;
  }

  fail(key: string): void {
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || w.start + this.windowMs <= t) this.windows.set(key, { start: t, count: 1 });
    else w.count += 1;
    if (this.windows.size > 10_000) this.prune(t);
  }

  private prune(t: number): void {
    for (const [k, w] of this.windows) if (w.start + this.windowMs <= t) this.windows.delete(k);
  }
}

/** The remote address when served by @hono/node-server; one shared key otherwise (app.request in tests). */
export function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1]! : null;
}

export function requireAuth(opts: AuthOptions = {}): MiddlewareHandler<AppEnv> {
  const limiter = new FailureLimiter(opts.maxFailures ?? 30, opts.failureWindowMs ?? 60_000);
  return async (c, next) => {
    const address = clientAddress(c);
    const wait = limiter.blockedFor(address);
    if (wait > 0) throw new ApiError('RATE_LIMITED', `too many failed authentication attempts; try again in ${wait} s`, undefined, { 'Retry-After': String(wait) });
    const header = c.req.header('authorization');
    let actor: RequestActor | null = null;
    if (header !== undefined) {
      const token = bearerToken(header);
      if (!token) {
        limiter.fail(address);
        throw new ApiError('UNAUTHORIZED', 'the Authorization header must be "Bearer <token>"', undefined, CHALLENGE);
      }
      actor = await authenticate(c.get('deps'), token);
      if (!actor) {
        limiter.fail(address);
        throw new ApiError('UNAUTHORIZED', 'the token is unknown or has been revoked', undefined, { 'WWW-Authenticate': 'Bearer realm="claimproof", error="invalid_token"' });
      }
    } else if (opts.resolveActor) {
      actor = await opts.resolveActor(c);
    }
    if (!actor) throw new ApiError('UNAUTHORIZED', 'send an API token as "Authorization: Bearer <token>"', undefined, CHALLENGE);
    c.set('actor', actor);
    c.set('log', c.get('log').child({ actor: actor.name, role: actor.role }));
    await next();
  };
}
