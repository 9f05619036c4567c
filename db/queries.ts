// The queries the CLI, the service and the workers share. Each takes the drizzle database (or a
// transaction) first; expected refusals throw DbError with a code (see errors.ts).
export * from './queries/claims.ts';
export * from './queries/documents.ts';
export * from './queries/checks.ts';
export * from './queries/tokens.ts';
export { listAuditLog, type AuditEntry, type AuditRecord } from './queries/common.ts';
export { DbError, isDbError, type DbErrorCode } from './errors.ts';
export * from './queries/check-input.ts';
export * from './queries/sessions.ts';
