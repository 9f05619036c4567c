/**
 * An expected refusal from a query (unknown id, invalid transition, conflicting import…). The
 * service maps `code` to an HTTP status; anything else thrown by a query is a fault.
 */
export type DbErrorCode = 'NOT_FOUND' | 'INVALID_INPUT' | 'CONFLICT' | 'INVALID_TRANSITION' | 'CLAIM_INCOMPLETE';

export class DbError extends Error {
  constructor(
    readonly code: DbErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DbError';
  }
}

export function isDbError(error: unknown, code?: DbErrorCode): error is DbError {
  return error instanceof DbError && (code === undefined || error.code === code);
}

/** The SQLSTATE of a database error, looking through drizzle's wrapper (`cause`). */
export function pgErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
