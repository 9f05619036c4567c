// Documents to expenses, one to one, maximising the total agreement (amount, vendor, date,
// currency) over the whole claim. A greedy "best pair first" can steal the only document that
// fits another expense; the optimal assignment (Hungarian method) cannot.
import { daysBetween, daysOutside, isIsoDate } from './dates.ts';
import { currencyExponent, formatMoney } from './money.ts';
import type { Claim, DocKind, Expense, ExpenseType, ExtractedFields } from './types.ts';
import { vendorSimilarity, VENDOR_MATCH_THRESHOLD } from './vendor.ts';

/** What matching needs of an evidence document; `EvidenceDocument` (checks.ts) is one. */
export interface MatchableDocument {
  id: string;
  file: string;
  kind: DocKind | null;
  fields: ExtractedFields;
}

export interface Match {
  expenseId: string;
  documentId: string;
  file: string;
  /** 0..1, three decimals. */
  score: number;
  reasons: string[];
}

export interface MatchOptions {
  /** Major units; amounts closer than this are equal. */
  amountTolerance: number;
  /** Pairs scoring below this are never matched. */
  minScore?: number;
}

/** Below this total agreement a pair is not a match (see `scorePair` for the scale). */
export const MIN_MATCH_SCORE = 0.35;
/** An amount within this relative distance still identifies a document (20 %). */
const IDENTIFYING_AMOUNT_SCORE = 0.4;

/** Which document kind backs which expense type. */
export const KIND_FOR_EXPENSE: Record<ExpenseType, DocKind> = { third_party: 'invoice', in_house: 'csr' };

// Weights of the four agreements; a CSR's vendor is the partner itself, so it does not count.
const INVOICE_WEIGHTS = { amount: 0.45, vendor: 0.3, date: 0.2, currency: 0.05 };
const CSR_WEIGHTS = { amount: 0.65, vendor: 0, date: 0.25, currency: 0.1 };

/** The document's currency, upper case; null when none was read. */
export function docCurrencyOf(fields: Pick<ExtractedFields, 'currency'>): string | null {
  return fields.currency?.value ? fields.currency.value.toUpperCase() : null;
}

// ---------------------------------------------------------------------------------------------
// Amounts

export interface AmountComparison {
  /** Both amounts at a common exponent. */
  document: number;
  claimed: number;
  exponent: number;
  diff: number;
  withinTolerance: boolean;
  sameCurrency: boolean;
}

/**
 * Compares a document total (minor units of its currency, or of 2 decimals when the currency is
 * unknown) with a claimed amount, in integers at the larger of the two exponents.
 */
export function compareAmounts(docMinor: number, docCurrency: string | null, claimedMinor: number, claimedCurrency: string, toleranceMajor: number): AmountComparison {
  const de = currencyExponent(docCurrency);
  const ce = currencyExponent(claimedCurrency);
  const exponent = Math.max(de, ce);
  const document = docMinor * 10 ** (exponent - de);
  const claimed = claimedMinor * 10 ** (exponent - ce);
  const diff = document - claimed;
  const tol = Math.round(toleranceMajor * 10 ** exponent);
  return {
    document,
    claimed,
    exponent,
    diff,
    withinTolerance: Math.abs(diff) <= tol,
    sameCurrency: docCurrency === null || docCurrency.toUpperCase() === claimedCurrency.toUpperCase(),
  };
}

// ---------------------------------------------------------------------------------------------
// Dates

export interface DateChoice {
  /** The reading used. */
  value: string;
  /** Every valid reading the document allowed, the extractor's first choice first. */
  readings: string[];
  inPeriod: boolean;
  /** Days outside the usage period (0 inside). */
  daysOutside: number;
  /** Why another reading was preferred over the extractor's first one; null when not needed. */
  note: string | null;
  /** Several readings, and the usage period admits only the one used: the day/month order is settled. */
  settledByPeriod: boolean;
}

function dateAgreement(d: string, claim: Claim, expenseDate: string): number {
  const outside = daysOutside(d, claim.usageStart, claim.usageEnd);
  const period = outside === 0 ? 1 : 0.5 * Math.max(0, 1 - outside / 60);
  const near = isIsoDate(expenseDate) ? Math.max(0, 1 - Math.abs(daysBetween(d, expenseDate)) / 60) : 0;
  return 0.6 * period + 0.4 * near;
}

/**
 * Picks among the readings of an ambiguous date (03/04/2026): a reading inside the usage period
 * wins, then the one closest to the expense date; on a tie the extractor's order stands.
 */
export function chooseDate(field: ExtractedFields['date'], claim: Claim, expenseDate: string): DateChoice | null {
  if (!field) return null;
  const readings = [...new Set([field.value, ...(field.alternatives ?? [])])].filter((d) => typeof d === 'string' && isIsoDate(d));
  if (readings.length === 0) return null;
  let best = readings[0]!;
  let bestKey = [0, 0];
  readings.forEach((d, i) => {
    const key = [daysOutside(d, claim.usageStart, claim.usageEnd) === 0 ? 1 : 0, dateAgreement(d, claim, expenseDate)];
    if (i === 0 || key[0]! > bestKey[0]! || (key[0] === bestKey[0] && key[1]! > bestKey[1]! + 1e-12)) {
      best = d;
      bestKey = key;
    }
  });
  const outside = daysOutside(best, claim.usageStart, claim.usageEnd);
  const others = readings.filter((d) => d !== best);
  let note: string | null = null;
  const othersInside = others.some((d) => daysOutside(d, claim.usageStart, claim.usageEnd) === 0);
  if (others.length > 0) {
    const why = outside === 0 && !othersInside ? 'inside the usage period' : outside === 0 ? 'inside the usage period and closest to the expense date' : 'closest to the usage period';
    note = `date ${best} chosen over ${others.join(', ')}: ${why}`;
  }
  return { value: best, readings, inPeriod: outside === 0, daysOutside: outside, note, settledByPeriod: others.length > 0 && outside === 0 && !othersInside };
}

// ---------------------------------------------------------------------------------------------
// One pair

export interface PairAssessment {
  /** 0..1 */
  score: number;
  /** The pair may be matched at all (right kind, identifying agreement, score ≥ minimum). */
  admissible: boolean;
  reasons: string[];
  date: DateChoice | null;
  amount: AmountComparison | null;
  vendorSimilarity: number | null;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
const fix2 = (x: number) => x.toFixed(2);

/**
 * How well a document agrees with an expense, with the reasons a reviewer reads. Each agreement
 * is 0..1 and weighted: amount (exact 1, within tolerance 0.97, then falling to 0 at 32 % off;
 * ×0.7 across currencies), vendor ((similarity − 0.5) / 0.5), date (inside the period, near the
 * expense date), currency (same 1, unknown 0.5). A pair is admissible only when the amount is
 * within about 20 % or (invoices) the vendor matches, and the score reaches the minimum.
 */
export function scorePair(expense: Expense, doc: MatchableDocument, claim: Claim, opts: MatchOptions, explain = true): PairAssessment {
  // Every pair of a claim is scored, few are ever explained: without `explain` no text is made.
  const says: Array<() => string> = [];
  const say = explain ? (text: () => string) => says.push(text) : () => 0;
  const wanted = KIND_FOR_EXPENSE[expense.type];
  if (doc.kind !== wanted) {
    say(() => `a ${expense.type} expense is backed by a ${wanted}, not by ${doc.kind ?? 'an unclassified document'}`);
    return withReasons({ score: 0, admissible: false, date: null, amount: null, vendorSimilarity: null }, says);
  }
  const w = doc.kind === 'invoice' ? INVOICE_WEIGHTS : CSR_WEIGHTS;
  const f = doc.fields;
  const docCurrency = docCurrencyOf(f);

  // Amount
  let amountScore = 0;
  let amount: AmountComparison | null = null;
  if (f.amount) {
    const cmp = compareAmounts(f.amount.value, docCurrency, expense.amountMinor, expense.currency, opts.amountTolerance);
    amount = cmp;
    const docMinor = f.amount.value;
    const shown = () => formatMoney(docMinor, docCurrency ?? expense.currency);
    const claimed = () => formatMoney(expense.amountMinor, expense.currency);
    const rel = Math.abs(cmp.diff) / Math.max(Math.abs(cmp.document), Math.abs(cmp.claimed), 1);
    if (cmp.diff === 0) {
      amountScore = 1;
      say(() => cmp.sameCurrency ? `amount ${shown()} equals the claimed amount` : `amount ${shown()} has the same figure as the claimed ${claimed()}, in another currency`);
    } else if (cmp.withinTolerance) {
      amountScore = 0.97;
      say(() => `amount ${shown()} is within the tolerance of the claimed ${claimed()}`);
    } else {
      amountScore = Math.max(0, 0.8 * (1 - 2.5 * rel));
      say(() => `amount ${shown()} differs from the claimed ${claimed()} by ${pct(rel)}`);
    }
    if (!cmp.sameCurrency) amountScore *= 0.7;
  } else {
    say(() => 'no total was read from the document');
  }

  // Vendor
  let vendorScore = 0;
  let similarity: number | null = null;
  if (doc.kind === 'invoice') {
    if (f.vendor) {
      const printed = f.vendor.value;
      const sim = vendorSimilarity(printed, expense.vendor);
      similarity = sim;
      vendorScore = Math.max(0, (sim - 0.5) / 0.5);
      say(() =>
        sim >= VENDOR_MATCH_THRESHOLD
          ? `vendor '${printed}' ~ '${expense.vendor}' (${fix2(sim)})`
          : `vendor '${printed}' does not match '${expense.vendor}' (${fix2(sim)})`,
      );
    } else {
      say(() => 'no vendor was read from the document');
    }
  }

  // Date
  const date = chooseDate(f.date, claim, expense.date);
  let dateScore = 0;
  if (date) {
    dateScore = dateAgreement(date.value, claim, expense.date);
    const note = date.note;
    if (note) say(() => note);
    const dist = isIsoDate(expense.date) ? Math.abs(daysBetween(date.value, expense.date)) : null;
    const distText = () => (dist === null ? '' : dist === 0 ? ', on the expense date' : `, ${dist} day${dist === 1 ? '' : 's'} from the expense date`);
    say(() =>
      date.inPeriod
        ? `date ${date.value} is inside the usage period ${claim.usageStart} – ${claim.usageEnd}${distText()}`
        : `date ${date.value} is ${date.daysOutside} day${date.daysOutside === 1 ? '' : 's'} outside the usage period ${claim.usageStart} – ${claim.usageEnd}${distText()}`,
    );
  } else {
    say(() => 'no date was read from the document');
  }

  // Currency
  let currencyScore = 0.5;
  if (docCurrency === null) {
    say(() => `no currency was read; ${expense.currency} assumed`);
  } else if (docCurrency === expense.currency.toUpperCase()) {
    currencyScore = 1;
    say(() => `currency ${docCurrency} as claimed`);
  } else {
    currencyScore = 0;
    say(() => `currency ${docCurrency} differs from the claimed ${expense.currency}`);
  }

  const score = round3(w.amount * amountScore + w.vendor * vendorScore + w.date * dateScore + w.currency * currencyScore);
  const identifying = amountScore >= IDENTIFYING_AMOUNT_SCORE || (similarity !== null && similarity >= VENDOR_MATCH_THRESHOLD);
  const minScore = opts.minScore ?? MIN_MATCH_SCORE;
  const admissible = identifying && score >= minScore;
  if (!identifying) say(() => 'neither the amount nor the vendor identifies this document');
  else if (!admissible) say(() => `score ${fix2(score)} is below the minimum ${fix2(minScore)}`);
  return withReasons({ score, admissible, date, amount, vendorSimilarity: similarity }, says);
}

function withReasons(a: Omit<PairAssessment, 'reasons'>, says: Array<() => string>): PairAssessment {
  return { ...a, reasons: says.map((t) => t()) };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// The assignment

/**
 * Maximum-weight assignment on a rectangular matrix of non-negative weights (Kuhn–Munkres with
 * potentials, O(n²·m)). Returns, for each row, the column it is assigned to, or -1. A weight of 0
 * means "no edge": such pairs are never reported as assigned. Integer weights keep it exact.
 */
export function maxWeightAssignment(weights: number[][]): number[] {
  const rows = weights.length;
  const cols = rows === 0 ? 0 : weights[0]!.length;
  if (rows === 0 || cols === 0) return new Array<number>(rows).fill(-1);
  if (rows > cols) {
    const transposed = Array.from({ length: cols }, (_, j) => weights.map((r) => r[j]!));
    const byCol = maxWeightAssignment(transposed);
    const out = new Array<number>(rows).fill(-1);
    byCol.forEach((i, j) => {
      if (i >= 0) out[i] = j;
    });
    return out;
  }
  let max = 0;
  for (const r of weights) for (const x of r) if (x > max) max = x;
  const cost = weights.map((r) => r.map((x) => max - x));
  const assigned = minCostAssignment(cost);
  return assigned.map((j, i) => (j >= 0 && weights[i]![j]! > 0 ? j : -1));
}

/** Minimum-cost assignment of every row (rows ≤ columns). */
function minCostAssignment(cost: number[][]): number[] {
  const n = cost.length;
  const m = cost[0]!.length;
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(m + 1).fill(0);
  const p = new Array<number>(m + 1).fill(0); // p[j]: row (1-based) assigned to column j
  const way = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(m + 1).fill(Infinity);
    const used = new Array<boolean>(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) result[p[j]! - 1] = j - 1;
  return result;
}

export interface ClaimMatching {
  matches: Match[];
  /** The full assessment (with reasons) of any expense–document pair of the claim, made on demand. */
  assess(expenseId: string, documentId: string): PairAssessment | null;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Matches a claim's documents to its expenses: invoices to third_party expenses, CSRs to
 * in_house ones; `poe` and `other` documents are never matched. Expenses and documents are put
 * in a canonical order (by id) before solving, so the result does not depend on input order;
 * among equally good assignments the one found in that order is kept.
 */
export function matchClaim(claim: Claim, documents: readonly MatchableDocument[], opts: MatchOptions): ClaimMatching {
  const expenses = [...claim.expenses].sort((a, b) => byString(a.expenseId, b.expenseId));
  const docs = documents.filter((d) => d.kind === 'invoice' || d.kind === 'csr').sort((a, b) => byString(a.id, b.id) || byString(a.file, b.file));
  const weights = expenses.map((e) =>
    docs.map((d) => {
      const a = scorePair(e, d, claim, opts, false);
      // Integers keep the solver exact; +1 keeps an admissible pair above "no edge".
      return a.admissible ? Math.round(a.score * 1_000_000) + 1 : 0;
    }),
  );
  const cache = new Map<string, PairAssessment | null>();
  const assess = (expenseId: string, documentId: string): PairAssessment | null => {
    const key = `${expenseId}\u0000${documentId}`;
    let a = cache.get(key);
    if (a === undefined) {
      const e = expenses.find((x) => x.expenseId === expenseId);
      const d = docs.find((x) => x.id === documentId);
      a = e && d ? scorePair(e, d, claim, opts) : null;
      cache.set(key, a);
    }
    return a;
  };
  const matches: Match[] = [];
  maxWeightAssignment(weights).forEach((j, i) => {
    if (j < 0) return;
    const e = expenses[i]!;
    const d = docs[j]!;
    const a = assess(e.expenseId, d.id)!;
    matches.push({ expenseId: e.expenseId, documentId: d.id, file: d.file, score: a.score, reasons: [...a.reasons, `score ${fix2(a.score)}`] });
  });
  return { matches, assess };
}
