// The plain data that flows through claimproof. Every layer (pipeline, db, workers, api, cli)
// speaks these names, so a `Flag` is the same thing in the schema, the API and the page.
import type { ImageStats } from './image-stats.ts';

/** A rectangle on a page, in fractions of the page size (0..1), origin at the top left. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

import type { ClaimStatus, DocKind, ExpenseType, FileType, FlagCode, FlagSeverity, ReadMethod } from './enums.ts';
export type { ClaimStatus, DocKind, ExpenseType, FileType, FlagCode, FlagSeverity, ReadMethod } from './enums.ts';

export interface Word {
  text: string;
  box: Box;
  /** 0..1; 1 for a PDF text layer. */
  confidence: number;
}

export interface Line {
  text: string;
  words: Word[];
  box: Box;
  confidence: number;
}

export interface Page {
  /** 1-based. */
  number: number;
  method: ReadMethod;
  /** Size in PDF points (text layer) or pixels (images); boxes are fractions of it. */
  width: number;
  height: number;
  /** Lines in reading order: top to bottom, then left to right. */
  lines: Line[];
  /** How the page image looks (OCR'd pages only): colour, paper, edges; see image-stats.ts. */
  image?: ImageStats;
}

/** What a reader makes of a file before any interpretation. */
export interface ReadDocument {
  fileType: FileType;
  /** `text` when every page came from the text layer, `ocr` when any page was OCR'd. */
  method: ReadMethod;
  pages: Page[];
  /**
   * The OCR text layers that scanned pages already carried (a scanner's or phone app's own OCR),
   * by page number: one more reading to vote with, never the truth. Absent when there are none.
   */
  embeddedOcr?: Page[];
}

export interface Field<T> {
  value: T;
  /** 0..1 */
  confidence: number;
  /** 1-based page the value was read from; null when it was inferred (e.g. currency by default). */
  page: number | null;
  box: Box | null;
  /** The text as printed. */
  raw?: string;
  /** Other readings that were possible (e.g. both orders of an ambiguous date), best first. */
  alternatives?: T[];
  /** Why this value was chosen, for the reviewer. */
  note?: string;
}

/** A line of a Certification Statement and Report: hours × rate, or a plain amount. */
export interface CsrLine {
  description: string;
  hours: number | null;
  /** Minor units. */
  rateMinor: number | null;
  /** Minor units. */
  amountMinor: number;
  page: number;
  box: Box | null;
  /** Lowest reading confidence of the line's figures (1 for a text layer); absent in older extractions. */
  confidence?: number;
}

export interface ExtractedFields {
  vendor: Field<string> | null;
  /** The document's total in minor units of `currency` (or of 2 decimals when unknown). */
  amount: Field<number> | null;
  currency: Field<string> | null;
  /** Issue date, YYYY-MM-DD. */
  date: Field<string> | null;
  invoiceNumber: Field<string> | null;
}

export interface Extraction {
  kind: DocKind;
  kindConfidence: number;
  fields: ExtractedFields;
  /** Present for CSRs: the lines and the total they state. */
  csr: { lines: CsrLine[]; statedTotalMinor: number | null; statedTotalConfidence?: number } | null;
}

export type DocumentErrorCode = 'UNSUPPORTED' | 'CORRUPT' | 'NO_TEXT' | 'TOO_LARGE' | 'READ_ERROR';

/** The result of processing one evidence file end to end. */
export interface ProcessedDocument {
  file: string;
  sha256: string;
  size: number;
  fileType: FileType | null;
  status: 'done' | 'failed';
  error: { code: DocumentErrorCode; message: string } | null;
  method: ReadMethod | null;
  pages: number;
  extraction: Extraction | null;
  /** All text, pages separated by form feeds; used for brand checks and search. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Claims

export interface Expense {
  expenseId: string;
  type: ExpenseType;
  vendor: string;
  /** Minor units of `currency`. */
  amountMinor: number;
  currency: string;
  /** YYYY-MM-DD */
  date: string;
  description: string | null;
}

export interface Claim {
  claimId: string;
  partner: string;
  program: string;
  activity: string;
  /** YYYY-MM-DD */
  usageStart: string;
  usageEnd: string;
  expenses: Expense[];
}

export interface Flag {
  code: FlagCode;
  severity: FlagSeverity;
  expenseId?: string;
  /** The evidence document's id (the file path in the CLI, the document id in the service). */
  documentId?: string;
  file?: string;
  message: string;
}
