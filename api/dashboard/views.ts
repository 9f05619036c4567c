// What each page shows, gathered through the services (no query of its own): the page modules
// only lay it out.
import type { ClaimDetail, DocumentWithExtraction, FlagRecord, ReviewFlag } from '../../db/queries.ts';
import type { FlagCode } from '../../pipeline/enums.ts';
import { getClaimForActor } from '../../services/claims.ts';
import { today, type Actor, type ServiceDeps } from '../../services/context.ts';
import { getDocumentForActor } from '../../services/documents.ts';
import { asServiceError } from '../../services/errors.ts';
import { countFlagsForActor, getFlagForActor, listFlagsForActor } from '../../services/flags.ts';
import { describeMissing, type MissingDocument } from '../../services/reports/missing.ts';
import type { ClaimView } from './pages/claim.tsx';
import type { ReviewItem, ReviewResult } from './pages/review.tsx';

export function todayOf(deps: Pick<ServiceDeps, 'clock' | 'config'>): string {
  return today(deps.clock, deps.config.reportTimeZone);
}

export function missingDocuments(docs: readonly DocumentWithExtraction[]): MissingDocument[] {
  return docs.map((d) => {
    const f = d.extraction?.fields;
    return {
      documentId: d.id,
      file: d.fileName,
      kind: d.extraction?.kind ?? d.kind ?? null,
      vendor: f?.vendor?.value ?? null,
      amountMinor: f?.amount?.value ?? null,
      currency: f?.currency?.value ?? null,
      date: f?.date?.value ?? null,
    };
  });
}

/**
 * A readable name for the document `id` duplicates: its file name (and claim, when another), and
 * nothing about a claim the actor may not see.
 */
export async function duplicateName(deps: Pick<ServiceDeps, 'db'>, actor: Actor, id: string, claimId: string): Promise<string> {
  try {
    const doc = await getDocumentForActor(deps, actor, id);
    return doc.claimId === claimId ? doc.fileName : `${doc.fileName} in claim ${doc.claimId}`;
  } catch (error) {
    if (asServiceError(error)?.code === 'NOT_FOUND') return 'a file already sent for another claim';
    throw error;
  }
}

export async function claimView(deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>, actor: Actor, claimId: string): Promise<ClaimView> {
  const claim = await getClaimForActor(deps, actor, claimId);
  const asOf = todayOf(deps);
  const input = {
    usageStart: claim.usageStart,
    usageEnd: claim.usageEnd,
    deadline: claim.deadline,
    asOf,
    expenses: claim.expenses,
    documents: missingDocuments(claim.documents),
    flags: claim.flags.filter((f) => f.status === 'open'),
  };
  const duplicateNames = new Map<string, string>();
  for (const d of claim.documents) {
    if (d.duplicateOf) duplicateNames.set(d.id, await duplicateName(deps, actor, d.duplicateOf, claim.claimId));
  }
  return {
    claim,
    today: asOf,
    missing: describeMissing(input, { severities: ['blocking'] }),
    notes: describeMissing(input, { severities: ['review'] }),
    duplicateNames,
  };
}

/** The document a flag is about: its own, or the one matched to its expense. */
export function reviewItem(claim: ClaimDetail, flag: FlagRecord): ReviewItem {
  const expense = flag.expenseRef ? (claim.expenses.find((e) => e.id === flag.expenseRef) ?? null) : null;
  const match = (flag.expenseRef ? claim.matches.find((m) => m.expenseRef === flag.expenseRef) : claim.matches.find((m) => m.documentId === flag.documentId)) ?? null;
  const docId = flag.documentId ?? match?.documentId;
  const document = docId ? (claim.documents.find((d) => d.id === docId) ?? null) : null;
  // A document-level flag (unmatched, unreadable) has no expense; one matched to it may still exist.
  const expenseOfMatch = !expense && match ? (claim.expenses.find((e) => e.id === match.expenseRef) ?? null) : expense;
  return { flag, claim, expense: expenseOfMatch, document, match };
}

export const QUEUE_LIST = 200;

export interface ReviewQueue {
  flags: ReviewFlag[];
  total: number;
}

export async function reviewQueue(deps: Pick<ServiceDeps, 'db'>, actor: Actor, code: FlagCode | null): Promise<ReviewQueue> {
  const filter = { status: 'open' as const, ...(code ? { code } : {}) };
  const [flags, total] = await Promise.all([
    listFlagsForActor(deps, actor, { ...filter, order: 'deadline', limit: QUEUE_LIST }),
    countFlagsForActor(deps, actor, filter),
  ]);
  return { flags, total };
}

/** What an act on a flag led to once the checks re-ran. */
export async function reviewResult(deps: Pick<ServiceDeps, 'db'>, actor: Actor, act: ReviewResult['act'], flagId: string, code: string, claimId: string): Promise<ReviewResult> {
  let cleared = true;
  try {
    cleared = (await getFlagForActor(deps, actor, flagId)).status !== 'open';
  } catch (error) {
    // The re-check deletes an open flag that no longer applies: that is cleared too.
    if (asServiceError(error)?.code !== 'NOT_FOUND') throw error;
  }
  const claim = await getClaimForActor(deps, actor, claimId);
  const openBlocking = claim.flags.filter((f) => f.status === 'open' && f.severity === 'blocking').length;
  return { act, flagCode: code, cleared, claimId, complete: claim.completeness === 'complete', openBlocking };
}

/** After an act, the flag to open: the first still open that came after the acted one, else the first. */
export function nextAfter(before: readonly ReviewFlag[], after: readonly ReviewFlag[], actedId: string): string | null {
  const open = new Set(after.map((f) => f.id));
  const at = before.findIndex((f) => f.id === actedId);
  for (const f of at >= 0 ? before.slice(at + 1) : []) if (open.has(f.id) && f.id !== actedId) return f.id;
  return after.find((f) => f.id !== actedId)?.id ?? null;
}
