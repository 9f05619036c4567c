// Upload rate limits per token, in fixed one-minute windows. With Redis the count is shared by
// every API process (INCR + PEXPIRE on one key per token and window); the embedded default
// counts in memory, which is exact there since it is one process.
import type { Redis } from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the next window when refused. */
  retryAfterS: number;
}

export interface RateLimiter {
  /** Counts one hit for `key`; refused past `max` in the current window. */
  hit(key: string): Promise<RateDecision>;
  close(): Promise<void>;
}

export const UNLIMITED: RateLimiter = { hit: async () => ({ allowed: true, retryAfterS: 0 }), close: async () => {} };

export function memoryRateLimiter(max: number, windowMs = 60_000, now: () => number = Date.now): RateLimiter {
  if (max <= 0) return UNLIMITED;
  const windows = new Map<string, { window: number; count: number }>();
  return {
    async hit(key) {
      const t = now();
      const window = Math.floor(t / windowMs);
      const w = windows.get(key);
      if (!w || w.window !== window) {
        if (windows.size > 10_000) for (const [k, v] of windows) if (v.window !== window) windows.delete(k);
        windows.set(key, { window, count: 1 });
        return { allowed: true, retryAfterS: 0 };
      }
      w.count += 1;
      return w.count <= max ? { allowed: true, retryAfterS: 0 } : { allowed: false, retryAfterS: Math.ceil(((window + 1) * windowMs - t) / 1000) };
    },
    close: async () => {},
  };
}

export function redisRateLimiter(redis: Redis, prefix: string, max: number, windowMs = 60_000, now: () => number = Date.now): RateLimiter {
  if (max <= 0) return UNLIMITED;
  return {
    async hit(key) {
      const t = now();
      const window = Math.floor(t / windowMs);
      const k = `${prefix}:ratelimit:${key}:${window}`;
      let count: number;
      try {
        [[, count]] = (await redis.multi().incr(k).pexpire(k, windowMs * 2).exec()) as [[Error | null, number], unknown];
      } catch {
        // A limiter that cannot count lets the upload through: while Redis is down uploads are
        // still accepted (and queued later from the database), which matters more than the limit.
        return { allowed: true, retryAfterS: 0 };
      }
      return count <= max ? { allowed: true, retryAfterS: 0 } : { allowed: false, retryAfterS: Math.ceil(((window + 1) * windowMs - t) / 1000) };
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
