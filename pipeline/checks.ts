// Every check of the spec, over all claims at once (a duplicate invoice can hide in another
// claim). Pure: claims and already-processed documents in, one report per claim out. Every flag
// says in words what is wrong, with the values that made it so.
import { addDays, daysBetween, isIsoDate } from './dates.ts';
import { FLAG_CODES, FLAG_SEVERITIES } from './enums.ts';
import { docCurrencyOf, KIND_FOR_EXPENSE, matchClaim, type ClaimMatching, type Match, type PairAssessment } from './match.ts';
import { currencyExponent, formatMoney, minorToDecimal } from './money.ts';
import type { Claim, DocKind, Expense, ExpenseType, ExtractedFields, Extraction, Flag, FlagCode, FlagSeverity, ProcessedDocument } from './types.ts';
import { judgePlainText } from './usable-text.ts';
import { containsFuzzy, normalizeVendor, vendorSimilarity, VENDOR_MATCH_THRESHOLD } from './vendor.ts';

export type { Match } from './match.ts';

export interface EvidenceDocument {
  /** CLI: the file path; service: the document id. */
  id: string;
  claimId: string;
  /** Display name / path. */
  file: string;
  sha256: string;
  status: 'done' | 'failed';
  error: { code: string; message: string } | null;
  kind: DocKind | null;
  /** Each field may be null. */
  fields: ExtractedFields;
  csr: Extraction['csr'];
  /** Full text, for the branding check and the "no usable text" test. */
  text: string;
}

export interface CheckConfig {
  /** Major units; default 0.01. */
  amountTolerance: number;
  /** Fields read below this confidence raise LOW_CONFIDENCE; default 0.6. */
  lowConfidence: number;
  /** A claim is due this many days after usage_end; default 45. */
  deadlineDays: number;
  /** DEADLINE_SOON within this many days of the as-of date; default 7. */
  deadlineSoonDays: number;
  /**
   * Per programme (the claim's `program`, exact, else case-insensitive): brand texts of which a
   * POE document must show at least one. No entry, or an empty list: no branding check.
   */
  brandText: Record<string, string[]>;
}

export const DEFAULT_CHECK_CONFIG: Readonly<CheckConfig> = Object.freeze({
  amountTolerance: 0.01,
  lowConfidence: 0.6,
  deadlineDays: 45,
  deadlineSoonDays: 7,
  brandText: {},
});

export interface ClaimReport {
  claimId: string;
  status: 'complete' | 'incomplete';
  deadline: string;
  expenses: Array<{ expenseId: string; type: ExpenseType; vendor: string; amount: number; currency: string; date: string; documentId: string | null; file: string | null }>;
  documents: Array<{
    documentId: string;
    file: string;
    kind: DocKind | null;
    vendor: string | null;
    amount: number | null;
    currency: string | null;
    /** For a matched document, the reading of an ambiguous date that the checks used. */
    date: string | null;
    invoiceNumber: string | null;
    status: 'done' | 'failed';
    expenseId: string | null;
  }>;
  matches: Match[];
  /** Blocking first, then review, then info; within a severity by code, expense, document. */
  flags: Flag[];
}

export const FLAG_SEVERITY: Record<FlagCode, FlagSeverity> = {
  MISSING_INVOICE: 'blocking',
  MISSING_CSR: 'blocking',
  MISSING_POE: 'blocking',
  AMOUNT_MISMATCH: 'blocking',
  CURRENCY_MISMATCH: 'blocking',
  DATE_OUTSIDE_PERIOD: 'blocking',
  VENDOR_MISMATCH: 'blocking',
  DUPLICATE_DOCUMENT: 'blocking',
  UNREADABLE_DOCUMENT: 'blocking',
  MIXED_CURRENCY: 'blocking',
  CSR_TOTAL_MISMATCH: 'blocking',
  POE_BRANDING_MISSING: 'review',
  LOW_CONFIDENCE: 'review',
  UNMATCHED_DOCUMENT: 'review',
  DEADLINE_SOON: 'info',
  DEADLINE_PASSED: 'blocking',
};

/** The spec table's order, used to sort flags of the same severity. */
const FLAG_ORDER: readonly FlagCode[] = FLAG_CODES;
const SEVERITY_ORDER: readonly FlagSeverity[] = FLAG_SEVERITIES;

/** A document date further than this from the usage period, read with low confidence, is taken for a misreading. */
const FAR_FROM_PERIOD_DAYS = 180;

const EMPTY_FIELDS: ExtractedFields = { vendor: null, amount: null, currency: null, date: null, invoiceNumber: null };

export function toEvidenceDocument(p: ProcessedDocument, claimId: string, id: string = p.file): EvidenceDocument {
  return {
    id,
    claimId,
    file: p.file,
    sha256: p.sha256,
    status: p.status,
    error: p.error ? { code: p.error.code, message: p.error.message } : null,
    kind: p.extraction?.kind ?? null,
    fields: p.extraction?.fields ?? { ...EMPTY_FIELDS },
    csr: p.extraction?.csr ?? null,
    text: p.text,
  };
}

export function resolveConfig(config?: Partial<CheckConfig>): CheckConfig {
  const c = { ...DEFAULT_CHECK_CONFIG, ...stripUndefined(config ?? {}) };
  for (const key of ['amountTolerance', 'lowConfidence', 'deadlineDays', 'deadlineSoonDays'] as const) {
    if (!Number.isFinite(c[key]) || c[key] < 0) throw new RangeError(`check config ${key} must be a non-negative number, got ${String(c[key])}`);
  }
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** usage_end + 45 days (or `deadlineDays`). */
export function deadlineOf(claim: Pick<Claim, 'usageEnd'>, config?: Partial<CheckConfig>): string {
  return addDays(claim.usageEnd, config?.deadlineDays ?? DEFAULT_CHECK_CONFIG.deadlineDays);
}

/**
 * The deadline flag of a claim, given whether any other blocking flag is open. Exported so a
 * service that lets reviewers resolve flags can recompute it from the flags still open.
 */
export function deadlineFlag(claim: Claim, asOf: string, incomplete: boolean, config?: Partial<CheckConfig>): Flag | null {
  if (!incomplete) return null;
  const deadline = deadlineOf(claim, config);
  const soonDays = config?.deadlineSoonDays ?? DEFAULT_CHECK_CONFIG.deadlineSoonDays;
  const left = daysBetween(asOf, deadline);
  if (left < 0) {
    return flag('DEADLINE_PASSED', `the claim was due on ${deadline} (usage period ended ${claim.usageEnd}), ${-left} day${left === -1 ? '' : 's'} before ${asOf}, and is still incomplete`);
  }
  if (left <= soonDays) {
    const when = left === 0 ? 'today' : `in ${left} day${left === 1 ? '' : 's'}`;
    return flag('DEADLINE_SOON', `the claim is due ${when} (${deadline}) and is still incomplete`);
  }
  return null;
}

function flag(code: FlagCode, message: string, where: { expenseId?: string; documentId?: string; file?: string } = {}): Flag {
  const f: Flag = { code, severity: FLAG_SEVERITY[code], message };
  if (where.expenseId !== undefined) f.expenseId = where.expenseId;
  if (where.documentId !== undefined) f.documentId = where.documentId;
  if (where.file !== undefined) f.file = where.file;
  return f;
}

const cmp = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);

export function sortFlags(flags: Flag[]): Flag[] {
  return [...flags].sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      FLAG_ORDER.indexOf(a.code) - FLAG_ORDER.indexOf(b.code) ||
      cmp(a.expenseId, b.expenseId) ||
      cmp(a.documentId, b.documentId) ||
      cmp(a.file, b.file) ||
      cmp(a.message, b.message),
  );
}

/**
 * Readable: parsed, and it yields usable text (usable-text.ts), or it is proof of execution that
 * the reader recognised from its picture (a booth photo with no words on it).
 */
export function isReadable(doc: EvidenceDocument): boolean {
  return doc.status === 'done' && (doc.kind === 'poe' || judgePlainText(doc.text).usable);
}

function kindName(kind: DocKind | null): string {
  return kind === 'csr' ? 'CSR' : kind === 'poe' ? 'POE document' : kind ?? 'document';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------
// CSR arithmetic

/**
 * Problems with a CSR's sums, in words; empty when it adds up or cannot be checked. A line with
 * hours and a rate must show hours × rate (any rounding to the minor unit is accepted); the lines
 * must add up to the stated total (or the unrounded products must round to it).
 *
 * A sum that fails only where a figure was read below `lowConfidence` (an OCR'd digit) is
 * `doubtful`, for a reviewer to verify, naming the line; a mismatch between figures all read with
 * confidence is `blocking`.
 */
export function assessCsrTotals(doc: Pick<EvidenceDocument, 'csr' | 'fields'>, lowConfidence: number = DEFAULT_CHECK_CONFIG.lowConfidence): { blocking: string[]; doubtful: string[] } {
  const csr = doc.csr;
  const out = { blocking: [] as string[], doubtful: [] as string[] };
  if (!csr || csr.lines.length === 0) return out;
  const stated = csr.statedTotalMinor ?? doc.fields.amount?.value ?? null;
  const statedConfidence = csr.statedTotalMinor !== null ? (csr.statedTotalConfidence ?? 1) : (doc.fields.amount?.confidence ?? 1);
  const currency = doc.fields.currency?.value ?? null;
  const money = (m: number) => formatMoney(Math.round(m), currency);
  const unsure = (c: number | undefined) => (c ?? 1) < lowConfidence;
  const readAs = (c: number | undefined) => ` (figures read with confidence ${(c ?? 1).toFixed(2)})`;
  const sumLines = csr.lines.reduce((a, l) => a + l.amountMinor, 0);
  // The line amounts add up to a total read with confidence: each amount is borne out by the
  // total, so where a line's hours × rate disagrees, its hours or rate is what was misread.
  const amountsBorneOut = stated !== null && sumLines === stated && !unsure(statedConfidence);
  let sumExact = 0;
  const doubtfulLines = csr.lines.filter((l) => unsure(l.confidence));
  for (const line of csr.lines) {
    if (line.hours !== null && line.rateMinor !== null) {
      const exact = line.hours * line.rateMinor;
      sumExact += exact;
      if (Math.abs(line.amountMinor - exact) >= 1 - 1e-9) {
        const what = `line "${line.description}": ${line.hours} h × ${money(line.rateMinor)} = ${money(exact)}, but the line shows ${money(line.amountMinor)}`;
        // Doubtful when one misread digit of the amount, the hours or the rate would explain it.
        const hoursRead = line.rateMinor ? line.amountMinor / line.rateMinor : NaN;
        const rateRead = line.hours ? line.amountMinor / line.hours : NaN;
        const factorMisread = (Number.isInteger(hoursRead) && oneDigitMisread(line.hours, hoursRead)) || (Number.isInteger(rateRead) && oneDigitMisread(line.rateMinor, rateRead));
        const misread = oneDigitMisread(line.amountMinor, exact) || factorMisread;
        // A doubtful hours or rate figure that the borne-out amount corrects leaves nothing to verify.
        if (unsure(line.confidence) && factorMisread && amountsBorneOut) continue;
        if (unsure(line.confidence) && misread) out.doubtful.push(what + readAs(line.confidence));
        else out.blocking.push(what);
      }
    } else {
      sumExact += line.amountMinor;
    }
  }
  if (stated !== null && sumLines !== stated && Math.abs(sumExact - stated) >= 1 - 1e-9) {
    const what = `the ${plural(csr.lines.length, 'line')} add up to ${money(sumLines)}, but the stated total is ${money(stated)}`;
    // Only a misreading that would explain the difference makes it doubtful: a doubtful line
    // whose hours × rate closes the gap, or one digit of a doubtful figure read wrong.
    const diff = stated - sumLines;
    const explains = doubtfulLines.filter(
      (l) => (l.hours !== null && l.rateMinor !== null && Math.round(l.hours * l.rateMinor) - l.amountMinor === diff) || oneDigitMisread(l.amountMinor, l.amountMinor + diff),
    );
    const statedExplains = unsure(statedConfidence) && oneDigitMisread(stated, sumLines);
    if (explains.length || statedExplains) {
      const names = [...explains.map((l) => `line "${l.description}"${readAs(l.confidence)}`), ...(statedExplains ? [`the stated total${readAs(statedConfidence)}`] : [])];
      out.doubtful.push(`${what}; ${names.join(' and ')} may be misread`);
    } else out.blocking.push(what);
  }
  return out;
}

/** `read` and `meant` differ in one digit (same number of digits): what an OCR misread makes. */
function oneDigitMisread(read: number, meant: number): boolean {
  const a = String(Math.abs(Math.round(read)));
  const b = String(Math.abs(Math.round(meant)));
  if (a.length !== b.length || a === b || read < 0 !== meant < 0) return false;
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
  return differ === 1;
}

/** The blocking problems of a CSR's sums (see assessCsrTotals). */
export function csrTotalProblems(doc: Pick<EvidenceDocument, 'csr' | 'fields'>, lowConfidence?: number): string[] {
  return assessCsrTotals(doc, lowConfidence).blocking;
}

// ---------------------------------------------------------------------------------------------
// Duplicates

interface Backing {
  claimId: string;
  expenseId: string;
  doc: EvidenceDocument;
}

/** Same invoice: normalised vendor + invoice number (letters and digits only) + amount. */
export function invoiceKey(doc: Pick<EvidenceDocument, 'fields'>): string | null {
  const f = doc.fields;
  if (!f.vendor || !f.invoiceNumber || !f.amount) return null;
  // Same key as the database's cross-claim lookup (db/queries/documents.ts): ASCII letters and digits, then upper case.
  const number = f.invoiceNumber.value.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  const vendor = normalizeVendor(f.vendor.value);
  if (number === '' || vendor === '') return null;
  return `${vendor}|${number}|${f.amount.value}|${(f.currency?.value ?? '').toUpperCase()}`;
}

function describeBacking(b: Backing, self: Backing): string {
  const where = b.claimId === self.claimId ? `expense ${b.expenseId}` : `expense ${b.expenseId} of claim ${b.claimId}`;
  return `${where} (${b.doc.file})`;
}

/** Duplicate reasons by `claimId \0 expenseId`. */
function duplicateFlags(backings: Backing[]): Map<string, string[]> {
  const groups = new Map<string, Backing[]>();
  const add = (key: string, b: Backing) => {
    const g = groups.get(key);
    if (g) g.push(b);
    else groups.set(key, [b]);
  };
  for (const b of backings) {
    if (b.doc.sha256) add(`sha:${b.doc.sha256}`, b);
    if (b.doc.kind === 'invoice') {
      const k = invoiceKey(b.doc);
      if (k) add(`inv:${k}`, b);
    }
  }
  const reasons = new Map<string, string[]>();
  for (const [key, group] of groups) {
    if (group.length < 2) continue;
    const sameFile = key.startsWith('sha:');
    for (const b of group) {
      // A copy of the same file is also the same invoice; say it once, as the stronger fact.
      const others = group
        .filter((o) => o !== b && (sameFile || !b.doc.sha256 || o.doc.sha256 !== b.doc.sha256))
        .map((o) => describeBacking(o, b))
        .sort();
      if (others.length === 0) continue;
      const what = sameFile
        ? `the same file also backs ${others.join(', ')}`
        : `the same invoice (${b.doc.fields.vendor!.value}, no. ${b.doc.fields.invoiceNumber!.value}, ${formatMoney(b.doc.fields.amount!.value, b.doc.fields.currency?.value ?? null)}) also backs ${others.join(', ')}`;
      const id = `${b.claimId}\u0000${b.expenseId}`;
      reasons.set(id, [...(reasons.get(id) ?? []), what]);
    }
  }
  return reasons;
}

// ---------------------------------------------------------------------------------------------
// The checks

interface ClaimWork {
  claim: Claim;
  docs: EvidenceDocument[];
  readable: EvidenceDocument[];
  matching: ClaimMatching;
}

/**
 * Runs every check on every claim. Documents are tied to claims by `claimId`; documents of
 * claims not in `claims` are ignored. Duplicate detection looks across all given claims.
 *
 * Decisions the spec leaves open:
 * - A matched document with no amount / date / vendor read raises AMOUNT_MISMATCH /
 *   DATE_OUTSIDE_PERIOD / VENDOR_MISMATCH saying so: the evidence is not shown to agree.
 * - Across currencies the amounts are not compared (CURRENCY_MISMATCH says both amounts);
 *   a document with no currency read raises no CURRENCY_MISMATCH: its amount is compared as
 *   printed and LOW_CONFIDENCE says the currency could not be verified.
 * - DUPLICATE_DOCUMENT is about documents that back expenses. A second copy of a file that backs
 *   nothing is not a duplicate backing; it is an UNMATCHED_DOCUMENT (review) whose message
 *   names the copy it repeats.
 * - POE_BRANDING_MISSING is raised only when the claim has readable POE (none: MISSING_POE).
 * - LOW_CONFIDENCE covers matched invoices and CSRs, on the fields matching uses: amount, date,
 *   currency, invoice number, and the vendor for invoices.
 */
export function checkClaims(input: { claims: Claim[]; documents: EvidenceDocument[]; asOf: string; config?: Partial<CheckConfig> }): ClaimReport[] {
  const config = resolveConfig(input.config);
  if (!isIsoDate(input.asOf)) throw new RangeError(`as-of date "${input.asOf}" is not a calendar date in YYYY-MM-DD form`);

  const byClaim = new Map<string, EvidenceDocument[]>();
  for (const d of input.documents) {
    const list = byClaim.get(d.claimId);
    if (list) list.push(d);
    else byClaim.set(d.claimId, [d]);
  }

  const work: ClaimWork[] = input.claims.map((claim) => {
    const docs = [...(byClaim.get(claim.claimId) ?? [])].sort((a, b) => cmp(a.file, b.file) || cmp(a.id, b.id));
    const readable = docs.filter(isReadable);
    const matching = matchClaim(claim, readable, { amountTolerance: config.amountTolerance });
    return { claim, docs, readable, matching };
  });

  const backings: Backing[] = [];
  for (const w of work) {
    for (const m of w.matching.matches) {
      const doc = w.docs.find((d) => d.id === m.documentId)!;
      backings.push({ claimId: w.claim.claimId, expenseId: m.expenseId, doc });
    }
  }
  const duplicates = duplicateFlags(backings);

  return work.map((w) => buildReport(w, duplicates, input.asOf, config));
}

function buildReport(w: ClaimWork, duplicates: Map<string, string[]>, asOf: string, config: CheckConfig): ClaimReport {
  const { claim, docs, readable, matching } = w;
  const flags: Flag[] = [];
  const matchByExpense = new Map(matching.matches.map((m) => [m.expenseId, m]));
  const matchByDoc = new Map(matching.matches.map((m) => [m.documentId, m]));
  const docById = new Map(docs.map((d) => [d.id, d]));

  // Unreadable documents
  for (const d of docs) {
    if (isReadable(d)) continue;
    const why =
      d.status === 'failed'
        ? `could not be read${d.error ? `: ${d.error.message}` : ''}`
        : 'yields no usable text (blank, a photo without text, or too faint to read)';
    flags.push(flag('UNREADABLE_DOCUMENT', `the file ${why}`, { documentId: d.id, file: d.file }));
  }

  // One currency per claim
  const currencies = [...new Set(claim.expenses.map((e) => e.currency))].sort();
  if (currencies.length > 1) {
    const per = currencies.map((c) => `${c} (${claim.expenses.filter((e) => e.currency === c).map((e) => e.expenseId).join(', ')})`);
    flags.push(flag('MIXED_CURRENCY', `the claim's expenses are in ${currencies.length} currencies: ${per.join('; ')}; a claim has one currency`));
  }

  // Per expense
  for (const e of claim.expenses) {
    const m = matchByExpense.get(e.expenseId);
    if (!m) {
      flags.push(missingFlag(e, readable, matching, matchByDoc));
      continue;
    }
    const d = docById.get(m.documentId)!;
    const a = matching.assess(e.expenseId, d.id)!;
    const at = { expenseId: e.expenseId, documentId: d.id, file: d.file };
    const f = d.fields;
    const docCurrency = docCurrencyOf(f);
    const claimed = formatMoney(e.amountMinor, e.currency);
    const what = kindName(d.kind);

    if (docCurrency !== null && docCurrency !== e.currency.toUpperCase()) {
      const shown = f.amount ? ` (${formatMoney(f.amount.value, docCurrency)} against the claimed ${claimed})` : '';
      flags.push(flag('CURRENCY_MISMATCH', `the ${what} is in ${docCurrency}, the expense is claimed in ${e.currency}${shown}`, at));
    } else if (!f.amount || !a.amount) {
      flags.push(flag('AMOUNT_MISMATCH', `no total could be read from the ${what}, so it does not show the claimed ${claimed}`, at));
    } else {
      // Matching compared the amounts already, with the same tolerance.
      const c = a.amount;
      if (!c.withinTolerance) {
        const diff = formatMoney(Math.abs(c.diff) / 10 ** (c.exponent - currencyExponent(e.currency)), e.currency);
        flags.push(
          flag(
            'AMOUNT_MISMATCH',
            `${what} total ${formatMoney(f.amount.value, docCurrency ?? e.currency)} differs from the claimed ${claimed} by ${diff} (tolerance ${config.amountTolerance})`,
            at,
          ),
        );
      }
    }

    // A date read with low confidence that lands far from the usage period (2026 read as 2014)
    // is more likely misread than issued then: a reviewer verifies it, it does not block.
    const farAndDoubtful = !!a.date && !a.date.inPeriod && a.date.daysOutside > FAR_FROM_PERIOD_DAYS && (f.date?.confidence ?? 1) < config.lowConfidence;
    if (a.date) {
      if (!a.date.inPeriod && !farAndDoubtful) {
        const readings = a.date.readings.length > 1 ? ` (none of the readings ${a.date.readings.join(', ')} is inside it)` : '';
        const side = a.date.value < claim.usageStart ? 'before its start' : 'after its end';
        flags.push(
          flag(
            'DATE_OUTSIDE_PERIOD',
            `${what} date ${a.date.value} is outside the usage period ${claim.usageStart} – ${claim.usageEnd}, ${plural(a.date.daysOutside, 'day')} ${side}${readings}`,
            at,
          ),
        );
      }
    } else {
      flags.push(flag('DATE_OUTSIDE_PERIOD', `no date could be read from the ${what}, so it is not shown to fall inside the usage period ${claim.usageStart} – ${claim.usageEnd}`, at));
    }

    if (d.kind === 'invoice') {
      if (!f.vendor) {
        flags.push(flag('VENDOR_MISMATCH', `no vendor could be read from the invoice, so it is not shown to come from '${e.vendor}'`, at));
      } else {
        const s = a.vendorSimilarity ?? vendorSimilarity(f.vendor.value, e.vendor);
        if (s < VENDOR_MATCH_THRESHOLD) {
          flags.push(flag('VENDOR_MISMATCH', `invoice vendor '${f.vendor.value}' does not match the claimed vendor '${e.vendor}' (similarity ${s.toFixed(2)}, needs ${VENDOR_MATCH_THRESHOLD})`, at));
        }
      }
    }

    const low: string[] = [];
    const used: Array<[string, ExtractedFields[keyof ExtractedFields]]> = [
      ['amount', f.amount],
      ['date', f.date],
      ['currency', f.currency],
      ['invoice number', f.invoiceNumber],
    ];
    if (d.kind === 'invoice') used.splice(1, 0, ['vendor', f.vendor]);
    // A currency nothing on the document names is not assumed to be the claimed one: say so.
    if (!f.currency && f.amount) low.push(`currency not read (the ${what} names none), so the claimed ${e.currency} could not be verified`);
    for (const [name, field] of used) {
      if (!field || field.confidence >= config.lowConfidence) continue;
      // An ambiguous day/month order is what made the date doubtful; the usage period settled it.
      if (name === 'date' && a.date?.settledByPeriod) continue;
      const shown = name === 'amount' ? formatMoney(Number(field.value), docCurrency) : String(field.value);
      const far = name === 'date' && farAndDoubtful ? `, ${plural(a.date!.daysOutside, 'day')} outside the usage period ${claim.usageStart} – ${claim.usageEnd}: more likely misread than dated so far from the activity` : '';
      low.push(`${name} '${shown}' (${field.confidence.toFixed(2)})${far}`);
    }
    if (low.length > 0) {
      flags.push(flag('LOW_CONFIDENCE', `${what} fields read with low confidence (below ${config.lowConfidence}) and used anyway, please verify: ${low.join(', ')}`, at));
    }

    const dup = duplicates.get(`${claim.claimId}\u0000${e.expenseId}`);
    if (dup) flags.push(flag('DUPLICATE_DOCUMENT', [...dup].sort().join('; and '), at));
  }

  // CSR arithmetic, matched or not
  for (const d of readable) {
    if (d.kind !== 'csr') continue;
    const { blocking, doubtful } = assessCsrTotals(d, config.lowConfidence);
    const m = matchByDoc.get(d.id);
    const at = { ...(m ? { expenseId: m.expenseId } : {}), documentId: d.id, file: d.file };
    if (blocking.length) flags.push(flag('CSR_TOTAL_MISMATCH', blocking.join('; '), at));
    if (doubtful.length) flags.push(flag('LOW_CONFIDENCE', `CSR sums do not add up where figures were read with low confidence, please verify: ${doubtful.join('; ')}`, at));
  }

  // Invoices and CSRs that back nothing
  for (const d of readable) {
    if ((d.kind !== 'invoice' && d.kind !== 'csr') || matchByDoc.has(d.id)) continue;
    flags.push(flag('UNMATCHED_DOCUMENT', unmatchedMessage(d, claim, matching, matchByDoc, docById), { documentId: d.id, file: d.file }));
  }

  // Proof of execution
  const poes = readable.filter((d) => d.kind === 'poe');
  if (poes.length === 0) {
    const unreadable = docs.filter((d) => !isReadable(d)).length;
    flags.push(flag('MISSING_POE', `the claim has no readable proof of execution (POE) document${unreadable > 0 ? `; ${plural(unreadable, 'document')} could not be read` : ''}`));
  } else {
    const brands = brandTextsFor(config.brandText, claim.program);
    if (brands.length > 0 && !poes.some((d) => brands.some((b) => containsFuzzy(d.text, b)))) {
      flags.push(
        flag(
          'POE_BRANDING_MISSING',
          `none of the ${plural(poes.length, 'POE document')} (${poes.map((d) => d.file).join(', ')}) shows the brand text required by programme '${claim.program}': ${brands.map((b) => `'${b}'`).join(' or ')}`,
        ),
      );
    }
  }

  // Completeness, then the deadline (which only counts when the claim is incomplete).
  const incomplete = flags.some((f) => f.severity === 'blocking');
  const dl = deadlineFlag(claim, asOf, incomplete, config);
  if (dl) flags.push(dl);

  const deadline = deadlineOf(claim, config);
  return {
    claimId: claim.claimId,
    status: incomplete ? 'incomplete' : 'complete',
    deadline,
    expenses: claim.expenses.map((e) => {
      const m = matchByExpense.get(e.expenseId);
      return {
        expenseId: e.expenseId,
        type: e.type,
        vendor: e.vendor,
        amount: minorToDecimal(e.amountMinor, e.currency),
        currency: e.currency,
        date: e.date,
        documentId: m?.documentId ?? null,
        file: m?.file ?? null,
      };
    }),
    documents: docs.map((d) => {
      const currency = docCurrencyOf(d.fields);
      const m = matchByDoc.get(d.id);
      // For a matched document, the reading of an ambiguous date that the checks used.
      const chosenDate = m ? matching.assess(m.expenseId, d.id)?.date?.value : undefined;
      return {
        documentId: d.id,
        file: d.file,
        kind: d.kind,
        vendor: d.fields.vendor?.value ?? null,
        amount: d.fields.amount ? minorToDecimal(d.fields.amount.value, currency) : null,
        currency,
        date: chosenDate ?? d.fields.date?.value ?? null,
        invoiceNumber: d.fields.invoiceNumber?.value ?? null,
        status: d.status,
        expenseId: m?.expenseId ?? null,
      };
    }),
    matches: [...matching.matches].sort((a, b) => cmp(a.expenseId, b.expenseId)),
    flags: sortFlags(flags),
  };
}

function brandTextsFor(table: Record<string, string[]>, program: string): string[] {
  const exact = table[program];
  const list = exact ?? Object.entries(table).find(([k]) => k.toLowerCase() === program.toLowerCase())?.[1] ?? [];
  return list.map((b) => b.trim()).filter((b) => b !== '');
}

function missingFlag(e: Expense, readable: EvidenceDocument[], matching: ClaimMatching, matchByDoc: ReadonlyMap<string, Match>): Flag {
  const code: FlagCode = e.type === 'third_party' ? 'MISSING_INVOICE' : 'MISSING_CSR';
  const wantKind = KIND_FOR_EXPENSE[e.type];
  const want = kindName(wantKind);
  const head = `expense ${e.expenseId} (${e.vendor}, ${formatMoney(e.amountMinor, e.currency)}, ${e.date}) has no matching ${want}`;
  const candidates = readable.filter((d) => d.kind === wantKind);
  const free = candidates.filter((d) => !matchByDoc.has(d.id));
  let tail: string;
  if (candidates.length === 0) {
    tail = `: the claim has no readable ${want}`;
  } else if (free.length === 0) {
    tail = candidates.length === 1 ? `: the claim's only ${want} backs another expense` : `: the claim's ${candidates.length} ${want}s all back other expenses`;
  } else {
    // An admissible free document would have been matched (the assignment is optimal), so the
    // closest free one says why nothing fits.
    const best = free
      .map((d) => ({ d, a: matching.assess(e.expenseId, d.id) }))
      .filter((x): x is { d: EvidenceDocument; a: PairAssessment } => x.a !== null)
      .sort((x, y) => y.a.score - x.a.score || cmp(x.d.id, y.d.id))[0];
    tail = best ? `; the closest unmatched ${want}, ${best.d.file} (score ${best.a.score.toFixed(2)}): ${best.a.reasons.join('; ')}` : '';
  }
  return flag(code, head + tail, { expenseId: e.expenseId });
}

function unmatchedMessage(
  d: EvidenceDocument,
  claim: Claim,
  matching: ClaimMatching,
  matchByDoc: Map<string, Match>,
  docById: Map<string, EvidenceDocument>,
): string {
  const f = d.fields;
  const facts = [f.vendor?.value, f.amount ? formatMoney(f.amount.value, f.currency?.value ?? null) : null, f.date?.value, f.invoiceNumber ? `no. ${f.invoiceNumber.value}` : null].filter(Boolean);
  const what = `${kindName(d.kind)}${facts.length ? ` (${facts.join(', ')})` : ''}`;
  const copyOf = [...matchByDoc.values()].map((m) => docById.get(m.documentId)!).find((o) => o.id !== d.id && o.sha256 !== '' && o.sha256 === d.sha256);
  if (copyOf) {
    return `an identical copy of ${copyOf.file}, which backs expense ${matchByDoc.get(copyOf.id)!.expenseId}; the copy backs nothing and is not counted twice`;
  }
  const type: ExpenseType = d.kind === 'csr' ? 'in_house' : 'third_party';
  const eligible = claim.expenses.filter((e) => e.type === type);
  if (eligible.length === 0) return `${what} matches no expense: the claim has no ${type} expense`;
  const best = eligible
    .map((e) => ({ e, a: matching.assess(e.expenseId, d.id) }))
    .filter((x): x is { e: Expense; a: PairAssessment } => x.a !== null)
    .sort((x, y) => y.a.score - x.a.score || cmp(x.e.expenseId, y.e.expenseId))[0];
  if (!best) return `${what} matches no expense`;
  if (best.a.admissible) return `${what} matches no expense: the closest, ${best.e.expenseId}, is backed by a document that fits it better`;
  return `${what} matches no expense; the closest is ${best.e.expenseId} (score ${best.a.score.toFixed(2)}): ${best.a.reasons.join('; ')}`;
}
