import { and, asc, desc, eq, inArray, lt, sql, type Column, type SQL } from 'drizzle-orm';
import type { Claim, ClaimStatus, Expense } from '../../pipeline/types.ts';
import type { Db } from '../client.ts';
import { deadlineOf } from '../../pipeline/checks.ts';
import { isIsoDate } from '../../pipeline/dates.ts';
import { retentionUntil } from '../dates.ts';
import { DbError, pgErrorCode } from '../errors.ts';
import {
  CLAIM_STATUSES,
  EXPENSE_TYPES,
  claimStatusHistory,
  claims,
  documents,
  expenses,
  flags,
  type Completeness,
} from '../schema/index.ts';
import { chunk, filterValues, q, requireActor, writeAudit } from './common.ts';
import { getClaimDocuments, type DocumentWithExtraction } from './documents.ts';
import { getClaimFlags, getClaimMatches, type FlagRecord, type MatchRecord } from './checks.ts';

export type ClaimRecord = typeof claims.$inferSelect;
export type StatusHistoryRecord = typeof claimStatusHistory.$inferSelect;

/** An expense as the pipeline knows it, plus its row id (what matches and flags point at). */
export interface ExpenseRecord extends Expense {
  id: string;
}

export interface ClaimDetail extends ClaimRecord {
  expenses: ExpenseRecord[];
  documents: DocumentWithExtraction[];
  matches: MatchRecord[];
  flags: FlagRecord[];
  /** Oldest first; the first row (from null to draft) is the claim's creation. */
  history: StatusHistoryRecord[];
}

export interface ClaimSummary extends ClaimRecord {
  expenseCount: number;
  documentCount: number;
  openFlagCount: number;
  openBlockingCount: number;
  /** Sum of the expenses in minor units of `currency`; null when the currencies are mixed. */
  totalMinor: number | null;
}

export interface ImportResult {
  created: string[];
  updated: string[];
  unchanged: string[];
}

// ---------------------------------------------------------------------------------------------
// Import

const CURRENCY = /^[A-Z]{3}$/;
/** Statuses in which the partner may still change what the claim asks for. */
const EDITABLE: readonly ClaimStatus[] = ['draft', 'needs_info'];

function invalid(message: string, details?: Record<string, unknown>): never {
  throw new DbError('INVALID_INPUT', message, details);
}

function validateClaims(input: readonly Claim[]): void {
  const seen = new Set<string>();
  for (const [i, c] of input.entries()) {
    const where = `claim ${i + 1}${typeof c?.claimId === 'string' ? ` (${c.claimId})` : ''}`;
    for (const key of ['claimId', 'partner', 'program', 'activity'] as const) {
      if (typeof c?.[key] !== 'string' || c[key].trim() === '') invalid(`${where}: ${key} is required`, { claimId: c?.claimId, field: key });
    }
    if (seen.has(c.claimId)) invalid(`claim ${c.claimId} appears twice in the import`, { claimId: c.claimId });
    seen.add(c.claimId);
    if (!isIsoDate(c.usageStart)) invalid(`${where}: usageStart is not a YYYY-MM-DD date`, { claimId: c.claimId, field: 'usageStart' });
    if (!isIsoDate(c.usageEnd)) invalid(`${where}: usageEnd is not a YYYY-MM-DD date`, { claimId: c.claimId, field: 'usageEnd' });
    if (c.usageEnd < c.usageStart) invalid(`${where}: usageEnd is before usageStart`, { claimId: c.claimId, field: 'usageEnd' });
    if (!Array.isArray(c.expenses)) invalid(`${where}: expenses must be a list`, { claimId: c.claimId, field: 'expenses' });
    const expenseIds = new Set<string>();
    for (const e of c.expenses) {
      const at = `${where}, expense ${typeof e?.expenseId === 'string' ? e.expenseId : '?'}`;
      const details = (field: string) => ({ claimId: c.claimId, expenseId: e?.expenseId, field });
      if (typeof e?.expenseId !== 'string' || e.expenseId.trim() === '') invalid(`${at}: expenseId is required`, details('expenseId'));
      if (expenseIds.has(e.expenseId)) invalid(`${at}: expenseId appears twice in the claim`, details('expenseId'));
      expenseIds.add(e.expenseId);
      if (!(EXPENSE_TYPES as readonly string[]).includes(e.type)) invalid(`${at}: type must be third_party or in_house`, details('type'));
      if (typeof e.vendor !== 'string' || e.vendor.trim() === '') invalid(`${at}: vendor is required`, details('vendor'));
      if (!Number.isSafeInteger(e.amountMinor)) invalid(`${at}: amountMinor must be an integer number of minor units`, details('amountMinor'));
      if (typeof e.currency !== 'string' || !CURRENCY.test(e.currency)) invalid(`${at}: currency must be an ISO 4217 code`, details('currency'));
      if (!isIsoDate(e.date)) invalid(`${at}: date is not a YYYY-MM-DD date`, details('date'));
      if (e.description != null && typeof e.description !== 'string') invalid(`${at}: description must be text`, details('description'));
    }
  }
}

/** An expense with exactly the pipeline's properties (a row id or other extras dropped). */
export function normalizeExpense(e: Expense): Expense {
  return {
    expenseId: e.expenseId,
    type: e.type,
    vendor: e.vendor,
    amountMinor: e.amountMinor,
    currency: e.currency,
    date: e.date,
    description: e.description ?? null,
  };
}

/** What the partner says about a claim besides its expenses, without any other property. */
export function claimFields(c: Omit<Claim, 'expenses'>): Omit<Claim, 'expenses'> {
  return {
    claimId: c.claimId,
    partner: c.partner,
    program: c.program,
    activity: c.activity,
    usageStart: c.usageStart,
    usageEnd: c.usageEnd,
  };
}

/** The claim as imported, in a fixed shape, for comparison and for the audit trail. */
function claimContent(c: Omit<Claim, 'expenses'>, list: readonly Expense[]): Claim {
  return {
    ...claimFields(c),
    expenses: list.map(normalizeExpense).sort((a, b) => (a.expenseId < b.expenseId ? -1 : a.expenseId > b.expenseId ? 1 : 0)),
  };
}

function sameExpense(a: Expense, b: Expense): boolean {
  return JSON.stringify(normalizeExpense(a)) === JSON.stringify(normalizeExpense(b));
}

/** One currency per claim: the claim's currency when all expenses agree, else null. */
function claimCurrency(list: readonly Expense[]): string | null {
  const currencies = new Set(list.map((e) => e.currency));
  return currencies.size === 1 ? [...currencies][0]! : null;
}

export function toExpense(row: typeof expenses.$inferSelect): ExpenseRecord {
  return {
    id: row.id,
    expenseId: row.expenseId,
    type: row.type,
    vendor: row.vendor,
    amountMinor: row.amountMinor,
    currency: row.currency,
    date: row.date,
    description: row.description,
  };
}

/**
 * Imports claims all or nothing, in one transaction.
 *
 * Re-importing is safe, because that is what a partner does after fixing a spreadsheet:
 * - a claim that does not exist yet is created as `draft`;
 * - a claim whose content is identical is left alone (`unchanged`), so the same file twice never
 *   duplicates anything;
 * - a claim whose content differs is updated (`updated`) while it is `draft` or `needs_info`:
 *   expenses are matched by expense id, changed ones updated, new ones added, missing ones removed
 *   (with their matches and flags), and the claim is marked as not checked since;
 * - a differing claim in `submitted`, `approved` or `rejected`, or one that belongs to another
 *   partner, is a CONFLICT and nothing of the import is written.
 * Every create and update is written to the audit trail with the content before and after.
 */
export interface ImportOptions {
  /** A claim is due this many days after its usage end (config.deadlineDays; default 45). */
  deadlineDays?: number;
}

export async function importClaims(db: Db, input: readonly Claim[], actor: string, opts: ImportOptions = {}): Promise<ImportResult> {
  requireActor(actor);
  validateClaims(input);
  if (input.length === 0) return { created: [], updated: [], unchanged: [] };

  try {
    return await db.transaction((tx) => importInTransaction(tx, input, actor, opts));
  } catch (error) {
    // Another import created one of these claims between our read and our insert.
    if (pgErrorCode(error) === '23505') {
      throw new DbError('CONFLICT', 'a claim of this import was created by another import at the same time; import again', {
        cause: error instanceof Error ? error.message : String(error),
      });
    }
    throw error;
  }
}

async function importInTransaction(tx: Db, input: readonly Claim[], actor: string, opts: ImportOptions): Promise<ImportResult> {
  const due = (c: Claim) => deadlineOf(c, opts.deadlineDays === undefined ? {} : { deadlineDays: opts.deadlineDays });
  const result: ImportResult = { created: [], updated: [], unchanged: [] };
  const ids = input.map((c) => c.claimId);
  const existing = new Map<string, ClaimRecord>();
  const existingExpenses = new Map<string, ExpenseRecord[]>();
  for (const part of chunk(ids, 1000)) {
    for (const row of await tx.select().from(claims).where(inArray(claims.claimId, part)).for('update')) {
      existing.set(row.claimId, row);
    }
    for (const row of await tx.select().from(expenses).where(inArray(expenses.claimId, part))) {
      const list = existingExpenses.get(row.claimId) ?? [];
      list.push(toExpense(row));
      existingExpenses.set(row.claimId, list);
    }
  }

  const toCreate: Claim[] = [];
  const toUpdate: { next: Claim; before: ClaimRecord; beforeExpenses: ExpenseRecord[] }[] = [];
  for (const c of input) {
    const before = existing.get(c.claimId);
    if (!before) {
      toCreate.push(c);
      continue;
    }
    const beforeExpenses = existingExpenses.get(c.claimId) ?? [];
    if (before.partner !== c.partner) {
      throw new DbError('CONFLICT', `claim ${c.claimId} already exists for another partner`, { claimId: c.claimId });
    }
    const same =
      JSON.stringify(claimContent(before, beforeExpenses)) === JSON.stringify(claimContent(c, c.expenses));
    if (same) {
      result.unchanged.push(c.claimId);
      continue;
    }
    if (!EDITABLE.includes(before.status)) {
      throw new DbError(
        'CONFLICT',
        `claim ${c.claimId} is ${before.status} and differs from the import; it can only be changed while draft or needs_info`,
        { claimId: c.claimId, status: before.status },
      );
    }
    toUpdate.push({ next: c, before, beforeExpenses });
  }

  for (const part of chunk(toCreate, 500)) {
    await tx.insert(claims).values(
      part.map((c) => ({
        ...claimFields(c),
        deadline: due(c),
        currency: claimCurrency(c.expenses),
      })),
    );
    await tx
      .insert(claimStatusHistory)
      .values(part.map((c) => ({ claimId: c.claimId, fromStatus: null, toStatus: 'draft' as const, actor, note: 'imported' })));
  }
  const newExpenses = toCreate.flatMap((c) => c.expenses.map((e) => ({ ...normalizeExpense(e), claimId: c.claimId })));
  for (const part of chunk(newExpenses, 1000)) await tx.insert(expenses).values(part);
  await writeAudit(
    tx,
    toCreate.map((c) => ({
      actor,
      action: 'claim.create',
      targetType: 'claim',
      targetId: c.claimId,
      claimId: c.claimId,
      after: claimContent(c, c.expenses),
    })),
  );
  result.created.push(...toCreate.map((c) => c.claimId));

  for (const { next, before, beforeExpenses } of toUpdate) {
    await tx
      .update(claims)
      .set({
        program: next.program,
        activity: next.activity,
        usageStart: next.usageStart,
        usageEnd: next.usageEnd,
        deadline: due(next),
        currency: claimCurrency(next.expenses),
        // What was checked is no longer what is claimed.
        checkedAt: null,
        completeness: 'incomplete',
        updatedAt: sql`now()`,
      })
      .where(eq(claims.claimId, next.claimId));

    const byId = new Map(beforeExpenses.map((e) => [e.expenseId, e]));
    const keep = new Set(next.expenses.map((e) => e.expenseId));
    const gone = beforeExpenses.filter((e) => !keep.has(e.expenseId)).map((e) => e.id);
    for (const part of chunk(gone, 1000)) await tx.delete(expenses).where(inArray(expenses.id, part));
    for (const e of next.expenses) {
      const old = byId.get(e.expenseId);
      if (!old) {
        await tx.insert(expenses).values({ ...normalizeExpense(e), claimId: next.claimId });
      } else if (!sameExpense(old, e)) {
        const { expenseId: _unchangedKey, ...fields } = normalizeExpense(e);
        await tx.update(expenses).set({ ...fields, updatedAt: sql`now()` }).where(eq(expenses.id, old.id));
      }
    }

    if (next.usageEnd !== before.usageEnd) {
      // Documents whose activity date was the usage end follow it; retention never shrinks.
      const until = retentionUntil(next.usageEnd);
      await tx
        .update(documents)
        .set({
          activityDate: next.usageEnd,
          retentionUntil: sql`greatest(${documents.retentionUntil}, ${until}::date)`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(documents.claimId, next.claimId), eq(documents.activityDate, before.usageEnd)));
    }

    await writeAudit(tx, {
      actor,
      action: 'claim.update',
      targetType: 'claim',
      targetId: next.claimId,
      claimId: next.claimId,
      before: claimContent(before, beforeExpenses),
      after: claimContent(next, next.expenses),
    });
    result.updated.push(next.claimId);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function getClaimRecord(db: Db, claimId: string): Promise<ClaimRecord | null> {
  const [row] = await db.select().from(claims).where(eq(claims.claimId, claimId));
  return row ?? null;
}

/** The claim with its expenses, documents (with their latest extraction), matches, flags and history. */
export async function getClaim(db: Db, claimId: string): Promise<ClaimDetail | null> {
  const claim = await getClaimRecord(db, claimId);
  if (!claim) return null;
  const [expenseRows, docs, matchRows, flagRows, history] = await Promise.all([
    db.select().from(expenses).where(eq(expenses.claimId, claimId)).orderBy(asc(expenses.expenseId)),
    getClaimDocuments(db, claimId),
    getClaimMatches(db, claimId),
    getClaimFlags(db, claimId),
    db
      .select()
      .from(claimStatusHistory)
      .where(eq(claimStatusHistory.claimId, claimId))
      .orderBy(asc(claimStatusHistory.id)),
  ]);
  return { ...claim, expenses: expenseRows.map(toExpense), documents: docs, matches: matchRows, flags: flagRows, history };
}

/** The claim in the pipeline's shape, to run the checks again. */
export function toPipelineClaim(detail: ClaimRecord & { expenses: readonly Expense[] }): Claim {
  return {
    ...claimFields(detail),
    expenses: detail.expenses.map(normalizeExpense),
  };
}

export interface ListClaimsFilter {
  status?: ClaimStatus | readonly ClaimStatus[];
  partner?: string;
  /** Claims due strictly before this date (YYYY-MM-DD). */
  deadlineBefore?: string;
  completeness?: Completeness;
  program?: string;
  /** Case-insensitive substring of the claim id, partner, programme or activity. */
  search?: string;
  sort?: ClaimSort;
  direction?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export const CLAIM_SORTS = ['deadline', 'claimId', 'partner', 'program', 'status', 'completeness', 'amount'] as const;
export type ClaimSort = (typeof CLAIM_SORTS)[number];

function claimConditions(filter: ListClaimsFilter): SQL[] | null {
  const where: SQL[] = [];
  if (filter.status !== undefined) {
    const list = filterValues(filter.status, CLAIM_STATUSES, 'claim status', 'status');
    if (list.length === 0) return null;
    where.push(inArray(claims.status, list));
  }
  if (filter.partner !== undefined) where.push(eq(claims.partner, filter.partner));
  if (filter.deadlineBefore !== undefined) {
    if (!isIsoDate(filter.deadlineBefore)) invalid('deadlineBefore must be a YYYY-MM-DD date', { field: 'deadlineBefore' });
    where.push(lt(claims.deadline, filter.deadlineBefore));
  }
  if (filter.completeness !== undefined) where.push(eq(claims.completeness, filter.completeness));
  if (filter.program !== undefined) where.push(eq(claims.program, filter.program));
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    where.push(sql`(${claims.claimId} ilike ${pattern} or ${claims.partner} ilike ${pattern} or ${claims.program} ilike ${pattern} or ${claims.activity} ilike ${pattern})`);
  }
  return where;
}

/** Claims matching a list filter (for pagination). */
export async function countClaims(db: Db, filter: ListClaimsFilter = {}): Promise<number> {
  const where = claimConditions(filter);
  if (where === null) return 0;
  const [row] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(claims).where(and(...where));
  return row?.n ?? 0;
}

/** Distinct partners and programmes (for filter choices), limited to `partner` when given. */
export async function claimFacets(db: Db, partner?: string): Promise<{ partners: string[]; programs: string[] }> {
  const scope = partner !== undefined ? eq(claims.partner, partner) : undefined;
  const [partners, programs] = await Promise.all([
    db.selectDistinct({ v: claims.partner }).from(claims).where(scope).orderBy(asc(claims.partner)).limit(500),
    db.selectDistinct({ v: claims.program }).from(claims).where(scope).orderBy(asc(claims.program)).limit(500),
  ]);
  return { partners: partners.map((r) => r.v), programs: programs.map((r) => r.v) };
}

/** Claims ordered by deadline (soonest first) unless asked otherwise, with counts for a list view. */
export async function listClaims(db: Db, filter: ListClaimsFilter = {}): Promise<ClaimSummary[]> {
  const where = claimConditions(filter);
  if (where === null) return [];
  const sortKey = filter.sort ?? 'deadline';
  if (!CLAIM_SORTS.includes(sortKey)) invalid(`sort must be one of ${CLAIM_SORTS.join(', ')}`, { field: 'sort' });
  const dir = filter.direction === 'desc' ? desc : asc;

  // First the page's claim ids, from the claims table alone: the counts below are then computed
  // for one page of rows, not for every row an offset skips.
  const totals = db
    .select({ claimId: expenses.claimId, sum: sql<string>`sum(${expenses.amountMinor})`.as('sum') })
    .from(expenses)
    .groupBy(expenses.claimId)
    .as('totals');
  const sortColumns: Record<Exclude<ClaimSort, 'amount'>, Column> = {
    deadline: claims.deadline,
    claimId: claims.claimId,
    partner: claims.partner,
    program: claims.program,
    status: claims.status,
    completeness: claims.completeness,
  };
  const primary = sortKey === 'amount' ? dir(sql`coalesce(${totals.sum}, 0)`) : dir(sortColumns[sortKey]);
  const order = sortKey === 'deadline' ? [primary, asc(claims.claimId)] : [primary, asc(claims.deadline), asc(claims.claimId)];
  const base = db.select({ claimId: claims.claimId }).from(claims);
  const paged = await (sortKey === 'amount' ? base.leftJoin(totals, eq(totals.claimId, claims.claimId)) : base)
    .where(and(...where))
    .orderBy(...order)
    .limit(filter.limit ?? 1000)
    .offset(filter.offset ?? 0);
  if (paged.length === 0) return [];
  const ids = paged.map((r) => r.claimId);

  const count = (table: SQL, condition: SQL) => sql<number>`(select count(*) from ${table} where ${condition})`.mapWith(Number);
  const ofClaim = (column: Column) => sql`${q(column)} = ${q(claims.claimId)}`;
  const openFlags = sql`${ofClaim(flags.claimId)} and ${q(flags.status)} = 'open'`;
  const rows = await db
    .select({
      claim: claims,
      expenseCount: count(sql`${expenses}`, ofClaim(expenses.claimId)),
      documentCount: count(sql`${documents}`, ofClaim(documents.claimId)),
      openFlagCount: count(sql`${flags}`, openFlags),
      openBlockingCount: count(sql`${flags}`, sql`${openFlags} and ${q(flags.severity)} = 'blocking'`),
      total: sql<string | null>`(select sum(${q(expenses.amountMinor)})::text from ${expenses} where ${ofClaim(expenses.claimId)})`,
    })
    .from(claims)
    .where(inArray(claims.claimId, ids));
  const byId = new Map(rows.map((r) => [r.claim.claimId, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return []; // deleted between the two reads
    return [
      {
        ...r.claim,
        expenseCount: r.expenseCount,
        documentCount: r.documentCount,
        openFlagCount: r.openFlagCount,
        openBlockingCount: r.openBlockingCount,
        totalMinor: r.claim.currency !== null ? Number(r.total ?? 0) : null,
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Status

/**
 * draft → submitted → (needs_info → submitted)* → approved | rejected. A claim waiting for
 * documentation may also be rejected (the partner never sent it); approved and rejected are final.
 */
export const CLAIM_TRANSITIONS: Readonly<Record<ClaimStatus, readonly ClaimStatus[]>> = {
  draft: ['submitted'],
  submitted: ['needs_info', 'approved', 'rejected'],
  needs_info: ['submitted', 'rejected'],
  approved: [],
  rejected: [],
};

export function canTransition(from: ClaimStatus, to: ClaimStatus): boolean {
  return CLAIM_TRANSITIONS[from].includes(to);
}

export interface TransitionResult {
  claim: ClaimRecord;
  from: ClaimStatus;
  to: ClaimStatus;
}

/**
 * Moves a claim to `to`, recording the status history and the audit trail. Refuses a move the
 * workflow does not allow (INVALID_TRANSITION) and approving a claim that is not complete
 * (CLAIM_INCOMPLETE: it was never checked, changed since, or has an open blocking flag; a
 * reviewer who accepts a gap dismisses that flag with a note first).
 */
export async function transitionClaimStatus(
  db: Db,
  claimId: string,
  to: ClaimStatus,
  actor: string,
  note: string | null = null,
): Promise<TransitionResult> {
  requireActor(actor);
  if (!CLAIM_STATUSES.includes(to)) invalid(`unknown claim status: ${String(to)}`, { field: 'status' });
  return db.transaction(async (tx) => {
    const [claim] = await tx.select().from(claims).where(eq(claims.claimId, claimId)).for('update');
    if (!claim) throw new DbError('NOT_FOUND', `claim ${claimId} does not exist`, { claimId });
    const from = claim.status;
    if (!canTransition(from, to)) {
      const allowed = CLAIM_TRANSITIONS[from];
      throw new DbError(
        'INVALID_TRANSITION',
        `claim ${claimId} cannot go from ${from} to ${to}` +
          (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`),
        { claimId, from, to, allowed },
      );
    }
    if (to === 'approved' && claim.completeness !== 'complete') {
      throw new DbError(
        'CLAIM_INCOMPLETE',
        `claim ${claimId} cannot be approved: ${claim.checkedAt === null ? 'it has not been checked since its last change' : 'it has open blocking flags'}`,
        { claimId },
      );
    }
    const [updated] = await tx
      .update(claims)
      .set({ status: to, updatedAt: sql`now()` })
      .where(eq(claims.claimId, claimId))
      .returning();
    await tx.insert(claimStatusHistory).values({ claimId, fromStatus: from, toStatus: to, actor, note });
    await writeAudit(tx, {
      actor,
      action: 'claim.status',
      targetType: 'claim',
      targetId: claimId,
      claimId,
      before: { status: from },
      after: { status: to },
      note,
    });
    return { claim: updated!, from, to };
  });
}
