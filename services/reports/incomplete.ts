// The incomplete-claims report: which claims still lack something, how long their partners have
// left, and what exactly is missing. Pure: the service fills `IncompleteReportInput` from the
// database; the renderers (JSON, CSV, PDF) only lay out the object built here.
import { DEFAULT_CHECK_CONFIG, FLAG_SEVERITY, sortFlags } from '../../pipeline/checks.ts';
import { daysBetween, isIsoDate } from '../../pipeline/dates.ts';
import { formatMoney, minorToDecimal, sumByCurrency } from '../../pipeline/money.ts';
import type { Claim, ClaimStatus, Flag, FlagCode } from '../../pipeline/types.ts';
import { describeMissing, type MissingDocument, type MissingExpense, type MissingItem } from './missing.ts';

/** What identifies a claim in the report, as given and as listed. */
export interface ClaimHeading extends Omit<Claim, 'expenses'> {
  status: ClaimStatus;
  /** YYYY-MM-DD, as stored (usage end + the configured days). */
  deadline: string;
  /** The claim's one currency; null when its expenses are mixed or there are none. */
  currency: string | null;
}

/** One claim as the report needs it; `flags` are the claim's open flags only. */
export interface ReportClaimInput extends ClaimHeading {
  completeness: 'complete' | 'incomplete';
  flags: ReadonlyArray<Flag>;
  expenses: ReadonlyArray<MissingExpense>;
  /** What was read from the claim's documents; lets the missing list quote the read values. */
  documents?: ReadonlyArray<MissingDocument>;
}

export interface IncompleteReportInput {
  /** The day the report is for (days left count from it). */
  asOf: string;
  generatedAt: Date | string;
  claims: ReadonlyArray<ReportClaimInput>;
  /** "Due soon" means within this many days of `asOf` (default: the checks' 7). */
  deadlineSoonDays?: number;
}

export type DeadlineState = 'overdue' | 'due_soon' | 'open';

export interface IncompleteClaim extends ClaimHeading {
  /** Days from the as-of date to the deadline; negative when overdue. */
  daysLeft: number;
  deadlineState: DeadlineState;
  /** Sum of the claimed expenses in minor units of `currency`; null when they are in several currencies. */
  claimedMinor: number | null;
  /** Decimal major units, for JSON readers; never sum these. Null as `claimedMinor`. */
  claimedAmount: number | null;
  /** "3,150.00 EUR"; "1,200.00 USD + 300.00 EUR" for expenses in several currencies. */
  claimedText: string;
  blockingFlags: Flag[];
  missing: MissingItem[];
}

export interface ReportSummary {
  /** Claims the report looked at. */
  claims: number;
  /** Of those, listed as incomplete. */
  incomplete: number;
  overdue: number;
  dueSoon: number;
  /** Open flags of every severity over all claims looked at, by code in the spec's order. */
  openFlagsByCode: Partial<Record<FlagCode, number>>;
  openFlags: number;
}

export interface IncompleteClaimsReport {
  title: string;
  asOf: string;
  /** ISO timestamp. */
  generatedAt: string;
  deadlineSoonDays: number;
  summary: ReportSummary;
  /** By deadline, then claim id. */
  claims: IncompleteClaim[];
}

export const REPORT_TITLE = 'Incomplete claims';

// ---------------------------------------------------------------------------------------------
// Rules

/** Statuses the programme has decided on: nothing more is asked of the partner. */
const DECIDED: ReadonlySet<ClaimStatus> = new Set<ClaimStatus>(['approved', 'rejected']);

/**
 * Listed when it is incomplete (by the last check, or by a blocking flag still open) and not yet
 * approved or rejected: a decided claim is not chased for evidence.
 */
export function isListed(claim: Pick<ReportClaimInput, 'completeness' | 'status' | 'flags'>): boolean {
  if (DECIDED.has(claim.status)) return false;
  return claim.completeness === 'incomplete' || claim.flags.some((f) => f.severity === 'blocking');
}

export function daysLeft(asOf: string, deadline: string): number {
  return daysBetween(asOf, deadline);
}

/** Overdue after the deadline day; due soon from `soonDays` before it up to the day itself. */
export function deadlineState(left: number, soonDays: number): DeadlineState {
  if (left < 0) return 'overdue';
  return left <= soonDays ? 'due_soon' : 'open';
}

export function openBlockingFlags(flags: ReadonlyArray<Flag>): Flag[] {
  return sortFlags(flags.filter((f) => f.severity === 'blocking'));
}

function compareListed(a: IncompleteClaim, b: IncompleteClaim): number {
  return a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0;
}

const CODE_ORDER = Object.keys(FLAG_SEVERITY) as FlagCode[];

function countFlagsByCode(claims: ReadonlyArray<ReportClaimInput>): Partial<Record<FlagCode, number>> {
  const counts = new Map<FlagCode, number>();
  for (const c of claims) for (const f of c.flags) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  // Spec order, so two runs list the codes alike and a chart's bars do not move around.
  return Object.fromEntries(CODE_ORDER.filter((code) => counts.has(code)).map((code) => [code, counts.get(code)!]));
}

function summarise(all: ReadonlyArray<ReportClaimInput>, listed: ReadonlyArray<IncompleteClaim>): ReportSummary {
  const byCode = countFlagsByCode(all);
  return {
    claims: all.length,
    incomplete: listed.length,
    overdue: listed.filter((c) => c.deadlineState === 'overdue').length,
    dueSoon: listed.filter((c) => c.deadlineState === 'due_soon').length,
    openFlagsByCode: byCode,
    openFlags: Object.values(byCode).reduce((n, v) => n + v, 0),
  };
}

function toIsoTimestamp(value: Date | string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError(`generatedAt "${String(value)}" is not a timestamp`);
  return d.toISOString();
}

// ---------------------------------------------------------------------------------------------
// View

/** The claimed sum per currency, in the order the expenses first name them. */
function claimedByCurrency(c: ReportClaimInput): { currency: string | null; minor: number }[] {
  const sums = sumByCurrency(c.expenses);
  return sums.length ? sums : [{ currency: c.currency, minor: 0 }];
}

function listedClaim(c: ReportClaimInput, asOf: string, soonDays: number): IncompleteClaim {
  const left = daysLeft(asOf, c.deadline);
  // Amounts in different currencies are never added: a mixed claim lists each currency's sum.
  const sums = claimedByCurrency(c);
  const one = sums.length === 1 ? sums[0]! : null;
  return {
    claimId: c.claimId,
    partner: c.partner,
    program: c.program,
    activity: c.activity,
    status: c.status,
    usageStart: c.usageStart,
    usageEnd: c.usageEnd,
    deadline: c.deadline,
    daysLeft: left,
    deadlineState: deadlineState(left, soonDays),
    currency: c.currency,
    claimedMinor: one ? one.minor : null,
    claimedAmount: one ? minorToDecimal(one.minor, one.currency) : null,
    claimedText: sums.map((x) => formatMoney(x.minor, x.currency)).join(' + '),
    blockingFlags: openBlockingFlags(c.flags),
    missing: describeMissing({
      usageStart: c.usageStart,
      usageEnd: c.usageEnd,
      deadline: c.deadline,
      asOf,
      expenses: c.expenses,
      ...(c.documents ? { documents: c.documents } : {}),
      flags: c.flags,
    }),
  };
}

export function buildIncompleteClaimsReport(input: IncompleteReportInput): IncompleteClaimsReport {
  if (!isIsoDate(input.asOf)) throw new RangeError(`as-of date "${input.asOf}" is not a calendar date in YYYY-MM-DD form`);
  const soonDays = input.deadlineSoonDays ?? DEFAULT_CHECK_CONFIG.deadlineSoonDays;
  const listed = input.claims
    .filter(isListed)
    .map((c) => listedClaim(c, input.asOf, soonDays))
    .sort(compareListed);
  return {
    title: REPORT_TITLE,
    asOf: input.asOf,
    generatedAt: toIsoTimestamp(input.generatedAt),
    deadlineSoonDays: soonDays,
    summary: summarise(input.claims, listed),
    claims: listed,
  };
}
