// Expected refusals of a service operation, with a code the API maps to an HTTP status and the
// CLI to a one-line message. Anything else thrown is a fault.
import { isDbError, type DbErrorCode } from '../db/errors.ts';

export type ServiceErrorCode =
  | DbErrorCode
  | 'FORBIDDEN'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'IMPORT_INVALID'
  | 'UNAVAILABLE'
  | 'RATE_LIMITED';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}

/** A DbError seen as the service's own refusal, so callers handle one kind. */
export function asServiceError(error: unknown): ServiceError | null {
  if (error instanceof ServiceError) return error;
  if (isDbError(error)) return new ServiceError(error.code, error.message, error.details);
  return null;
}
