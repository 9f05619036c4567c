import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Flag, FlagCode, FlagSeverity } from '../../pipeline/types.ts';
import type { Db } from '../client.ts';
import { DbError } from '../errors.ts';
import {
  FLAG_SEVERITIES,
  FLAG_STATUSES,
  claims,
  documents,
  expenses,
  flags,
  matches,
  type Completeness,
  type FlagStatus,
} from '../schema/index.ts';
import { chunk, filterValues, isUuid, refreshCompleteness, requireActor, writeAudit } from './common.ts';

export interface MatchRecord {
  id: string;
  /** The partner's expense id. */
  expenseId: string;
  /** The expense row the match points at. */
  expenseRef: string;
  documentId: string;
  score: number;
  reasons: string[];
}

/** A flag as the pipeline describes it, plus what review adds. */
export interface FlagRecord extends Flag {
  id: string;
  claimId: string;
  expenseRef: string | null;
  status: FlagStatus;
  /** False when the latest check no longer raises it (kept only because a reviewer decided it). */
  raised: boolean;
  fingerprint: string;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReviewFlag extends FlagRecord {
  partner: string;
  program: string;
  /** The claim's deadline (YYYY-MM-DD). */
  deadline: string;
}

/** The identity of a problem across re-checks: the same code on the same expense and document. */
export function flagFingerprint(claimId: string, flag: Pick<Flag, 'code' | 'expenseId' | 'documentId'>): string {
  return createHash('sha256')
    .update(JSON.stringify([claimId, flag.code, flag.expenseId ?? null, flag.documentId ?? null]))
    .digest('hex');
}

const flagColumns = {
  id: flags.id,
  claimId: flags.claimId,
  code: flags.code,
  severity: flags.severity,
  expenseRef: flags.expenseRef,
  expenseId: expenses.expenseId,
  documentId: flags.documentId,
  file: documents.fileName,
  message: flags.message,
  status: flags.status,
  raised: flags.raised,
  fingerprint: flags.fingerprint,
  resolvedBy: flags.resolvedBy,
  resolvedAt: flags.resolvedAt,
  note: flags.note,
  createdAt: flags.createdAt,
  updatedAt: flags.updatedAt,
};

type FlagRow = {
  [K in keyof typeof flagColumns]: K extends 'expenseId' | 'file' ? string | null : (typeof flags.$inferSelect)[K & keyof typeof flags.$inferSelect];
};

function toFlag(row: FlagRow): FlagRecord {
  const { expenseId, documentId, file, ...rest } = row;
  const flag: FlagRecord = { ...rest };
  if (expenseId !== null) flag.expenseId = expenseId;
  if (documentId !== null) flag.documentId = documentId;
  if (file !== null) flag.file = file;
  return flag;
}

const severityOrder = sql`case ${flags.severity} when 'blocking' then 0 when 'review' then 1 else 2 end`;

function selectFlags(db: Db) {
  return db
    .select(flagColumns)
    .from(flags)
    .leftJoin(expenses, eq(expenses.id, flags.expenseRef))
    .leftJoin(documents, eq(documents.id, flags.documentId));
}

/** A claim's flags: blocking first, then review and info; oldest first within each. */
export async function getClaimFlags(db: Db, claimId: string): Promise<FlagRecord[]> {
  const rows = await selectFlags(db)
    .where(eq(flags.claimId, claimId))
    .orderBy(severityOrder, asc(flags.createdAt), asc(flags.code), asc(flags.id));
  return rows.map(toFlag);
}

/** The open flags of many claims in one query, by claim id (what a report over all claims needs). */
export async function getOpenFlagsOf(db: Db, claimIds: readonly string[]): Promise<Map<string, FlagRecord[]>> {
  const out = new Map<string, FlagRecord[]>();
  for (const part of chunk(claimIds, 1000)) {
    const rows = await selectFlags(db)
      .where(and(inArray(flags.claimId, part), eq(flags.status, 'open')))
      .orderBy(severityOrder, asc(flags.createdAt), asc(flags.code), asc(flags.id));
    for (const row of rows.map(toFlag)) {
      const list = out.get(row.claimId) ?? [];
      list.push(row);
      out.set(row.claimId, list);
    }
  }
  return out;
}

export async function getFlag(db: Db, flagId: string): Promise<FlagRecord | null> {
  if (!isUuid(flagId)) return null;
  const [row] = await selectFlags(db).where(eq(flags.id, flagId));
  return row ? toFlag(row) : null;
}

export interface ListFlagsFilter {
  status?: FlagStatus | readonly FlagStatus[];
  severity?: FlagSeverity | readonly FlagSeverity[];
  code?: FlagCode;
  claimId?: string;
  partner?: string;
  /** `severity` (default): blocking first, oldest first; `deadline`: the claim due soonest first. */
  order?: 'severity' | 'deadline';
  limit?: number;
  offset?: number;
}

/** Flags matching a filter (for pagination and counts). */
export async function countFlags(db: Db, filter: Omit<ListFlagsFilter, 'order' | 'limit' | 'offset'> = {}): Promise<number> {
  const where = flagConditions(filter);
  if (where === null) return 0;
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(flags)
    .innerJoin(claims, eq(claims.claimId, flags.claimId))
    .where(and(...where));
  return row?.n ?? 0;
}

/** Open flags counted by code. */
export async function countFlagsByCode(db: Db, filter: Omit<ListFlagsFilter, 'order' | 'limit' | 'offset' | 'code'> = {}): Promise<Partial<Record<FlagCode, number>>> {
  const where = flagConditions(filter);
  if (where === null) return {};
  const rows = await db
    .select({ code: flags.code, n: sql<number>`count(*)`.mapWith(Number) })
    .from(flags)
    .innerJoin(claims, eq(claims.claimId, flags.claimId))
    .where(and(...where))
    .groupBy(flags.code);
  return Object.fromEntries(rows.map((r) => [r.code, r.n]));
}

function flagConditions(filter: ListFlagsFilter): SQL[] | null {
  const where: SQL[] = [];
  if (filter.status !== undefined) {
    const statuses = filterValues(filter.status, FLAG_STATUSES, 'flag status', 'status');
    if (statuses.length === 0) return null;
    where.push(inArray(flags.status, statuses));
  }
  if (filter.severity !== undefined) {
    const severities = filterValues(filter.severity, FLAG_SEVERITIES, 'flag severity', 'severity');
    if (severities.length === 0) return null;
    where.push(inArray(flags.severity, severities));
  }
  if (filter.code !== undefined) where.push(eq(flags.code, filter.code));
  if (filter.claimId !== undefined) where.push(eq(flags.claimId, filter.claimId));
  if (filter.partner !== undefined) where.push(eq(claims.partner, filter.partner));
  return where;
}

/** The review queue: flags across claims, blocking first, oldest first. */
export async function listFlags(db: Db, filter: ListFlagsFilter = {}): Promise<ReviewFlag[]> {
  const where = flagConditions(filter);
  if (where === null) return [];
  const order =
    filter.order === 'deadline'
      ? [asc(claims.deadline), asc(flags.claimId), severityOrder, asc(flags.createdAt), asc(flags.id)]
      : [severityOrder, asc(flags.createdAt), asc(flags.id)];
  const rows = await db
    .select({ ...flagColumns, partner: claims.partner, program: claims.program, deadline: claims.deadline })
    .from(flags)
    .innerJoin(claims, eq(claims.claimId, flags.claimId))
    .leftJoin(expenses, eq(expenses.id, flags.expenseRef))
    .leftJoin(documents, eq(documents.id, flags.documentId))
    .where(and(...where))
    .orderBy(...order)
    .limit(filter.limit ?? 500)
    .offset(filter.offset ?? 0);
  return rows.map(({ partner, program, deadline, ...row }) => ({ ...toFlag(row), partner, program, deadline }));
}

export async function getClaimMatches(db: Db, claimId: string): Promise<MatchRecord[]> {
  return db
    .select({
      id: matches.id,
      expenseId: expenses.expenseId,
      expenseRef: matches.expenseRef,
      documentId: matches.documentId,
      score: matches.score,
      reasons: matches.reasons,
    })
    .from(matches)
    .innerJoin(expenses, eq(expenses.id, matches.expenseRef))
    .where(eq(matches.claimId, claimId))
    .orderBy(asc(expenses.expenseId));
}

// ---------------------------------------------------------------------------------------------
// Saving a check

export interface CheckMatch {
  /** The partner's expense id. */
  expenseId: string;
  documentId: string;
  score: number;
  reasons: string[];
}

export interface CheckResultInput {
  matches: readonly CheckMatch[];
  /** Every flag the checks raise now; `documentId` is a document id of this claim. */
  flags: readonly Flag[];
  /** When the check ran; default now. */
  checkedAt?: Date;
}

export interface SaveCheckResult {
  completeness: Completeness;
  /** Problems found for the first time. */
  inserted: number;
  /** Problems found again (open ones, and reviewer-decided ones that keep their decision). */
  kept: number;
  /** Open flags that no longer apply, deleted. */
  removed: number;
  /** Resolved or dismissed flags that no longer apply, kept with `raised` false. */
  retired: number;
}

const SEVERITY_RANK: Record<FlagSeverity, number> = { blocking: 0, review: 1, info: 2 };

/**
 * Stores the outcome of checking a claim, in one transaction: the matches are replaced, and the
 * flags are synchronised by fingerprint (claim + code + expense + document):
 * - a problem found again keeps its row, id and review status: a flag a reviewer resolved or
 *   dismissed stays so (its message and severity are refreshed);
 * - a new problem is inserted open;
 * - an open flag the checks no longer raise is deleted (the problem is gone and nobody acted on
 *   it); a resolved or dismissed one is kept, with `raised` false, as the record of the decision
 *   (should the problem come back, the decision still holds).
 * Two flags of one check with the same fingerprint (e.g. LOW_CONFIDENCE on two fields of one
 * document) become one, with both messages and the graver severity.
 * The claim's completeness is then derived from the open blocking flags.
 */
export async function saveCheckResult(db: Db, claimId: string, result: CheckResultInput): Promise<SaveCheckResult> {
  return db.transaction(async (tx) => {
    const [claim] = await tx.select({ claimId: claims.claimId }).from(claims).where(eq(claims.claimId, claimId)).for('update');
    if (!claim) throw new DbError('NOT_FOUND', `claim ${claimId} does not exist`, { claimId });

    const expenseRefs = new Map(
      (await tx.select({ id: expenses.id, expenseId: expenses.expenseId }).from(expenses).where(eq(expenses.claimId, claimId))).map(
        (e) => [e.expenseId, e.id],
      ),
    );
    const documentIds = new Set(
      (await tx.select({ id: documents.id }).from(documents).where(eq(documents.claimId, claimId))).map((d) => d.id),
    );
    const expenseRef = (expenseId: string, what: string): string => {
      const ref = expenseRefs.get(expenseId);
      if (!ref) throw new DbError('INVALID_INPUT', `${what}: claim ${claimId} has no expense ${expenseId}`, { claimId, expenseId });
      return ref;
    };
    const documentRef = (documentId: string, what: string): string => {
      if (!documentIds.has(documentId)) {
        throw new DbError('INVALID_INPUT', `${what}: claim ${claimId} has no document ${documentId}`, { claimId, documentId });
      }
      return documentId;
    };

    const matchRows = result.matches.map((m) => ({
      claimId,
      expenseRef: expenseRef(m.expenseId, 'match'),
      documentId: documentRef(m.documentId, 'match'),
      score: m.score,
      reasons: [...m.reasons],
    }));
    await tx.delete(matches).where(eq(matches.claimId, claimId));
    for (const part of chunk(matchRows, 1000)) await tx.insert(matches).values(part);

    const incoming = new Map<string, { flag: Flag; messages: string[]; expenseRef: string | null; documentId: string | null }>();
    for (const flag of result.flags) {
      if (!FLAG_SEVERITIES.includes(flag.severity)) throw new DbError('INVALID_INPUT', `flag ${flag.code}: unknown severity ${flag.severity}`);
      const what = `flag ${flag.code}`;
      const fingerprint = flagFingerprint(claimId, flag);
      const seen = incoming.get(fingerprint);
      if (seen) {
        if (!seen.messages.includes(flag.message)) seen.messages.push(flag.message);
        if (SEVERITY_RANK[flag.severity] < SEVERITY_RANK[seen.flag.severity]) seen.flag = { ...seen.flag, severity: flag.severity };
        continue;
      }
      incoming.set(fingerprint, {
        flag,
        messages: [flag.message],
        expenseRef: flag.expenseId !== undefined ? expenseRef(flag.expenseId, what) : null,
        documentId: flag.documentId !== undefined ? documentRef(flag.documentId, what) : null,
      });
    }

    const existing = await tx
      .select({ id: flags.id, fingerprint: flags.fingerprint, status: flags.status, raised: flags.raised })
      .from(flags)
      .where(eq(flags.claimId, claimId));
    const existingByFingerprint = new Map(existing.map((f) => [f.fingerprint, f]));

    const outcome: SaveCheckResult = { completeness: 'incomplete', inserted: 0, kept: 0, removed: 0, retired: 0 };
    const toInsert = [];
    for (const [fingerprint, f] of incoming) {
      const values = {
        code: f.flag.code,
        severity: f.flag.severity,
        expenseRef: f.expenseRef,
        documentId: f.documentId,
        message: f.messages.join('\n'),
      };
      const old = existingByFingerprint.get(fingerprint);
      if (old) {
        await tx.update(flags).set({ ...values, raised: true, updatedAt: sql`now()` }).where(eq(flags.id, old.id));
        outcome.kept++;
      } else {
        toInsert.push({ ...values, claimId, fingerprint, status: 'open' as const });
        outcome.inserted++;
      }
    }
    for (const part of chunk(toInsert, 500)) await tx.insert(flags).values(part);

    const stale = existing.filter((f) => !incoming.has(f.fingerprint));
    const staleOpen = stale.filter((f) => f.status === 'open').map((f) => f.id);
    const staleDecided = stale.filter((f) => f.status !== 'open' && f.raised).map((f) => f.id);
    for (const part of chunk(staleOpen, 1000)) await tx.delete(flags).where(inArray(flags.id, part));
    for (const part of chunk(staleDecided, 1000)) {
      await tx.update(flags).set({ raised: false, updatedAt: sql`now()` }).where(inArray(flags.id, part));
    }
    outcome.removed = staleOpen.length;
    outcome.retired = staleDecided.length;

    await tx
      .update(claims)
      .set({ checkedAt: result.checkedAt ?? sql`now()` })
      .where(eq(claims.claimId, claimId));
    outcome.completeness = await refreshCompleteness(tx, claimId);
    return outcome;
  });
}

// ---------------------------------------------------------------------------------------------
// Review

export interface SetFlagStatusResult {
  flag: FlagRecord;
  /** The claim's completeness after the change (resolving the last blocking flag completes it). */
  completeness: Completeness;
}

const ACTIONS: Record<FlagStatus, string> = { resolved: 'flag.resolve', dismissed: 'flag.dismiss', open: 'flag.reopen' };

/**
 * A reviewer resolves or dismisses a flag (or reopens it), with a note. The decision is audited
 * and the claim's completeness follows. A flag the checks no longer raise cannot be reopened.
 */
export async function setFlagStatus(
  db: Db,
  flagId: string,
  status: FlagStatus,
  actor: string,
  note: string | null = null,
): Promise<SetFlagStatusResult> {
  requireActor(actor);
  if (!FLAG_STATUSES.includes(status)) throw new DbError('INVALID_INPUT', `unknown flag status: ${String(status)}`);
  const notFound = () => new DbError('NOT_FOUND', `flag ${flagId} does not exist (or no longer applies)`, { flagId });
  if (!isUuid(flagId)) throw notFound();
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(flags).where(eq(flags.id, flagId)).for('update');
    if (!before) throw notFound();
    if (status === 'open' && !before.raised) {
      throw new DbError('INVALID_TRANSITION', `flag ${flagId} is no longer raised by the checks; there is nothing to reopen`, { flagId });
    }
    const decided = status !== 'open';
    await tx
      .update(flags)
      .set({
        status,
        resolvedBy: decided ? actor : null,
        resolvedAt: decided ? sql`now()` : null,
        note,
        updatedAt: sql`now()`,
      })
      .where(eq(flags.id, flagId));
    await writeAudit(tx, {
      actor,
      action: ACTIONS[status],
      targetType: 'flag',
      targetId: flagId,
      claimId: before.claimId,
      before: { status: before.status, code: before.code, message: before.message, note: before.note, resolvedBy: before.resolvedBy },
      after: { status, note },
      note,
    });
    const completeness = await refreshCompleteness(tx, before.claimId);
    const flag = await getFlag(tx, flagId);
    return { flag: flag!, completeness };
  });
}
