// The incomplete-claims report as a PDF a programme team can print or mail: title, as-of date,
// generation time, the summary, then one table row per incomplete claim with what is missing.
import { rgb } from 'pdf-lib';
import type { PdfFontOptions } from './fonts.ts';
import type { IncompleteClaim, IncompleteClaimsReport } from './incomplete.ts';
import { A4_LANDSCAPE, PdfFlow, stampPageNumbers, type TableColumn, type TableRow } from './pdf-layout.ts';

const OVERDUE = rgb(0.7, 0.05, 0.05);
const DUE_SOON = rgb(0.6, 0.35, 0);

export interface ReportPdfOptions {
  fonts?: PdfFontOptions;
}

/** "2026-05-11 02:00 UTC": the generation time, in one zone whoever reads it. */
export function formatTimestamp(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}


const COLUMNS: TableColumn[] = [
  { header: 'Claim', width: 9 },
  { header: 'Partner', width: 12 },
  { header: 'Programme', width: 9 },
  { header: 'Deadline', width: 9 },
  { header: 'Days left', width: 6, align: 'right' },
  { header: 'Claimed', width: 10, align: 'right' },
  { header: 'Open blocking flags', width: 17 },
  { header: 'What is missing', width: 36 },
];

function row(c: IncompleteClaim): TableRow {
  const codes = [...new Set(c.blockingFlags.map((f) => f.code))].map((code) => {
    const n = c.blockingFlags.filter((f) => f.code === code).length;
    return n > 1 ? `${code} ×${n}` : code;
  });
  const r: TableRow = {
    cells: [
      c.claimId,
      c.partner,
      c.program,
      c.deadline,
      String(c.daysLeft),
      c.claimedText,
      codes.join('\n'),
      c.missing.map((m) => `• ${m.text}`).join('\n') || '(no open blocking flag; re-check the claim)',
    ],
  };
  if (c.deadlineState === 'overdue') r.color = OVERDUE;
  else if (c.deadlineState === 'due_soon') r.color = DUE_SOON;
  return r;
}

function summaryLines(report: IncompleteClaimsReport): Array<[string, string]> {
  const s = report.summary;
  const byCode = Object.entries(s.openFlagsByCode).map(([code, n]) => `${code} ${n}`);
  return [
    ['Claims checked', String(s.claims)],
    ['Incomplete', String(s.incomplete)],
    ['Overdue', String(s.overdue)],
    [`Due within ${report.deadlineSoonDays} days`, String(s.dueSoon)],
    ['Open flags', s.openFlags === 0 ? '0' : `${s.openFlags}: ${byCode.join(', ')}`],
  ];
}

/** Every string the PDF draws, so the fonts they need are embedded before layout. */
function allText(report: IncompleteClaimsReport, rows: TableRow[]): string[] {
  return [report.title, ...rows.flatMap((r) => r.cells), ...summaryLines(report).flat()];
}

export async function toPdf(report: IncompleteClaimsReport, options: ReportPdfOptions = {}): Promise<Uint8Array> {
  const flow = await PdfFlow.create({ pageSize: A4_LANDSCAPE, title: `${report.title} as of ${report.asOf}`, ...(options.fonts ? { fonts: options.fonts } : {}) });
  flow.doc.setCreationDate(new Date(report.generatedAt));
  flow.doc.setModificationDate(new Date(report.generatedAt));
  const rows = report.claims.map(row);
  await flow.fonts.prepare(allText(report, rows));

  flow.text(report.title, { size: 18, bold: true, after: 4 });
  flow.text(`As of ${report.asOf} · generated ${formatTimestamp(report.generatedAt)}`, { size: 10, after: 10 });
  flow.keyValues(summaryLines(report), { labelWidth: 130 });
  flow.space(6);
  if (rows.length === 0) flow.text('No incomplete claims.', { size: 11 });
  else {
    flow.text(`Overdue claims are in red, claims due within ${report.deadlineSoonDays} days in amber. Days left count from the as-of date; negative: overdue by that many days.`, { size: 8.5, after: 6 });
    flow.table(COLUMNS, rows);
  }
  stampPageNumbers(flow.doc, flow.fonts.regular, `${report.title} as of ${report.asOf} · `);
  return flow.doc.save();
}
