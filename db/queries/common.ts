import { and, desc, eq, getTableName, sql, type Column, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { DbError } from '../errors.ts';
import { auditLog, claims, flags } from '../schema/index.ts';
import type { Completeness } from '../schema/index.ts';

export type AuditRecord = typeof auditLog.$inferSelect;

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  claimId?: string | null;
  before?: unknown;
  after?: unknown;
  note?: string | null;
}

export async function writeAudit(db: Db, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  for (const part of chunk(list, 500)) {
    await db.insert(auditLog).values(
      part.map((e) => ({
        actor: e.actor,
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId,
        claimId: e.claimId ?? null,
        before: e.before ?? null,
        after: e.after ?? null,
        note: e.note ?? null,
      })),
    );
  }
}

/** The audit trail, newest first. */
export async function listAuditLog(
  db: Db,
  filter: { claimId?: string; targetType?: string; targetId?: string; action?: string; limit?: number } = {},
): Promise<AuditRecord[]> {
  const where: SQL[] = [];
  if (filter.claimId !== undefined) where.push(eq(auditLog.claimId, filter.claimId));
  if (filter.targetType !== undefined) where.push(eq(auditLog.targetType, filter.targetType));
  if (filter.targetId !== undefined) where.push(eq(auditLog.targetId, filter.targetId));
  if (filter.action !== undefined) where.push(eq(auditLog.action, filter.action));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit ?? 200);
}

/**
 * A claim is complete once it has been checked and no blocking flag is open (a blocking flag a
 * reviewer resolved or dismissed no longer blocks). Stored so lists and reports can filter on it.
 */
export async function refreshCompleteness(db: Db, claimId: string): Promise<Completeness> {
  const [row] = await db
    .select({
      checkedAt: claims.checkedAt,
      blocking: sql<number>`(select count(*) from ${flags} where ${q(flags.claimId)} = ${q(claims.claimId)} and ${q(flags.status)} = 'open' and ${q(flags.severity)} = 'blocking')`.mapWith(
        Number,
      ),
    })
    .from(claims)
    .where(eq(claims.claimId, claimId));
  if (!row) return 'incomplete';
  const completeness: Completeness = row.checkedAt !== null && row.blocking === 0 ? 'complete' : 'incomplete';
  await db.update(claims).set({ completeness }).where(eq(claims.claimId, claimId));
  return completeness;
}

/**
 * A column written "table"."column". drizzle leaves columns unqualified in a one-table select, so a
 * correlated subquery there would compare the inner table with itself.
 */
export function q(column: Column): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids arrive from URLs; a malformed one is simply not found rather than a SQL error. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A list filter given as one value or several, each checked against the values the column takes. */
export function filterValues<T extends string>(value: T | readonly T[], allowed: readonly T[], what: string, field: string): T[] {
  const list: T[] = typeof value === 'string' ? [value] : [...value];
  for (const v of list) if (!allowed.includes(v)) throw new DbError('INVALID_INPUT', `unknown ${what}: ${v}`, { field });
  return list;
}

export function requireActor(actor: unknown): string {
  if (typeof actor !== 'string' || actor.trim() === '') throw new DbError('INVALID_INPUT', 'an actor is required for an audited change');
  return actor;
}
