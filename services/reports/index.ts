// The report renderers' public surface: plain data in, bytes or text out; no database, no queue.
export { describeMissing, documentsOfReport, missingFromReport } from './missing.ts';
export type { MissingDocument, MissingExpense, MissingInput, MissingItem, MissingOptions } from './missing.ts';
export { buildIncompleteClaimsReport, daysLeft, deadlineState, isListed, openBlockingFlags, REPORT_TITLE } from './incomplete.ts';
export type { ClaimHeading, DeadlineState, IncompleteClaim, IncompleteClaimsReport, IncompleteReportInput, ReportClaimInput, ReportSummary } from './incomplete.ts';
export { REPORT_CSV_COLUMNS, toCsv, toCsvRows, toJson } from './render.ts';
export { formatTimestamp, toPdf } from './render-pdf.ts';
export type { ReportPdfOptions } from './render-pdf.ts';
export { escapeCsvCell, writeCsv } from './csv.ts';
export type { CsvColumn, CsvOptions, CsvValue } from './csv.ts';
export { assembleClaimPacket, buildClaimPacket, bytesToNodeReadable, bytesToWebStream, claimPacketStream, packetClaimFromReport } from './packet.ts';
export type { ClaimPacket, EvidenceSource, PacketClaim, PacketEvidence, PacketExpense, PacketInput, PacketSection } from './packet.ts';
export { DEFAULT_FALLBACK_FONTS } from './fonts.ts';
export type { FontSource, PdfFontOptions } from './fonts.ts';
