// What a partner still has to do about a claim, in words they can act on: one item per open
// flag, naming the expense, the vendor, the amount and the file concerned. The checks' flag
// messages are written for reviewers (scores, tolerances); these are written for the partner.
// The same list feeds the incomplete-claims report, the dashboard and the packet.
import type { ClaimReport } from '../../pipeline/checks.ts';
import { sortFlags } from '../../pipeline/checks.ts';
import { daysBetween, isIsoDate } from '../../pipeline/dates.ts';
import { KIND_FOR_EXPENSE } from '../../pipeline/match.ts';
import { decimalNumberToMinor, formatMoney } from '../../pipeline/money.ts';
import type { Claim, DocKind, Expense, Flag, FlagCode, FlagSeverity } from '../../pipeline/types.ts';

export type MissingExpense = Pick<Expense, 'expenseId' | 'type' | 'vendor' | 'amountMinor' | 'currency' | 'date'>;

/** What was read from an evidence document; lets an item say "the invoice says 2,450.00 EUR". */
export interface MissingDocument {
  documentId?: string;
  file: string;
  kind: DocKind | null;
  vendor: string | null;
  /** Minor units of `currency` (of 2 decimals when the currency is unknown). */
  amountMinor: number | null;
  currency: string | null;
  /** YYYY-MM-DD; for a matched document the reading the checks used. */
  date: string | null;
}

export interface MissingInput {
  usageStart: string;
  usageEnd: string;
  deadline: string;
  /** The day the list is for; deadline items count days from it. */
  asOf?: string;
  expenses: ReadonlyArray<MissingExpense>;
  /** Optional: without it, items about a document's values do not quote them. */
  documents?: ReadonlyArray<MissingDocument>;
  /** The open flags. */
  flags: ReadonlyArray<Flag>;
}

export interface MissingItem {
  code: FlagCode;
  severity: FlagSeverity;
  expenseId?: string;
  file?: string;
  /** One sentence: what is wrong, then after a colon what to do. */
  text: string;
  /** The check's own message, for reviewers. */
  message: string;
}

export interface MissingOptions {
  /** Which flags become items (default: blocking only, what keeps the claim incomplete). */
  severities?: ReadonlyArray<FlagSeverity>;
}

interface Context {
  flag: Flag;
  expense: MissingExpense | null;
  doc: MissingDocument | null;
  input: MissingInput;
}

const KIND_NAMES: Record<DocKind, string> = { invoice: 'invoice', csr: 'CSR', poe: 'proof of execution', other: 'document' };

/** "invoice" for a third-party expense, "CSR" for in-house work, else what the document is. */
function kindOf(c: Context): string {
  if (c.expense) return KIND_NAMES[KIND_FOR_EXPENSE[c.expense.type]];
  return c.doc?.kind ? KIND_NAMES[c.doc.kind] : 'document';
}

function claimed(e: MissingExpense): string {
  return formatMoney(e.amountMinor, e.currency);
}

/** "the invoice for E1 (fabrikam.jpg)", or "the invoice fabrikam.jpg" when no expense is named. */
function subject(c: Context): string {
  const file = c.flag.file ?? c.doc?.file;
  const id = c.flag.expenseId;
  if (id) return `the ${kindOf(c)} for ${id}${file ? ` (${file})` : ''}`;
  return `the ${kindOf(c)}${file ? ` ${file}` : ''}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

/** Every flag code has its wording; a new code does not compile until it has one too. */
const WORDING: Record<FlagCode, (c: Context) => string> = {
  MISSING_INVOICE: (c) => {
    const e = c.expense;
    if (!e) return `Upload the invoice for ${c.flag.expenseId ?? 'the expense'}`;
    return `Upload the invoice from ${e.vendor} for ${e.expenseId} (${claimed(e)}, ${e.date})`;
  },
  MISSING_CSR: (c) => {
    const e = c.expense;
    if (!e) return `Upload a CSR (Certification Statement and Report) for ${c.flag.expenseId ?? 'the in-house expense'}`;
    return `Upload a CSR (Certification Statement and Report) for ${e.expenseId} (${e.vendor}, ${claimed(e)}, ${e.date})`;
  },
  MISSING_POE: () => 'Upload proof of execution (agenda, attendee list, photos, screenshots)',
  AMOUNT_MISMATCH: (c) => {
    const what = kindOf(c);
    const claim = c.expense ? claimed(c.expense) : null;
    if (c.doc && c.doc.amountMinor === null) {
      return `No total could be read from ${subject(c)}: upload a clearer copy that shows the total${claim ? ` of ${claim}` : ''}`;
    }
    if (c.doc && c.doc.amountMinor !== null && claim) {
      const says = formatMoney(c.doc.amountMinor, c.doc.currency ?? c.expense!.currency);
      return `${capitalise(subject(c))} says ${says}; the claim says ${claim}: upload the right ${what} or correct the claimed amount`;
    }
    return `${capitalise(subject(c))} does not show the claimed ${claim ?? 'amount'}: upload the right ${what} or correct the claimed amount`;
  },
  CURRENCY_MISMATCH: (c) => {
    const want = c.expense?.currency;
    const has = c.doc?.currency?.toUpperCase();
    const head = has ? `${capitalise(subject(c))} is in ${has}` : `${capitalise(subject(c))} is in another currency`;
    return `${head}; the claim says ${want ?? 'another currency'}: upload the ${kindOf(c)} in ${want ?? 'the claimed currency'} or correct the claimed currency`;
  },
  DATE_OUTSIDE_PERIOD: (c) => {
    const period = `${c.input.usageStart} – ${c.input.usageEnd}`;
    if (c.doc && c.doc.date === null) return `No date could be read from ${subject(c)}: upload a copy that shows the date (usage period ${period})`;
    const dated = c.doc?.date ? ` is dated ${c.doc.date},` : ' is dated';
    return `${capitalise(subject(c))}${dated} outside the usage period ${period}: upload the ${kindOf(c)} for work done within the period`;
  },
  VENDOR_MISMATCH: (c) => {
    const want = c.expense?.vendor;
    if (c.doc && c.doc.vendor === null) return `No vendor name could be read from ${subject(c)}: upload a copy that shows who issued it`;
    const from = c.doc?.vendor ? ` is from ${c.doc.vendor}` : ' is from another vendor';
    return `${capitalise(subject(c))}${from}; the claim says ${want ?? 'another vendor'}: upload the invoice from ${want ?? 'the claimed vendor'} or correct the claimed vendor`;
  },
  DUPLICATE_DOCUMENT: (c) =>
    `${capitalise(subject(c))} is used twice (${c.flag.message}): upload the ${kindOf(c)} that belongs to ${c.flag.expenseId ?? 'this expense'} alone`,
  UNREADABLE_DOCUMENT: (c) => {
    const file = c.flag.file ?? c.doc?.file;
    return `The file ${file ?? 'uploaded'} could not be read: upload a readable copy (a PDF without a password, or a sharp scan or photo)`;
  },
  MIXED_CURRENCY: (c) => {
    const byCurrency = new Map<string, string[]>();
    for (const e of c.input.expenses) byCurrency.set(e.currency, [...(byCurrency.get(e.currency) ?? []), e.expenseId]);
    const parts = [...byCurrency.keys()].sort().map((cur) => `${cur} (${byCurrency.get(cur)!.join(', ')})`);
    const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? 'several currencies');
    return `The expenses are in ${list}: claim every expense of a claim in one currency`;
  },
  CSR_TOTAL_MISMATCH: (c) => `${capitalise(subject(c))} does not add up (${c.flag.message}): upload a corrected CSR`,
  POE_BRANDING_MISSING: (c) => `No proof of execution shows the programme's required branding (${c.flag.message}): upload proof of execution that shows it`,
  LOW_CONFIDENCE: (c) => `Some values on ${subject(c)} were hard to read and will be checked by a reviewer: a sharper copy helps`,
  UNMATCHED_DOCUMENT: (c) => {
    const file = c.flag.file ?? c.doc?.file;
    const what = c.doc?.kind ? KIND_NAMES[c.doc.kind] : 'document';
    return `The ${what}${file ? ` ${file}` : ''} matches no claimed expense: add the expense it belongs to, or remove the file if it was uploaded by mistake`;
  },
  DEADLINE_SOON: (c) => {
    const left = c.input.asOf && isIsoDate(c.input.asOf) ? daysBetween(c.input.asOf, c.input.deadline) : null;
    const when = left === null ? `on ${c.input.deadline}` : left === 0 ? `today (${c.input.deadline})` : `in ${days(left)} (${c.input.deadline})`;
    return `The claim is due ${when}: upload what is missing before then`;
  },
  DEADLINE_PASSED: (c) => {
    const late = c.input.asOf && isIsoDate(c.input.asOf) ? daysBetween(c.input.deadline, c.input.asOf) : null;
    const ago = late !== null && late > 0 ? ` ${days(late)} ago` : '';
    return `The deadline ${c.input.deadline} passed${ago}: contact the programme team about a late submission`;
  },
};

function findDocument(input: MissingInput, flag: Flag): MissingDocument | null {
  const docs = input.documents ?? [];
  if (flag.documentId !== undefined) {
    const byId = docs.find((d) => d.documentId === flag.documentId);
    if (byId) return byId;
  }
  return flag.file !== undefined ? (docs.find((d) => d.file === flag.file) ?? null) : null;
}

const DEFAULT_SEVERITIES: ReadonlyArray<FlagSeverity> = ['blocking'];

/**
 * The items for the open flags, in the checks' flag order (blocking first, then by code in the
 * spec's order, then expense and file), so the same flags always give the same list.
 */
export function describeMissing(input: MissingInput, options: MissingOptions = {}): MissingItem[] {
  const severities = new Set(options.severities ?? DEFAULT_SEVERITIES);
  const flags = sortFlags(input.flags.filter((f) => severities.has(f.severity)));
  const items: MissingItem[] = [];
  const seen = new Set<string>();
  for (const flag of flags) {
    const expense = flag.expenseId !== undefined ? (input.expenses.find((e) => e.expenseId === flag.expenseId) ?? null) : null;
    const text = WORDING[flag.code]({ flag, expense, doc: findDocument(input, flag), input });
    // Two flags can ask for the same thing (the same file unreadable twice): say it once.
    if (seen.has(text)) continue;
    seen.add(text);
    const item: MissingItem = { code: flag.code, severity: flag.severity, text, message: flag.message };
    if (flag.expenseId !== undefined) item.expenseId = flag.expenseId;
    if (flag.file !== undefined) item.file = flag.file;
    items.push(item);
  }
  return items;
}

/** The documents of a check report, amounts back in minor units. */
export function documentsOfReport(report: Pick<ClaimReport, 'documents'>): MissingDocument[] {
  return report.documents.map((d) => ({
    documentId: d.documentId,
    file: d.file,
    kind: d.kind,
    vendor: d.vendor,
    amountMinor: d.amount === null ? null : decimalNumberToMinor(d.amount, d.currency),
    currency: d.currency,
    date: d.date,
  }));
}

/** What is missing for a claim straight from `checkClaims`' report of it. */
export function missingFromReport(claim: Pick<Claim, 'usageStart' | 'usageEnd' | 'expenses'>, report: ClaimReport, asOf?: string, options: MissingOptions = {}): MissingItem[] {
  return describeMissing(
    {
      usageStart: claim.usageStart,
      usageEnd: claim.usageEnd,
      deadline: report.deadline,
      ...(asOf !== undefined ? { asOf } : {}),
      expenses: claim.expenses,
      documents: documentsOfReport(report),
      flags: report.flags,
    },
    options,
  );
}
