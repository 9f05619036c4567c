// The shapes the command line prints: the JSON contract of SPEC.md and the readable tables.
import { daysBetween } from '../pipeline/dates.ts';
import { currencyExponent, formatMoney, minorToDecimal } from '../pipeline/money.ts';
import type { Field, ProcessedDocument } from '../pipeline/types.ts';
import type { ClaimReport } from '../pipeline/checks.ts';
import { displayName, safeText } from '../pipeline/safe-text.ts';

type JsonField = Omit<Field<unknown>, 'value'> & { value: unknown };

function fieldJson<T>(f: Field<T> | null, map: (v: T) => unknown = (v) => v): JsonField | null {
  if (!f) return null;
  const out: JsonField = { value: map(f.value), confidence: round(f.confidence), page: f.page, box: f.box ? roundBox(f.box) : null };
  if (f.raw !== undefined) out.raw = f.raw;
  if (f.alternatives?.length) out.alternatives = f.alternatives.map((a) => map(a));
  if (f.note) out.note = f.note;
  return out;
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
const roundBox = (b: { x: number; y: number; w: number; h: number }) => ({ x: round(b.x, 4), y: round(b.y, 4), w: round(b.w, 4), h: round(b.h, 4) });

/** One line of `claimproof extract --json`. */
export function extractJson(doc: ProcessedDocument): Record<string, unknown> {
  const f = doc.extraction?.fields;
  const currency = f?.currency?.value ?? null;
  const out: Record<string, unknown> = {
    file: doc.file,
    kind: doc.extraction?.kind ?? null,
    vendor: f?.vendor?.value ?? null,
    amount: f?.amount ? minorToDecimal(f.amount.value, currency) : null,
    currency,
    date: f?.date?.value ?? null,
    invoiceNumber: f?.invoiceNumber?.value ?? null,
    method: doc.method,
    pages: doc.pages,
    fields: {
      kind: doc.extraction ? { value: doc.extraction.kind, confidence: round(doc.extraction.kindConfidence) } : null,
      vendor: fieldJson(f?.vendor ?? null),
      amount: fieldJson(f?.amount ?? null, (v) => minorToDecimal(v, currency)),
      currency: fieldJson(f?.currency ?? null),
      date: fieldJson(f?.date ?? null),
      invoiceNumber: fieldJson(f?.invoiceNumber ?? null),
    },
  };
  if (doc.extraction?.csr) {
    out.csr = {
      lines: doc.extraction.csr.lines.map((l) => ({
        description: l.description,
        hours: l.hours,
        rate: l.rateMinor === null ? null : minorToDecimal(l.rateMinor, currency),
        amount: minorToDecimal(l.amountMinor, currency),
        page: l.page,
      })),
      statedTotal: doc.extraction.csr.statedTotalMinor === null ? null : minorToDecimal(doc.extraction.csr.statedTotalMinor, currency),
    };
  }
  if (doc.error) out.error = doc.error;
  return out;
}

// Every cell of a table holds text from outside (file names, claims cells, text read from a
// document); it is made safe here, before padding, so columns line up with what is shown.
function pad(raw: string, n: number): string {
  const s = safeText(raw);
  const t = s.length > n ? s.slice(0, n - 1) + '…' : s;
  return t.padEnd(n);
}

/** Paths are cut at the start: the file name is the part a reader looks for. */
function padPath(raw: string, n: number): string {
  const s = safeText(raw);
  const t = s.length > n ? '…' + s.slice(s.length - n + 1) : s;
  return t.padEnd(n);
}

/** Marks a value read below the review threshold, so the eye stops on it. */
function mark<T>(f: Field<T> | null | undefined, show: (v: T) => string, threshold: number): string {
  if (!f) return '—';
  return show(f.value) + (f.confidence < threshold ? ' ?' : '');
}

export function extractTable(docs: ProcessedDocument[], lowConfidence: number): string {
  const head = `${pad('file', 36)} ${pad('kind', 8)} ${pad('vendor', 28)} ${pad('amount', 18)} ${pad('date', 12)} ${pad('invoice no', 18)} method`;
  const rows = docs.map((d) => {
    if (d.status === 'failed') return `${padPath(d.file, 36)} ERROR ${d.error?.code}: ${safeText(d.error?.message ?? '')}`;
    const f = d.extraction!.fields;
    const cur = f.currency?.value ?? null;
    return [
      padPath(d.file, 36),
      pad(d.extraction!.kind, 8),
      pad(mark(f.vendor, (v) => v, lowConfidence), 28),
      pad(mark(f.amount, (v) => formatMoney(v, cur), lowConfidence), 18),
      pad(mark(f.date, (v) => v, lowConfidence), 12),
      pad(mark(f.invoiceNumber, (v) => v, lowConfidence), 18),
      `${d.method} (${d.pages} p.)`,
    ].join(' ');
  });
  return [head, ...rows, '', `? = read below confidence ${lowConfidence}; check it on the document`].join('\n');
}

function formatDecimal(amount: number, currency: string): string {
  const exp = currencyExponent(currency);
  return `${amount.toLocaleString('en-US', { minimumFractionDigits: exp, maximumFractionDigits: exp })} ${currency}`;
}

const SIGN: Record<string, string> = { blocking: '✗', review: '!', info: '·' };

export function checkTable(asOf: string, reports: ClaimReport[]): string {
  const out: string[] = [`claimproof check — as of ${asOf}`, ''];
  for (const r of reports) {
    const days = daysBetween(asOf, r.deadline);
    const when = days < 0 ? `${-days} days ago` : days === 0 ? 'today' : `in ${days} days`;
    out.push(`${safeText(r.claimId)}  ${r.status.toUpperCase()}  deadline ${r.deadline} (${when})`);
    for (const e of r.expenses) {
      const backing = e.file ? `← ${displayName(e.file)}` : '← nothing matched';
      out.push(`  ${pad(e.expenseId, 10)} ${pad(e.type, 11)} ${pad(e.vendor, 26)} ${pad(formatDecimal(e.amount, e.currency), 16)} ${backing}`);
    }
    const unmatched = r.documents.filter((d) => !d.expenseId);
    for (const d of unmatched) out.push(`  ${pad('', 10)} ${pad(d.kind ?? 'unread', 11)} ${displayName(d.file)}`);
    if (r.flags.length === 0) out.push('  no flags');
    for (const f of r.flags) {
      const where = [f.expenseId && safeText(f.expenseId), f.file && displayName(f.file)].filter(Boolean).join(' ');
      out.push(`  ${SIGN[f.severity] ?? '?'} ${pad(f.code, 22)} ${where ? where + ': ' : ''}${safeText(f.message, { maxLength: 1000 })}`);
    }
    out.push('');
  }
  const complete = reports.filter((r) => r.status === 'complete').length;
  const blocking = reports.reduce((n, r) => n + r.flags.filter((f) => f.severity === 'blocking').length, 0);
  const review = reports.reduce((n, r) => n + r.flags.filter((f) => f.severity === 'review').length, 0);
  out.push(`${reports.length} claim${reports.length === 1 ? '' : 's'}: ${complete} complete, ${reports.length - complete} incomplete; ${blocking} blocking flag${blocking === 1 ? '' : 's'}, ${review} for review`);
  out.push('✗ blocking   ! review   · information');
  return out.join('\n');
}
