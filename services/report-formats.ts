// The incomplete-claims report in each format it is served and written in.
import type { IncompleteClaimsReport } from './reports/incomplete.ts';
import { toCsv, toJson } from './reports/render.ts';
import { toPdf } from './reports/render-pdf.ts';

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

export async function renderReport(report: IncompleteClaimsReport, format: ReportFormat): Promise<Uint8Array> {
  if (format === 'pdf') return toPdf(report);
  return new TextEncoder().encode(format === 'csv' ? toCsv(report) : toJson(report));
}

/** The download name of a report in a format: `incomplete-claims-2026-05-10.csv`. */
export function reportFileName(asOf: string, format: ReportFormat): string {
  return `incomplete-claims-${asOf}.${format}`;
}
