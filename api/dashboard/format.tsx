// How values are shown to people: dates and amounts readable, the exact value (ISO date, decimal
// amount) in the title so nothing is lost; days to a deadline coloured by urgency.
import { daysBetween } from '../../pipeline/dates.ts';
import { formatMoney, minorToDecimalText } from '../../pipeline/money.ts';

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const STAMP = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

/** "12 Mar 2026" for an ISO calendar date. */
export function humanDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : DAY.format(d);
}

export function Day({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  return (
    <time datetime={iso} title={iso}>
      {humanDate(iso)}
    </time>
  );
}

export function Stamp({ at }: { at: Date | string | null | undefined }) {
  if (!at) return <span class="muted">—</span>;
  const d = typeof at === 'string' ? new Date(at) : at;
  const iso = d.toISOString();
  return (
    <time datetime={iso} title={iso}>
      {STAMP.format(d)} UTC
    </time>
  );
}

export function Money({ minor, currency }: { minor: number | null | undefined; currency: string | null | undefined }) {
  if (minor === null || minor === undefined) return <span class="muted">—</span>;
  return (
    <span class="money" title={`${minorToDecimalText(minor, currency)}${currency ? ` ${currency}` : ''}`}>
      {formatMoney(minor, currency)}
    </span>
  );
}

export type Urgency = 'overdue' | 'soon' | 'ok' | 'settled';

export function urgencyOf(daysLeft: number, settled: boolean): Urgency {
  if (settled) return 'settled';
  return daysLeft < 0 ? 'overdue' : daysLeft <= 7 ? 'soon' : 'ok';
}

export function daysText(daysLeft: number): string {
  if (daysLeft < 0) return `${-daysLeft} day${daysLeft === -1 ? '' : 's'} overdue`;
  if (daysLeft === 0) return 'due today';
  return `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
}

/** The deadline with the days left from `today`; approved and rejected claims are not urgent. */
export function Deadline({ deadline, today, settled, inline }: { deadline: string; today: string; settled: boolean; inline?: boolean }) {
  const left = daysBetween(today, deadline);
  const urgency = urgencyOf(left, settled);
  return (
    <span class={`deadline ${urgency}${inline ? ' inline' : ''}`}>
      <Day iso={deadline} />
      {!settled && <span class="days">{daysText(left)}</span>}
    </span>
  );
}

const STATUS_NAMES: Record<string, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  needs_info: 'More info requested',
  approved: 'Approved',
  rejected: 'Rejected',
  queued: 'Queued',
  processing: 'Reading…',
  done: 'Read',
  failed: 'Failed',
  open: 'Open',
  resolved: 'Resolved',
  dismissed: 'Dismissed',
  complete: 'Complete',
  incomplete: 'Incomplete',
};

export function statusName(status: string): string {
  return STATUS_NAMES[status] ?? status;
}

export function Badge({ value, kind }: { value: string; kind?: string }) {
  return <span class={`badge ${kind ?? ''} b-${value}`}>{statusName(value)}</span>;
}

const FLAG_NAMES: Record<string, string> = {
  MISSING_INVOICE: 'Missing invoice',
  MISSING_CSR: 'Missing CSR',
  MISSING_POE: 'Missing proof of execution',
  AMOUNT_MISMATCH: 'Amount mismatch',
  CURRENCY_MISMATCH: 'Currency mismatch',
  DATE_OUTSIDE_PERIOD: 'Date outside period',
  VENDOR_MISMATCH: 'Vendor mismatch',
  DUPLICATE_DOCUMENT: 'Duplicate document',
  UNREADABLE_DOCUMENT: 'Unreadable document',
  MIXED_CURRENCY: 'Mixed currencies',
  CSR_TOTAL_MISMATCH: 'CSR does not add up',
  POE_BRANDING_MISSING: 'Branding missing',
  LOW_CONFIDENCE: 'Low confidence',
  UNMATCHED_DOCUMENT: 'Unmatched document',
  DEADLINE_SOON: 'Deadline soon',
  DEADLINE_PASSED: 'Deadline passed',
};

export function flagName(code: string): string {
  return FLAG_NAMES[code] ?? code;
}

export function FlagCodeTag({ code, severity }: { code: string; severity: string }) {
  return (
    <span class={`flag sev-${severity}`} title={`${code} (${severity})`}>
      {flagName(code)}
    </span>
  );
}

/** An audit actor as people read it: `token:rita (reviewer)` → `rita (reviewer)`. */
export function who(actor: string): string {
  return actor.replace(/^token:/, '');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** A table head; a column given as `[label, 'num']` is right-aligned. */
export function Head({ cols }: { cols: Array<string | [string, 'num']> }) {
  return (
    <thead>
      <tr>
        {cols.map((c) =>
          typeof c === 'string' ? (
            <th scope="col">{c}</th>
          ) : (
            <th scope="col" class="num">
              {c[0]}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/** A labelled select; `any` adds a first empty choice with that text. */
export function Select({ id, name, label, options, selected, any }: { id: string; name: string; label: string; options: ReadonlyArray<string | [string, string]>; selected: string | undefined | null; any?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        {any !== undefined && <option value="">{any}</option>}
        {options.map((o) => {
          const [value, text] = typeof o === 'string' ? [o, o] : o;
          return (
            <option value={value} selected={selected === value}>
              {text}
            </option>
          );
        })}
      </select>
    </div>
  );
}
