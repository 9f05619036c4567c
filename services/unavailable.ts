// Whether a failure is the infrastructure's (PostgreSQL, Redis, PGlite or the store cannot be
// reached) rather than the request's or the document's: the API answers it with 503, and a job
// that ran out of retries on it is left for the sweeper instead of failing the document.
import { DatabaseUnavailableError } from '../db/client.ts';
import { pgErrorCode } from '../db/errors.ts';
import { StorageError } from './storage.ts';

// postgres.js connection failures, ioredis/BullMQ connection failures, and PGlite once closed.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'NR_CLOSED',
]);
const UNAVAILABLE_MESSAGES = [
  /Stream isn't writeable/i, // ioredis with the offline queue off: Redis is down
  /Connection is closed/i, // ioredis
  /Reached the max retries per request limit/i, // ioredis MaxRetriesPerRequestError
  /PGlite is closed/i,
  /\bcannot reach Redis\b/i,
];

/**
 * Whether an error means a backing service (PostgreSQL, Redis, PGlite) cannot be reached, looking
 * through wrappers (drizzle's query error keeps the driver's as `cause`).
 */
export function isUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    if (e instanceof StorageError && e.code === 'UNAVAILABLE') return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    const name = (e as { name?: unknown }).name;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (e instanceof AggregateError && e.errors.some(isUnavailable)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return true;
  }
  // SQLSTATE class 08 (connection exception), 57P01–57P03 (server shutting down or starting), 53300 (too many connections).
  const sqlState = pgErrorCode(error);
  return sqlState !== undefined && (sqlState.startsWith('08') || /^57P0[123]$/.test(sqlState) || sqlState === '53300');
}
