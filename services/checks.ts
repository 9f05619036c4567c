// Re-checking a claim from what is stored: no file is read. The pipeline's checks decide; this
// only loads their input, accounts for what reviewers decided, and saves the verdict.
import { checkConfigOf } from '../config.ts';
import type { Db } from '../db/client.ts';
import { flagFingerprint, findSharedEvidence, getClaimFlags, loadCheckRows, saveCheckResult, toPipelineClaim, toProcessedDocument, type CheckRows, type SaveCheckResult } from '../db/queries.ts';
import { DbError } from '../db/errors.ts';
import { checkClaims, deadlineFlag, toEvidenceDocument, type ClaimReport, type EvidenceDocument } from '../pipeline/checks.ts';
import type { Claim, Flag } from '../pipeline/types.ts';
import { today, type ServiceDeps } from './context.ts';

/** Stored rows in the shape the checks take: the one converter between the two. */
export function toCheckInput(rows: CheckRows): { claims: Claim[]; documents: EvidenceDocument[] } {
  const documents: EvidenceDocument[] = [];
  for (const doc of rows.documents) {
    // Documents still queued or processing are left out: their ingest job re-checks the claim.
    const processed = toProcessedDocument(doc);
    if (processed) documents.push(toEvidenceDocument(processed, doc.claimId, doc.id));
  }
  return { claims: rows.claims.map(toPipelineClaim), documents };
}

const DEADLINE_CODES = new Set(['DEADLINE_SOON', 'DEADLINE_PASSED']);

/**
 * The checks raise the deadline flags when any blocking problem exists; a blocking flag a reviewer
 * resolved or dismissed no longer makes the claim incomplete, so the deadline flag is decided again
 * from the blocking flags still open.
 */
export function withReviewDecisions(report: ClaimReport, claim: Claim, decided: ReadonlySet<string>, asOf: string, config: Parameters<typeof deadlineFlag>[3]): Flag[] {
  const others = report.flags.filter((f) => !DEADLINE_CODES.has(f.code));
  const stillBlocking = others.some((f) => f.severity === 'blocking' && !decided.has(flagFingerprint(report.claimId, f)));
  const deadline = deadlineFlag(claim, asOf, stillBlocking, config);
  return deadline ? [...others, deadline] : others;
}

export interface RecheckResult {
  claimId: string;
  report: ClaimReport;
  saved: SaveCheckResult;
}

/**
 * Runs the checks of a claim again and stores the verdict, together with every claim that shares
 * evidence with it (a duplicate is raised on every expense it backs, in whichever claim).
 */
export async function recheckClaim(deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>, claimId: string): Promise<RecheckResult[]> {
  const { db, clock, config } = deps;
  const shared = await findSharedEvidence(db, claimId);
  const ids = [claimId, ...[...new Set(shared.map((s) => s.other.claimId))].filter((id) => id !== claimId).sort()];
  const rows = await loadCheckRows(db, ids);
  if (!rows.claims.some((c) => c.claimId === claimId)) throw new DbError('NOT_FOUND', `claim ${claimId} does not exist`, { claimId });
  const input = toCheckInput(rows);
  const asOf = today(clock, config.reportTimeZone);
  const checkConfig = checkConfigOf(config);
  const reports = checkClaims({ ...input, asOf, config: checkConfig });
  const results: RecheckResult[] = [];
  for (const report of reports) {
    const claim = input.claims.find((c) => c.claimId === report.claimId)!;
    const decided = await decidedFingerprints(db, report.claimId);
    const flags = withReviewDecisions(report, claim, decided, asOf, checkConfig);
    const saved = await saveCheckResult(db, report.claimId, {
      matches: report.matches.map((m) => ({ expenseId: m.expenseId, documentId: m.documentId, score: m.score, reasons: m.reasons })),
      flags,
      checkedAt: clock.now(),
    });
    results.push({ claimId: report.claimId, report: { ...report, flags }, saved });
  }
  return results;
}

async function decidedFingerprints(db: Db, claimId: string): Promise<Set<string>> {
  return new Set((await getClaimFlags(db, claimId)).filter((f) => f.status !== 'open').map((f) => f.fingerprint));
}
