// Every enumeration of claimproof, once. Types, SQL check constraints, validation and orderings
// all derive from these arrays, so adding a value is one edit (plus a migration for the SQL).

export const FILE_TYPES = ['pdf', 'png', 'jpeg', 'tiff', 'webp'] as const;
export const READ_METHODS = ['text', 'ocr'] as const;
export const DOC_KINDS = ['invoice', 'csr', 'poe', 'other'] as const;
export const EXPENSE_TYPES = ['third_party', 'in_house'] as const;
/** The workflow of a claim, in the order a claim usually moves through it. */
export const CLAIM_STATUSES = ['draft', 'submitted', 'needs_info', 'approved', 'rejected'] as const;
export const COMPLETENESS = ['complete', 'incomplete'] as const;
/** The spec's table order: flags of one severity are listed in this order. */
export const FLAG_CODES = [
  'MISSING_INVOICE',
  'MISSING_CSR',
  'MISSING_POE',
  'AMOUNT_MISMATCH',
  'CURRENCY_MISMATCH',
  'DATE_OUTSIDE_PERIOD',
  'VENDOR_MISMATCH',
  'DUPLICATE_DOCUMENT',
  'UNREADABLE_DOCUMENT',
  'MIXED_CURRENCY',
  'CSR_TOTAL_MISMATCH',
  'POE_BRANDING_MISSING',
  'LOW_CONFIDENCE',
  'UNMATCHED_DOCUMENT',
  'DEADLINE_SOON',
  'DEADLINE_PASSED',
] as const;
/** Most severe first: the order flags are sorted and shown in. */
export const FLAG_SEVERITIES = ['blocking', 'review', 'info'] as const;
export const FLAG_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export const DOCUMENT_STATUSES = ['queued', 'processing', 'done', 'failed'] as const;
export const ROLES = ['submitter', 'reviewer', 'admin'] as const;

export type FileType = (typeof FILE_TYPES)[number];
export type ReadMethod = (typeof READ_METHODS)[number];
export type DocKind = (typeof DOC_KINDS)[number];
export type ExpenseType = (typeof EXPENSE_TYPES)[number];
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export type Completeness = (typeof COMPLETENESS)[number];
export type FlagCode = (typeof FLAG_CODES)[number];
export type FlagSeverity = (typeof FLAG_SEVERITIES)[number];
export type FlagStatus = (typeof FLAG_STATUSES)[number];
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type Role = (typeof ROLES)[number];

/** Whether `value` is one of `values`, narrowing its type. */
export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** `'a', 'b'` for an SQL `in (...)` check constraint; the values are constants of this file. */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}
