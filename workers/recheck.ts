// The body of the "match" job: run the checks of a claim again from what is stored, without
// re-reading any file, and store the verdict. Claims that share evidence with it (the same file
// or the same invoice) are checked together, since a duplicate is raised on every expense it backs.
import type { Db } from '../db/client.ts';
import {
  findSharedEvidence,
  getClaim,
  getClaimDocuments,
  saveCheckResult,
  toPipelineClaim,
  toProcessedDocument,
} from '../db/queries.ts';
import { DbError } from '../db/errors.ts';
import { checkClaims, toEvidenceDocument, type CheckConfig, type ClaimReport, type EvidenceDocument } from '../pipeline/checks.ts';
import type { Claim } from '../pipeline/types.ts';

export interface RecheckOptions {
  asOf: string;
  config?: Partial<CheckConfig>;
}

export async function recheckClaim(db: Db, claimId: string, opts: RecheckOptions): Promise<ClaimReport[]> {
  const shared = await findSharedEvidence(db, claimId);
  const ids = [claimId, ...[...new Set(shared.map((s) => s.other.claimId))].sort()];
  const claims: Claim[] = [];
  const documents: EvidenceDocument[] = [];
  for (const id of ids) {
    const detail = await getClaim(db, id);
    if (!detail) {
      if (id === claimId) throw new DbError('NOT_FOUND', `claim ${claimId} does not exist`, { claimId });
      continue;
    }
    claims.push(toPipelineClaim(detail));
    for (const doc of await getClaimDocuments(db, id, { withText: true })) {
      // Documents still queued or processing are left out: their ingest job re-checks the claim.
      const processed = toProcessedDocument(doc);
      if (processed) documents.push(toEvidenceDocument(processed, id, doc.id));
    }
  }
  const reports = checkClaims({ claims, documents, asOf: opts.asOf, ...(opts.config ? { config: opts.config } : {}) });
  for (const report of reports) {
    await saveCheckResult(db, report.claimId, {
      matches: report.matches.map((m) => ({ expenseId: m.expenseId, documentId: m.documentId, score: m.score, reasons: m.reasons })),
      flags: report.flags,
    });
  }
  return reports;
}
