// Test data for the report modules: claims with evidence as the readers would deliver it, run
// through the real checks, so every test starts from flags the checks actually raise.
import sharp from 'sharp';
import { checkClaims, type ClaimReport, type EvidenceDocument } from '../../pipeline/checks.ts';
import type { OcrEngine } from '../../pipeline/ocr.ts';
import { readPdf } from '../../pipeline/pdf.ts';
import { pageText } from '../../pipeline/read.ts';
import type { Claim, DocKind, ExtractedFields, Field, FlagSeverity } from '../../pipeline/types.ts';
import type { ReportClaimInput } from './incomplete.ts';
import { documentsOfReport } from './missing.ts';

const field = <T>(value: T | null | undefined, confidence = 0.95): Field<T> | null =>
  value === null || value === undefined ? null : { value, confidence, page: 1, box: null };

export interface DocSpec {
  claimId: string;
  file: string;
  kind: DocKind | null;
  vendor?: string | null;
  amountMinor?: number | null;
  currency?: string | null;
  date?: string | null;
  invoiceNumber?: string | null;
  status?: 'done' | 'failed';
  sha256?: string;
  csr?: EvidenceDocument['csr'];
}

export function evidence(spec: DocSpec): EvidenceDocument {
  const fields: ExtractedFields = {
    vendor: field(spec.vendor),
    amount: field(spec.amountMinor),
    currency: field(spec.currency),
    date: field(spec.date),
    invoiceNumber: field(spec.invoiceNumber),
  };
  return {
    id: `doc:${spec.file}`,
    claimId: spec.claimId,
    file: spec.file,
    sha256: spec.sha256 ?? `sha:${spec.file}`,
    status: spec.status ?? 'done',
    error: spec.status === 'failed' ? { code: 'CORRUPT', message: 'the PDF cannot be parsed: Invalid PDF structure.' } : null,
    kind: spec.kind,
    fields,
    csr: spec.csr ?? null,
    // Words a dictionary knows and a value shaped like a document's: usable text by pipeline/usable-text.ts.
    text: spec.status === 'failed' ? '' : `Invoice for the services of the period, total 100.00, dated 2026-01-31 (${spec.file})`,
  };
}

/** CL-1002 of the examples: a wrong total, an invoice dated after the period, a CSR, no POE, one unreadable file. */
export function sampleClaims(): { claims: Claim[]; documents: EvidenceDocument[] } {
  const claims: Claim[] = [
    {
      claimId: 'CL-1001',
      partner: 'Northwind Partners',
      program: 'MDF 2026',
      activity: 'Spring roadshow',
      usageStart: '2026-02-01',
      usageEnd: '2026-03-31',
      expenses: [
        { expenseId: 'E1', type: 'third_party', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-02-10', description: null },
        { expenseId: 'E2', type: 'in_house', vendor: 'Northwind Partners', amountMinor: 80000, currency: 'EUR', date: '2026-03-01', description: null },
      ],
    },
    {
      claimId: 'CL-1002',
      partner: 'Contoso GmbH',
      program: 'MDF 2026',
      activity: 'Trade fair booth',
      usageStart: '2026-02-01',
      usageEnd: '2026-04-30',
      expenses: [
        { expenseId: 'E1', type: 'third_party', vendor: 'Fabrikam Print GmbH', amountMinor: 240000, currency: 'EUR', date: '2026-03-02', description: null },
        { expenseId: 'E2', type: 'third_party', vendor: 'Litware Media SARL', amountMinor: 99000, currency: 'EUR', date: '2026-04-20', description: null },
        { expenseId: 'E3', type: 'in_house', vendor: 'Contoso GmbH', amountMinor: 150000, currency: 'EUR', date: '2026-04-01', description: null },
      ],
    },
    {
      claimId: 'CL-1003',
      partner: 'Ελληνική Εταιρεία Α.Ε.',
      program: 'Co-op 2026',
      activity: 'Webinar series',
      usageStart: '2026-01-01',
      usageEnd: '2026-02-28',
      expenses: [
        { expenseId: 'E1', type: 'third_party', vendor: 'Zażółć Gęślą Sp. z o.o.', amountMinor: 50000, currency: 'EUR', date: '2026-02-01', description: null },
        { expenseId: 'E2', type: 'in_house', vendor: 'Ελληνική Εταιρεία Α.Ε.', amountMinor: 30000, currency: 'EUR', date: '2026-02-10', description: null },
      ],
    },
  ];
  const documents: EvidenceDocument[] = [
    evidence({ claimId: 'CL-1001', file: 'CL-1001/acme-invoice.pdf', kind: 'invoice', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-02-10', invoiceNumber: 'AE-1' }),
    evidence({ claimId: 'CL-1001', file: 'CL-1001/csr-design.pdf', kind: 'csr', vendor: 'Northwind Partners', amountMinor: 80000, currency: 'EUR', date: '2026-03-01' }),
    evidence({ claimId: 'CL-1001', file: 'CL-1001/poe-agenda.png', kind: 'poe' }),
    evidence({ claimId: 'CL-1002', file: 'CL-1002/fabrikam-invoice.jpg', kind: 'invoice', vendor: 'Fabrikam Print GmbH', amountMinor: 245000, currency: 'EUR', date: '2026-03-02', invoiceNumber: 'F-77' }),
    evidence({ claimId: 'CL-1002', file: 'CL-1002/litware-invoice.pdf', kind: 'invoice', vendor: 'Litware Media SARL', amountMinor: 99000, currency: 'EUR', date: '2026-05-20', invoiceNumber: 'LW-9' }),
    evidence({ claimId: 'CL-1002', file: 'CL-1002/csr-staffing.pdf', kind: 'csr', vendor: 'Contoso GmbH', amountMinor: 150000, currency: 'EUR', date: '2026-04-01' }),
    evidence({ claimId: 'CL-1002', file: 'CL-1002/booth-photo.pdf', kind: null, status: 'failed' }),
    // CL-1003 has nothing yet but a POE.
    evidence({ claimId: 'CL-1003', file: 'CL-1003/webinar-screenshot.png', kind: 'poe' }),
  ];
  return { claims, documents };
}

/** What the service would load from the database after the checks ran. */
export function reportInputs(claims: Claim[], reports: ClaimReport[], open: ReadonlyArray<FlagSeverity> = ['blocking', 'review', 'info']): ReportClaimInput[] {
  return claims.map((claim, i) => {
    const r = reports[i]!;
    const currency = claim.expenses[0]?.currency ?? null;
    return {
      claimId: claim.claimId,
      partner: claim.partner,
      program: claim.program,
      activity: claim.activity,
      status: 'submitted',
      usageStart: claim.usageStart,
      usageEnd: claim.usageEnd,
      deadline: r.deadline,
      currency,
      completeness: r.status,
      flags: r.flags.filter((f) => open.includes(f.severity)),
      expenses: claim.expenses,
      documents: documentsOfReport(r),
    };
  });
}

export function checkedSample(asOf: string): { claims: Claim[]; reports: ClaimReport[]; inputs: ReportClaimInput[] } {
  const { claims, documents } = sampleClaims();
  const reports = checkClaims({ claims, documents, asOf });
  return { claims, reports, inputs: reportInputs(claims, reports) };
}

// ---------------------------------------------------------------------------------------------
// Reading generated PDFs back with the project's own reader

/** Stands in for OCR: every page image "reads" as one marker line, so image pages are countable. */
export const IMAGE_MARKER = 'image-page-marker';

const markerEngine: OcrEngine = {
  async recognize(image) {
    const meta = await sharp(image).metadata();
    const box = { x: 0.1, y: 0.5, w: 0.5, h: 0.05 };
    const word = { text: IMAGE_MARKER, box, confidence: 0.99 };
    return { width: meta.width ?? 1, height: meta.height ?? 1, lines: [{ text: IMAGE_MARKER, words: [word], box, confidence: 0.99 }], text: IMAGE_MARKER, confidence: 0.99 };
  },
  async close() {},
};

/** The text of every page, as pipeline/pdf.ts reads it (text layer; image pages give the marker). */
export async function pdfPagesText(bytes: Uint8Array): Promise<string[]> {
  const doc = await readPdf(bytes, { ocr: markerEngine });
  return doc.pages.map((p) => pageText(p));
}
