// Real Redis for queue tests. Without a server the tests are skipped with a warning, except when
// CI=true, where a missing server fails the run.
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';

let probe: Promise<string | null> | undefined;

export async function redisAvailable(): Promise<boolean> {
  probe ??= (async () => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 2000, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      await redis.ping();
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      redis.disconnect();
    }
  })();
  const reason = await probe;
  if (reason === null) return true;
  const message = `Redis at ${TEST_REDIS_URL} is not reachable (${reason})`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI requires it`);
  console.warn(`${message}: skipping the Redis tests`);
  return false;
}
