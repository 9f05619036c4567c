// The API's request and response shapes, once: the routes validate with them and the OpenAPI
// document is generated from them. The serializers below turn stored rows into these shapes, so
// what a client sees is a stable contract (ISO dates, minor-unit money, no storage keys) rather
// than whatever the database returns.
import { z } from '@hono/zod-openapi';
import type { ClaimDetail, ClaimSummary, DocumentDetail, DocumentWithExtraction, FlagRecord, ImportResult, MatchRecord, ReviewFlag, StatusHistoryRecord, TokenRecord } from '../db/queries.ts';
import { claimFields, normalizeExpense, type AuditRecord } from '../db/queries.ts';
import { CLAIM_STATUSES, COMPLETENESS, DOC_KINDS, DOCUMENT_STATUSES, EXPENSE_TYPES, FILE_TYPES, FLAG_CODES, FLAG_SEVERITIES, FLAG_STATUSES, READ_METHODS, ROLES } from '../pipeline/enums.ts';
import { isIsoDate } from '../pipeline/dates.ts';
import type { RecheckResult } from '../services/checks.ts';
import { plainFlag } from '../services/report.ts';
import type { FailedJob, JobCounts } from '../services/jobs.ts';

const isoDate = z.string().refine(isIsoDate, 'must be a YYYY-MM-DD date').openapi({ format: 'date', example: '2026-05-31' });
const timestamp = z.string().openapi({ format: 'date-time', example: '2026-05-10T09:30:00.000Z' });
const uuid = z.string().uuid().openapi({ format: 'uuid', example: '0b5e8a62-3c1f-4f7e-9a57-2d0c9f6e1a44' });

// ---------------------------------------------------------------------------------------------
// Errors

export const ErrorSchema = z
  .object({
    code: z.string().openapi({ example: 'NOT_FOUND' }),
    message: z.string().openapi({ example: 'claim CL-9999 does not exist' }),
    requestId: z.string().openapi({ example: '5f0c2d7e-8a0b-4d43-9d0e-4f3a1c2b7e90' }),
    field: z.string().optional(),
    issues: z
      .array(
        z.object({
          file: z.string(),
          line: z.union([z.number().int(), z.string()]).nullable(),
          column: z.string().nullable(),
          message: z.string(),
        }),
      )
      .optional()
      .openapi({ description: 'Import errors (422): each bad cell with its line and column, as the CLI prints them' }),
  })
  .openapi('Error');

// ---------------------------------------------------------------------------------------------
// Shared pieces

export const BoxSchema = z
  .object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() })
  .openapi('Box', { description: 'Where on the page a value was read, as fractions of the page width and height from its top-left corner' });

function fieldSchema<T extends z.ZodTypeAny>(value: T) {
  return z
    .object({
      value,
      confidence: z.number().min(0).max(1),
      page: z.number().int().nullable(),
      box: BoxSchema.nullable(),
      raw: z.string().optional(),
      alternatives: z.array(value).optional(),
      note: z.string().optional(),
      corrected: z.boolean().openapi({ description: 'True when a reviewer set this value' }),
    })
    .nullable();
}

export const ExtractionSchema = z
  .object({
    version: z.number().int(),
    kind: z.enum(DOC_KINDS),
    kindConfidence: z.number(),
    method: z.enum(READ_METHODS).nullable(),
    fields: z.object({
      vendor: fieldSchema(z.string()),
      amount: fieldSchema(z.number().int()).openapi({ description: 'The total in minor units of the currency' }),
      currency: fieldSchema(z.string()),
      date: fieldSchema(z.string()),
      invoiceNumber: fieldSchema(z.string()),
    }),
    csr: z
      .object({
        lines: z.array(
          z.object({
            description: z.string(),
            hours: z.number().nullable(),
            rateMinor: z.number().int().nullable(),
            amountMinor: z.number().int(),
            page: z.number().int(),
            box: BoxSchema.nullable(),
          }),
        ),
        statedTotalMinor: z.number().int().nullable(),
      })
      .nullable(),
    corrections: z.record(
      z.string(),
      z.object({ value: z.union([z.string(), z.number()]).nullable(), previous: z.union([z.string(), z.number()]).nullable(), by: z.string(), at: z.string(), note: z.string().nullable() }),
    ),
    createdAt: timestamp,
  })
  .openapi('Extraction');

export const DocumentSchema = z
  .object({
    id: uuid,
    claimId: z.string(),
    file: z.string(),
    status: z.enum(DOCUMENT_STATUSES),
    fileType: z.enum(FILE_TYPES).nullable(),
    mime: z.string().nullable(),
    size: z.number().int(),
    sha256: z.string(),
    pages: z.number().int().nullable(),
    method: z.enum(READ_METHODS).nullable(),
    kind: z.enum(DOC_KINDS).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    duplicateOf: uuid.nullable(),
    retentionUntil: isoDate,
    purged: z.boolean(),
    uploadedBy: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    extraction: ExtractionSchema.nullable(),
    links: z.object({ self: z.string(), file: z.string(), pages: z.array(z.string()) }),
  })
  .openapi('Document');

export const FlagSchema = z
  .object({
    id: uuid,
    claimId: z.string(),
    code: z.enum(FLAG_CODES),
    severity: z.enum(FLAG_SEVERITIES),
    status: z.enum(FLAG_STATUSES),
    message: z.string(),
    expenseId: z.string().nullable(),
    documentId: z.string().nullable(),
    file: z.string().nullable(),
    raised: z.boolean().openapi({ description: 'False when the latest check no longer raises it (kept because a reviewer decided it)' }),
    decidedBy: z.string().nullable(),
    decidedAt: timestamp.nullable(),
    note: z.string().nullable(),
    createdAt: timestamp,
    partner: z.string().optional(),
    program: z.string().optional(),
  })
  .openapi('Flag');

export const ExpenseSchema = z
  .object({
    expenseId: z.string(),
    type: z.enum(EXPENSE_TYPES),
    vendor: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    date: isoDate,
    description: z.string().nullable(),
  })
  .openapi('Expense');

export const MatchSchema = z
  .object({ expenseId: z.string(), documentId: uuid, score: z.number(), reasons: z.array(z.string()) })
  .openapi('Match');

export const StatusChangeSchema = z
  .object({ from: z.enum(CLAIM_STATUSES).nullable(), to: z.enum(CLAIM_STATUSES), note: z.string().nullable(), actor: z.string(), at: timestamp })
  .openapi('StatusChange');

const claimProperties = {
  claimId: z.string().openapi({ example: 'CL-1001' }),
  partner: z.string(),
  program: z.string(),
  activity: z.string(),
  usageStart: isoDate,
  usageEnd: isoDate,
  deadline: isoDate,
  status: z.enum(CLAIM_STATUSES),
  completeness: z.enum(COMPLETENESS),
  currency: z.string().nullable(),
  checkedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
};

export const ClaimSummarySchema = z
  .object({
    ...claimProperties,
    expenseCount: z.number().int(),
    documentCount: z.number().int(),
    openFlagCount: z.number().int(),
    openBlockingCount: z.number().int(),
    totalMinor: z.number().int().nullable(),
  })
  .openapi('ClaimSummary');

export const ClaimDetailSchema = z
  .object({
    ...claimProperties,
    expenses: z.array(ExpenseSchema),
    documents: z.array(DocumentSchema.omit({ extraction: true }).extend({ extraction: ExtractionSchema.nullable() })),
    matches: z.array(MatchSchema),
    flags: z.array(FlagSchema),
    history: z.array(StatusChangeSchema),
  })
  .openapi('ClaimDetail');

export const PageSchema = z.object({
  total: z.number().int().openapi({ description: 'Items matching the filters, over all pages' }),
  limit: z.number().int(),
  offset: z.number().int(),
});

// ---------------------------------------------------------------------------------------------
// Requests

/** A query value that may be given once or repeated (`?status=a&status=b`) or comma-separated. */
function listOf<T extends readonly [string, ...string[]]>(values: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)))
    .optional()
    .openapi({ type: 'array', items: { type: 'string', enum: [...values] }, description: `one or more of ${values.join(', ')} (repeat the parameter or separate with commas)` } as never);
}

const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ example: 50 }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ example: 0 }),
};

export const ClaimListQuery = z.object({
  status: listOf(CLAIM_STATUSES),
  partner: z.string().min(1).max(200).optional(),
  deadlineBefore: isoDate.optional().openapi({ description: 'Claims due strictly before this date' }),
  completeness: z.enum(COMPLETENESS).optional(),
  ...paging,
});

export const FlagListQuery = z.object({
  status: listOf(FLAG_STATUSES),
  severity: listOf(FLAG_SEVERITIES),
  code: z.enum(FLAG_CODES).optional(),
  claimId: z.string().min(1).max(200).optional(),
  partner: z.string().min(1).max(200).optional(),
  ...paging,
});

export const ClaimParam = z.object({ claimId: z.string().min(1).max(200).openapi({ param: { name: 'claimId', in: 'path' }, example: 'CL-1001' }) });
export const IdParam = z.object({ id: uuid.openapi({ param: { name: 'id', in: 'path' } }) });
export const PageParam = z.object({
  id: uuid.openapi({ param: { name: 'id', in: 'path' } }),
  n: z.coerce.number().int().min(1).max(10_000).openapi({ param: { name: 'n', in: 'path' }, example: 1 }),
});
export const PageQuery = z.object({
  width: z.coerce.number().int().min(64).max(2400).optional().openapi({ description: 'Width of the PNG in pixels (default: 110 dpi for PDFs, at most 1600 px for images)', example: 800 }),
});

export const NoteBody = z.object({ note: z.string().max(4000).nullable().optional().openapi({ example: 'Checked with the partner by phone' }) }).openapi('Note');

export const StatusBody = z
  .object({
    status: z.enum(CLAIM_STATUSES),
    note: z.string().max(4000).nullable().optional().openapi({ description: 'Required for needs_info: what the partner must send' }),
  })
  .openapi('StatusChangeRequest');

export const FieldsBody = z
  .object({
    changes: z
      .object({
        kind: z.enum(DOC_KINDS).optional(),
        vendor: z.string().min(1).max(500).nullable().optional(),
        amount: z.number().int().nullable().optional().openapi({ description: 'Minor units of the document currency' }),
        currency: z.string().regex(/^[A-Z]{3}$/).nullable().optional(),
        date: isoDate.nullable().optional(),
        invoiceNumber: z.string().min(1).max(200).nullable().optional(),
      })
      .strict()
      .refine((c) => Object.keys(c).length > 0, 'give at least one field to correct'),
    note: z.string().max(4000).nullable().optional(),
  })
  .openapi('FieldCorrections', { example: { changes: { amount: 245000 }, note: 'total read from the wrong line' } });

export const TokenBody = z
  .object({
    role: z.enum(ROLES),
    partner: z.string().min(1).max(200).nullable().optional(),
    label: z.string().min(1).max(200).nullable().optional(),
  })
  .openapi('TokenRequest', { description: 'A submitter token needs `partner` (the service refuses one without)' });

export const AuditQuery = z.object({
  claimId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const ReportBody = z.object({ asOf: isoDate.optional() }).openapi('ReportRequest');

export const JobParam = z.object({
  name: z.enum(['ingest', 'recheck', 'report']).openapi({ param: { name: 'name', in: 'path' } }),
  jobId: z.string().min(1).max(300).openapi({ param: { name: 'jobId', in: 'path' } }),
});

/** The JSON import body, documented; the CLI's parser validates it so errors carry line and column. */
export const ClaimsImportJson = z
  .array(
    z.object({
      claimId: z.string(),
      partner: z.string(),
      program: z.string(),
      activity: z.string(),
      usageStart: isoDate,
      usageEnd: isoDate,
      expenses: z.array(
        z.object({
          expenseId: z.string(),
          type: z.enum(EXPENSE_TYPES),
          vendor: z.string(),
          amount: z.union([z.number(), z.string()]).openapi({ description: 'Decimal amount with "."' }),
          currency: z.string(),
          date: isoDate,
          description: z.string().nullable().optional(),
        }),
      ),
    }),
  )
  .openapi('ClaimsImport');

// ---------------------------------------------------------------------------------------------
// Responses

export const ImportResultSchema = z
  .object({ created: z.array(z.string()), updated: z.array(z.string()), unchanged: z.array(z.string()) })
  .openapi('ImportResult');

export const UploadResultSchema = z
  .object({
    documents: z.array(
      z.object({
        id: uuid,
        file: z.string(),
        status: z.enum(DOCUMENT_STATUSES),
        duplicateOf: uuid.optional().openapi({ description: 'The document these bytes already were: this claim\'s (nothing new was stored) or another claim\'s' }),
      }),
    ),
  })
  .openapi('UploadResult');

export const VerdictSchema = z
  .object({
    claimId: z.string(),
    completeness: z.enum(COMPLETENESS),
    flags: z.array(z.object({ code: z.enum(FLAG_CODES), severity: z.enum(FLAG_SEVERITIES), message: z.string(), expenseId: z.string().optional(), documentId: z.string().optional(), file: z.string().optional() })),
  })
  .openapi('Verdict', { description: 'The checks\' result for one claim after the change: its completeness and the problems the checks raise now (a reviewer\'s decision on each is in the claim\'s flags)' });

export const TokenSchema = z
  .object({ id: uuid, role: z.enum(ROLES), partner: z.string().nullable(), label: z.string().nullable(), createdAt: timestamp, revokedAt: timestamp.nullable() })
  .openapi('Token');

export const AuditSchema = z
  .object({
    id: z.number().int(),
    actor: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    claimId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    note: z.string().nullable(),
    at: timestamp,
  })
  .openapi('AuditEntry');

const countsSchema = z.object({ waiting: z.number().int(), active: z.number().int(), delayed: z.number().int(), failed: z.number().int(), completed: z.number().int() });
export const QueueSchema = z
  .object({
    kind: z.enum(['bullmq', 'in-process']),
    counts: z.record(z.string(), countsSchema),
    failed: z.array(z.object({ id: z.string(), name: z.string(), payload: z.unknown(), error: z.string(), attempts: z.number().int(), failedAt: timestamp.nullable() })),
  })
  .openapi('Queue');

// ---------------------------------------------------------------------------------------------
// Serializers

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const isoOrNull = (d: Date | string | null | undefined) => (d == null ? null : iso(d));

export function toExtractionJson(e: NonNullable<DocumentWithExtraction['extraction']>): z.infer<typeof ExtractionSchema> {
  const corrected = e.correctedFields ?? {};
  const field = <T>(name: keyof typeof e.fields) => {
    const f = e.fields[name];
    if (!f) return null;
    return {
      value: f.value as T,
      confidence: f.confidence,
      page: f.page,
      box: f.box,
      ...(f.raw !== undefined ? { raw: f.raw } : {}),
      ...(f.alternatives !== undefined ? { alternatives: f.alternatives as T[] } : {}),
      ...(f.note !== undefined ? { note: f.note } : {}),
      corrected: name in corrected,
    };
  };
  return {
    version: e.version,
    kind: e.kind,
    kindConfidence: e.kindConfidence,
    method: e.method ?? null,
    fields: {
      vendor: field<string>('vendor'),
      amount: field<number>('amount'),
      currency: field<string>('currency'),
      date: field<string>('date'),
      invoiceNumber: field<string>('invoiceNumber'),
    },
    csr: e.csr ?? null,
    corrections: corrected as z.infer<typeof ExtractionSchema>['corrections'],
    createdAt: iso(e.createdAt),
  };
}

export function toDocumentJson(d: DocumentWithExtraction | DocumentDetail): z.infer<typeof DocumentSchema> {
  const self = `/api/documents/${d.id}`;
  const pages = d.pageCount ?? 0;
  return {
    id: d.id,
    claimId: d.claimId,
    file: d.fileName,
    status: d.status,
    fileType: d.fileType ?? null,
    mime: d.mime ?? null,
    size: d.size,
    sha256: d.sha256,
    pages: d.pageCount ?? null,
    method: d.method ?? null,
    kind: d.kind ?? null,
    error: d.errorCode ? { code: d.errorCode, message: d.errorMessage ?? '' } : null,
    duplicateOf: d.duplicateOf ?? null,
    retentionUntil: d.retentionUntil,
    purged: d.purgedAt != null,
    uploadedBy: d.uploadedBy ?? null,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
    extraction: d.extraction ? toExtractionJson(d.extraction) : null,
    links: {
      self,
      file: `${self}/file`,
      pages: d.purgedAt != null || d.fileType == null ? [] : Array.from({ length: pages }, (_, i) => `${self}/pages/${i + 1}`),
    },
  };
}

export function toFlagJson(f: FlagRecord | ReviewFlag): z.infer<typeof FlagSchema> {
  return {
    id: f.id,
    claimId: f.claimId,
    code: f.code,
    severity: f.severity,
    status: f.status,
    message: f.message,
    expenseId: f.expenseId ?? null,
    documentId: f.documentId ?? null,
    file: f.file ?? null,
    raised: f.raised,
    decidedBy: f.resolvedBy,
    decidedAt: isoOrNull(f.resolvedAt),
    note: f.note,
    createdAt: iso(f.createdAt),
    ...('partner' in f ? { partner: f.partner, program: f.program } : {}),
  };
}

function claimBase(c: ClaimSummary | ClaimDetail) {
  return {
    ...claimFields(c),
    deadline: c.deadline,
    status: c.status,
    completeness: c.completeness,
    currency: c.currency,
    checkedAt: isoOrNull(c.checkedAt),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

export function toClaimSummaryJson(c: ClaimSummary): z.infer<typeof ClaimSummarySchema> {
  return {
    ...claimBase(c),
    expenseCount: c.expenseCount,
    documentCount: c.documentCount,
    openFlagCount: c.openFlagCount,
    openBlockingCount: c.openBlockingCount,
    totalMinor: c.totalMinor,
  };
}

export function toClaimDetailJson(c: ClaimDetail): z.infer<typeof ClaimDetailSchema> {
  return {
    ...claimBase(c),
    expenses: c.expenses.map(normalizeExpense),
    documents: c.documents.map(toDocumentJson),
    matches: c.matches.map((m: MatchRecord) => ({ expenseId: m.expenseId, documentId: m.documentId, score: m.score, reasons: m.reasons })),
    flags: c.flags.map(toFlagJson),
    history: c.history.map((h: StatusHistoryRecord) => ({ from: h.fromStatus, to: h.toStatus, note: h.note, actor: h.actor, at: iso(h.at) })),
  };
}

export function toImportJson(r: ImportResult): z.infer<typeof ImportResultSchema> {
  return { created: r.created, updated: r.updated, unchanged: r.unchanged };
}

export function toTokenJson(t: TokenRecord): z.infer<typeof TokenSchema> {
  return { id: t.id, role: t.role, partner: t.partner, label: t.label, createdAt: iso(t.createdAt), revokedAt: isoOrNull(t.revokedAt) };
}

export function toAuditJson(a: AuditRecord): z.infer<typeof AuditSchema> {
  return { id: a.id, actor: a.actor, action: a.action, targetType: a.targetType, targetId: a.targetId, claimId: a.claimId, before: a.before, after: a.after, note: a.note, at: iso(a.at) };
}

export function toQueueJson(kind: 'bullmq' | 'in-process', counts: Record<string, JobCounts>, failed: FailedJob[]): z.infer<typeof QueueSchema> {
  return { kind, counts, failed: failed.map((f) => ({ id: f.id, name: f.name, payload: f.payload, error: f.error, attempts: f.attempts, failedAt: isoOrNull(f.failedAt) })) };
}

export function verdictOf(r: RecheckResult): z.infer<typeof VerdictSchema> {
  return {
    claimId: r.claimId,
    completeness: r.saved.completeness,
    flags: r.report.flags.map(plainFlag),
  };
}

/** Success bodies as OpenAPI responses. */
export function jsonResponse<T extends z.ZodTypeAny>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** The error responses a route may give, each documented with the shared error body. */
export function errorResponses(...statuses: number[]) {
  const text: Record<number, string> = {
    400: 'Invalid request (validation)',
    401: 'No token, or an unknown or revoked one',
    403: 'The role may not do this',
    404: 'Not found (or not visible to this token)',
    406: 'No acceptable representation',
    410: 'The original was removed after its retention date',
    409: 'Conflicts with the current state',
    413: 'Too large',
    415: 'Unsupported media type',
    422: 'The import is invalid (issues with line and column)',
    429: 'Too many failed authentication attempts',
    503: 'The database or the job queue cannot be reached',
  };
  return Object.fromEntries(statuses.map((s) => [s, jsonResponse(ErrorSchema, text[s] ?? 'Error')]));
}
