// The incomplete-claims report as JSON and as CSV.
import { minorToDecimalText } from '../../pipeline/money.ts';
import { writeCsv, type CsvColumn, type CsvValue } from './csv.ts';
import type { IncompleteClaim, IncompleteClaimsReport } from './incomplete.ts';

/** The report object as it is, pretty-printed; `JSON.parse` gives it back. */
export function toJson(report: IncompleteClaimsReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * One row per thing a partner has to do (an open blocking flag, in plain words), the claim's
 * columns repeated on each. That is what a programme team filters, sorts and pivots in a
 * spreadsheet: by deadline to chase the urgent ones, by partner to write one e-mail each, by
 * flag code to see what is usually missing, with `what_is_missing` ready to paste. An
 * incomplete claim with no open blocking flag (a stale check) still gets one row, so no claim
 * drops out. `days_left` is negative when overdue; `claimed` is a plain decimal in `currency`.
 */
export const REPORT_CSV_COLUMNS = [
  { key: 'as_of', header: 'as_of' },
  { key: 'claim_id', header: 'claim_id' },
  { key: 'partner', header: 'partner' },
  { key: 'program', header: 'program' },
  { key: 'activity', header: 'activity' },
  { key: 'status', header: 'status' },
  { key: 'usage_start', header: 'usage_start' },
  { key: 'usage_end', header: 'usage_end' },
  { key: 'deadline', header: 'deadline' },
  { key: 'days_left', header: 'days_left' },
  { key: 'deadline_state', header: 'deadline_state' },
  { key: 'currency', header: 'currency' },
  { key: 'claimed', header: 'claimed' },
  { key: 'flag_code', header: 'flag_code' },
  { key: 'expense_id', header: 'expense_id' },
  { key: 'file', header: 'file' },
  { key: 'what_is_missing', header: 'what_is_missing' },
  { key: 'check_message', header: 'check_message' },
] as const satisfies ReadonlyArray<CsvColumn>;

type ReportCsvKey = (typeof REPORT_CSV_COLUMNS)[number]['key'];
type ReportCsvRow = Partial<Record<ReportCsvKey, CsvValue>>;

function claimColumns(asOf: string, c: IncompleteClaim): ReportCsvRow {
  return {
    as_of: asOf,
    claim_id: c.claimId,
    partner: c.partner,
    program: c.program,
    activity: c.activity,
    status: c.status,
    usage_start: c.usageStart,
    usage_end: c.usageEnd,
    deadline: c.deadline,
    days_left: c.daysLeft,
    deadline_state: c.deadlineState,
    currency: c.currency,
    // A claim in several currencies has no one claimed figure: the column stays empty.
    claimed: c.claimedMinor === null ? null : minorToDecimalText(c.claimedMinor, c.currency),
  };
}

export function toCsvRows(report: IncompleteClaimsReport): ReportCsvRow[] {
  return report.claims.flatMap((c) => {
    const base = claimColumns(report.asOf, c);
    if (c.missing.length === 0) return [base];
    return c.missing.map((m) => ({ ...base, flag_code: m.code, expense_id: m.expenseId, file: m.file, what_is_missing: m.text, check_message: m.message }));
  });
}

export function toCsv(report: IncompleteClaimsReport): string {
  return writeCsv(REPORT_CSV_COLUMNS, toCsvRows(report));
}
