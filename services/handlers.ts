// The job catalogue's handlers: each one a service operation. A Record over the job names, so a
// job without a handler does not compile.
import { recheckClaim } from './checks.ts';
import type { ServiceDeps } from './context.ts';
import { ingestDocument, markIngestFailed } from './documents.ts';
import type { FinalFailureHandlers, JobHandlers } from './jobs.ts';
import { buildReport } from './report.ts';

export function createJobHandlers(deps: ServiceDeps): JobHandlers {
  return {
    ingest: (payload, ctx) => ingestDocument(deps, payload.documentId, ctx),
    recheck: async (payload) => {
      const results = await recheckClaim(deps, payload.claimId).catch((error: unknown) => {
        // A claim deleted since the job was queued has nothing left to check.
        if ((error as { code?: string }).code === 'NOT_FOUND') return [];
        throw error;
      });
      return results.map((r) => ({ claimId: r.claimId, completeness: r.saved.completeness }));
    },
    report: async (payload) => {
      const run = await buildReport(deps, { asOf: payload.asOf, trigger: payload.trigger });
      return { reportId: run.id, asOf: run.asOf };
    },
  };
}

export function createFinalFailureHandlers(deps: ServiceDeps): FinalFailureHandlers {
  return {
    ingest: (payload, error) => markIngestFailed(deps, payload.documentId, error),
  };
}
