// The API's one error handler: every refusal and fault becomes `{code, message, requestId}` with the
// status a client can act on. Service refusals keep their code; a database or queue that cannot be
// reached is 503 (retry later), not 500; anything else is a 500 whose details stay in the log.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { asServiceError, type ServiceErrorCode } from '../services/errors.ts';
import { isUnavailable } from '../services/unavailable.ts';
import type { AppEnv } from './context.ts';


/** Codes the HTTP layer adds to the service's own. */
export type ApiErrorCode = ServiceErrorCode | 'UNAUTHORIZED' | 'RATE_LIMITED' | 'NOT_ACCEPTABLE' | 'GONE' | 'INTERNAL';

export const STATUS_OF: Record<ApiErrorCode, ContentfulStatusCode> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  NOT_ACCEPTABLE: 406,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  CLAIM_INCOMPLETE: 409,
  GONE: 410,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IMPORT_INVALID: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** A refusal raised by the HTTP layer itself (no token, too many attempts, an unknown route). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  code: ApiErrorCode;
  message: string;
  requestId: string;
  /** Import errors: one entry per bad cell, with line and column. */
  issues?: unknown[];
  /** The field a validation error is about. */
  field?: string;
}

export interface Problem {
  status: ContentfulStatusCode;
  body: Omit<ErrorBody, 'requestId'>;
  headers?: Record<string, string>;
  /** A fault (logged with its stack), not a refusal. */
  fault: boolean;
}

/** What a thrown value means for the client. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) {
    return { status: STATUS_OF[error.code], body: { code: error.code, message: error.message, ...pick(error.details) }, ...(error.headers ? { headers: error.headers } : {}), fault: false };
  }
  const refusal = asServiceError(error);
  if (refusal) {
    const retry = typeof refusal.details?.retryAfterS === 'number' ? { headers: { 'Retry-After': String(refusal.details.retryAfterS) } } : {};
    return { status: STATUS_OF[refusal.code], body: { code: refusal.code, message: refusal.message, ...pick(refusal.details) }, ...retry, fault: refusal.code === 'UNAVAILABLE' };
  }
  if (isUnavailable(error)) {
    return { status: 503, body: { code: 'UNAVAILABLE', message: 'the database or the job queue cannot be reached; try again shortly' }, headers: { 'Retry-After': '5' }, fault: true };
  }
  // Hono's own HTTPException (e.g. a body it could not parse) carries a status.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (Object.entries(STATUS_OF).find(([, s]) => s === status)?.[0] ?? 'INVALID_INPUT') as ApiErrorCode;
    return { status: STATUS_OF[code], body: { code, message: (error as Error).message || 'bad request' }, fault: false };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'an internal error occurred; the request id identifies it in the log' }, fault: true };
}

/** The details a client may see: the import issues and the field concerned, nothing internal. */
function pick(details: Record<string, unknown> | undefined): Pick<ErrorBody, 'issues' | 'field'> {
  if (!details) return {};
  return {
    ...(Array.isArray(details.issues) ? { issues: details.issues } : {}),
    ...(typeof details.field === 'string' ? { field: details.field } : {}),
  };
}

/** The app's onError: logs faults with their stack, answers with the body only. */
export function handleError(error: unknown, c: Context<AppEnv>): Response {
  const problem = toProblem(error);
  const requestId = c.get('requestId') ?? 'unknown';
  const log = c.get('log');
  if (problem.fault) log?.error({ err: error, status: problem.status }, 'request failed');
  else log?.info({ code: problem.body.code, status: problem.status, reason: problem.body.message }, 'request refused');
  for (const [k, v] of Object.entries(problem.headers ?? {})) c.header(k, v);
  return c.json({ ...problem.body, requestId } satisfies ErrorBody, problem.status);
}
