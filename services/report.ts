// The incomplete-claims report, built from the database: what the nightly job and
// `claimproof report` run. Each run is stored, so the API serves the latest one as it was.
import { desc, eq, inArray } from 'drizzle-orm';
import { getOpenFlagsOf, loadCheckRows, type ExtractionSummary } from '../db/queries.ts';
import { claims, reports } from '../db/schema/index.ts';
import { DEFAULT_CHECK_CONFIG } from '../pipeline/checks.ts';
import type { Flag } from '../pipeline/types.ts';
import { chunk } from '../db/queries/common.ts';
import { auditName } from './access.ts';
import { SYSTEM_ACTOR, today, type Actor, type ServiceDeps } from './context.ts';
import { buildIncompleteClaimsReport, type IncompleteClaimsReport, type ReportClaimInput } from './reports/incomplete.ts';
import type { MissingDocument } from './reports/missing.ts';

export interface ReportRun {
  id: string;
  asOf: string;
  trigger: 'schedule' | 'manual';
  actor: string;
  createdAt: Date;
  report: IncompleteClaimsReport;
}

/** Claims a report looks at: those still open in the workflow (a decided claim is settled). */
const OPEN_STATUSES = ['draft', 'submitted', 'needs_info'] as const;

/** A flag as the checks state it, without what review added (id, status, decision). */
export function plainFlag(f: Flag): Flag {
  return {
    code: f.code,
    severity: f.severity,
    message: f.message,
    ...(f.expenseId !== undefined ? { expenseId: f.expenseId } : {}),
    ...(f.documentId !== undefined ? { documentId: f.documentId } : {}),
    ...(f.file !== undefined ? { file: f.file } : {}),
  };
}

/** What was read from a stored document, as the "what is missing" wording quotes it. */
export function missingDocumentOf(d: { id: string; fileName: string; extraction: Pick<ExtractionSummary, 'kind' | 'fields'> | null }): MissingDocument {
  const f = d.extraction?.fields;
  return {
    documentId: d.id,
    file: d.fileName,
    kind: d.extraction?.kind ?? null,
    vendor: f?.vendor?.value ?? null,
    amountMinor: f?.amount?.value ?? null,
    currency: f?.currency?.value ?? null,
    date: f?.date?.value ?? null,
  };
}

/** The report's input for open claims, loaded in a fixed number of queries per 500 claims. */
export async function gatherReportInput(deps: Pick<ServiceDeps, 'db'>): Promise<ReportClaimInput[]> {
  const ids = (
    await deps.db
      .select({ claimId: claims.claimId })
      .from(claims)
      .where(inArray(claims.status, [...OPEN_STATUSES]))
      .orderBy(claims.deadline, claims.claimId)
  ).map((r) => r.claimId);
  const out: ReportClaimInput[] = [];
  for (const part of chunk(ids, 500)) {
    const rows = await loadCheckRows(deps.db, part);
    const docsByClaim = new Map<string, MissingDocument[]>();
    for (const d of rows.documents) {
      const list = docsByClaim.get(d.claimId) ?? [];
      list.push(missingDocumentOf(d));
      docsByClaim.set(d.claimId, list);
    }
    const openFlags = await getOpenFlagsOf(deps.db, part);
    for (const c of rows.claims) {
      const flags = openFlags.get(c.claimId) ?? [];
      out.push({
        claimId: c.claimId,
        partner: c.partner,
        program: c.program,
        activity: c.activity,
        status: c.status,
        usageStart: c.usageStart,
        usageEnd: c.usageEnd,
        deadline: c.deadline,
        currency: c.currency,
        completeness: c.completeness,
        flags: flags.map(plainFlag),
        expenses: c.expenses,
        documents: docsByClaim.get(c.claimId) ?? [],
      });
    }
  }
  return out;
}

export async function buildReport(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>,
  opts: { asOf?: string | undefined; trigger?: 'schedule' | 'manual'; actor?: Actor } = {},
): Promise<ReportRun> {
  const asOf = opts.asOf ?? today(deps.clock, deps.config.reportTimeZone);
  const report = buildIncompleteClaimsReport({
    asOf,
    generatedAt: deps.clock.now(),
    claims: await gatherReportInput(deps),
    deadlineSoonDays: DEFAULT_CHECK_CONFIG.deadlineSoonDays,
  });
  const actor = auditName(opts.actor ?? SYSTEM_ACTOR);
  const trigger = opts.trigger ?? 'manual';
  const [row] = await deps.db.insert(reports).values({ asOf, trigger, actor, body: report }).returning();
  return { id: row!.id, asOf, trigger, actor, createdAt: row!.createdAt, report };
}

export async function latestReport(deps: Pick<ServiceDeps, 'db'>): Promise<ReportRun | null> {
  const [row] = await deps.db.select().from(reports).orderBy(desc(reports.createdAt), desc(reports.id)).limit(1);
  return row ? toRun(row) : null;
}

export async function listReports(deps: Pick<ServiceDeps, 'db'>, limit = 30): Promise<Omit<ReportRun, 'report'>[]> {
  const rows = await deps.db
    .select({ id: reports.id, asOf: reports.asOf, trigger: reports.trigger, actor: reports.actor, createdAt: reports.createdAt })
    .from(reports)
    .orderBy(desc(reports.createdAt), desc(reports.id))
    .limit(limit);
  return rows;
}

export async function getReport(deps: Pick<ServiceDeps, 'db'>, id: string): Promise<ReportRun | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await deps.db.select().from(reports).where(eq(reports.id, id));
  return row ? toRun(row) : null;
}

function toRun(row: typeof reports.$inferSelect): ReportRun {
  return { id: row.id, asOf: row.asOf, trigger: row.trigger, actor: row.actor, createdAt: row.createdAt, report: row.body as IncompleteClaimsReport };
}

