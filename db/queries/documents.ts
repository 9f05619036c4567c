import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type {
  DocKind,
  DocumentErrorCode,
  ExtractedFields,
  Extraction,
  Field,
  FileType,
  ProcessedDocument,
  ReadMethod,
} from '../../pipeline/types.ts';
import type { Db } from '../client.ts';
import { isIsoDate } from '../../pipeline/dates.ts';
import { retentionUntil } from '../dates.ts';
import { DbError } from '../errors.ts';
import {
  CORRECTABLE_FIELDS,
  DOC_KINDS,
  DOCUMENT_STATUSES,
  claims,
  documents,
  expenses,
  extractions,
  matches,
  type CorrectableField,
  type CorrectedFields,
  type DocumentStatus,
  type FieldCorrection,
} from '../schema/index.ts';
import { chunk, isUuid, q, requireActor, writeAudit } from './common.ts';

export type DocumentRecord = typeof documents.$inferSelect;
export type ExtractionRecord = typeof extractions.$inferSelect;
/** An extraction without its full text, as listed with a claim. */
export type ExtractionSummary = Omit<ExtractionRecord, 'text'>;

export interface DocumentWithExtraction extends DocumentRecord {
  extraction: ExtractionSummary | null;
}

export interface DocumentDetail extends DocumentRecord {
  extraction: ExtractionRecord | null;
}

// ---------------------------------------------------------------------------------------------
// Upload

export interface NewDocument {
  claimId: string;
  fileName: string;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  size: number;
  storageKey: string;
  fileType?: FileType | null;
  mime?: string | null;
  uploadedBy?: string | null;
  /** The activity the evidence is for; default the claim's usage end (retention runs from it). */
  activityDate?: string;
}

export interface InsertDocumentResult {
  /** The document that holds these bytes for this claim: the new one, or the one already there. */
  id: string;
  /** False when the claim already had a document with the same content; nothing was stored. */
  created: boolean;
  /**
   * Set when the content was already known: the existing document of this claim (created false),
   * or, for a new document, the first document of another claim with the same bytes.
   */
  duplicateOf: string | null;
  status: DocumentStatus;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Records an uploaded file for a claim, deduplicated by content hash within the claim: the same
 * bytes uploaded again (under any name, even concurrently) return the existing document.
 */
export async function insertDocument(db: Db, input: NewDocument): Promise<InsertDocumentResult> {
  if (!SHA256.test(input.sha256)) throw new DbError('INVALID_INPUT', 'sha256 must be 64 lower-case hex digits', { field: 'sha256' });
  if (!Number.isSafeInteger(input.size) || input.size < 0) throw new DbError('INVALID_INPUT', 'size must be a byte count', { field: 'size' });
  if (input.activityDate !== undefined && !isIsoDate(input.activityDate)) {
    throw new DbError('INVALID_INPUT', 'activityDate must be a YYYY-MM-DD date', { field: 'activityDate' });
  }
  return db.transaction(async (tx) => {
    const [claim] = await tx.select({ usageEnd: claims.usageEnd }).from(claims).where(eq(claims.claimId, input.claimId));
    if (!claim) throw new DbError('NOT_FOUND', `claim ${input.claimId} does not exist`, { claimId: input.claimId });

    const [elsewhere] = await tx
      .select({ id: documents.id, duplicateOf: documents.duplicateOf })
      .from(documents)
      .where(and(eq(documents.sha256, input.sha256), ne(documents.claimId, input.claimId)))
      .orderBy(asc(documents.createdAt), asc(documents.id))
      .limit(1);
    const activityDate = input.activityDate ?? claim.usageEnd;
    const [inserted] = await tx
      .insert(documents)
      .values({
        claimId: input.claimId,
        fileName: input.fileName,
        sha256: input.sha256,
        size: input.size,
        storageKey: input.storageKey,
        fileType: input.fileType ?? null,
        mime: input.mime ?? null,
        uploadedBy: input.uploadedBy ?? null,
        activityDate,
        retentionUntil: retentionUntil(activityDate),
        duplicateOf: elsewhere ? (elsewhere.duplicateOf ?? elsewhere.id) : null,
      })
      .onConflictDoNothing({ target: [documents.claimId, documents.sha256] })
      .returning({ id: documents.id, status: documents.status, duplicateOf: documents.duplicateOf });
    if (inserted) return { id: inserted.id, created: true, duplicateOf: inserted.duplicateOf, status: inserted.status };

    const [existing] = await tx
      .select({ id: documents.id, status: documents.status })
      .from(documents)
      .where(and(eq(documents.claimId, input.claimId), eq(documents.sha256, input.sha256)));
    if (!existing) throw new Error(`document ${input.sha256} of claim ${input.claimId} vanished during insert`);
    return { id: existing.id, created: false, duplicateOf: existing.id, status: existing.status };
  });
}

export interface DocumentStatusDetails {
  error?: { code: DocumentErrorCode; message: string } | null;
  fileType?: FileType | null;
  mime?: string | null;
  pageCount?: number | null;
  method?: ReadMethod | null;
}

/**
 * Sets a document's processing status (queued → processing → done | failed; a retry may go back).
 * An error is kept only on a failed document.
 */
export async function updateDocumentStatus(
  db: Db,
  documentId: string,
  status: DocumentStatus,
  details: DocumentStatusDetails = {},
): Promise<DocumentRecord> {
  if (!DOCUMENT_STATUSES.includes(status)) throw new DbError('INVALID_INPUT', `unknown document status: ${String(status)}`);
  if (status === 'failed' && !details.error) throw new DbError('INVALID_INPUT', 'a failed document needs an error code and message');
  const notFound = () => new DbError('NOT_FOUND', `document ${documentId} does not exist`, { documentId });
  if (!isUuid(documentId)) throw notFound();
  const error = status === 'failed' ? details.error! : null;
  const [row] = await db
    .update(documents)
    .set({
      status,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      ...(details.fileType !== undefined ? { fileType: details.fileType } : {}),
      ...(details.mime !== undefined ? { mime: details.mime } : {}),
      ...(details.pageCount !== undefined ? { pageCount: details.pageCount } : {}),
      ...(details.method !== undefined ? { method: details.method } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(documents.id, documentId))
    .returning();
  if (!row) throw notFound();
  return row;
}

// ---------------------------------------------------------------------------------------------
// Reading

function latestPerDocument<T extends { documentId: string; version: number }>(rows: readonly T[]): Map<string, T> {
  const latest = new Map<string, T>();
  for (const row of rows) {
    const seen = latest.get(row.documentId);
    if (!seen || row.version > seen.version) latest.set(row.documentId, row);
  }
  return latest;
}

const summaryColumns = {
  id: extractions.id,
  documentId: extractions.documentId,
  version: extractions.version,
  kind: extractions.kind,
  kindConfidence: extractions.kindConfidence,
  fields: extractions.fields,
  csr: extractions.csr,
  method: extractions.method,
  correctedFields: extractions.correctedFields,
  createdAt: extractions.createdAt,
};

/** A claim's documents, oldest first, each with its latest extraction (without the text). */
export async function getClaimDocuments(db: Db, claimId: string): Promise<DocumentWithExtraction[]>;
/** The same with the extraction's text (what the checks need, e.g. for brand text on POE). */
export async function getClaimDocuments(db: Db, claimId: string, opts: { withText: true }): Promise<DocumentDetail[]>;
export async function getClaimDocuments(
  db: Db,
  claimId: string,
  opts: { withText?: boolean } = {},
): Promise<DocumentWithExtraction[] | DocumentDetail[]> {
  const docs = await db
    .select()
    .from(documents)
    .where(eq(documents.claimId, claimId))
    .orderBy(asc(documents.createdAt), asc(documents.fileName), asc(documents.id));
  if (docs.length === 0) return [];
  const rows = await db
    .select(opts.withText ? { ...summaryColumns, text: extractions.text } : summaryColumns)
    .from(extractions)
    .innerJoin(documents, eq(documents.id, extractions.documentId))
    .where(eq(documents.claimId, claimId));
  const latest = latestPerDocument(rows);
  return docs.map((d) => ({ ...d, extraction: latest.get(d.id) ?? null })) as DocumentWithExtraction[] | DocumentDetail[];
}

/**
 * A stored document in the pipeline's shape, to run the checks again without re-reading files;
 * null while it is still queued or processing. `file` is the uploaded file name.
 */
export function toProcessedDocument(doc: DocumentDetail): ProcessedDocument | null {
  if (doc.status !== 'done' && doc.status !== 'failed') return null;
  const e = doc.extraction;
  return {
    file: doc.fileName,
    sha256: doc.sha256,
    size: doc.size,
    fileType: doc.fileType,
    status: doc.status,
    error: doc.status === 'failed' ? { code: doc.errorCode ?? 'READ_ERROR', message: doc.errorMessage ?? '' } : null,
    method: doc.method,
    pages: doc.pageCount ?? 0,
    // A failed document can still carry the values a reviewer typed in from the file.
    extraction: e ? { kind: e.kind, kindConfidence: e.kindConfidence, fields: e.fields, csr: e.csr ?? null } : null,
    text: e?.text ?? '',
  };
}

export async function getLatestExtraction(db: Db, documentId: string): Promise<ExtractionRecord | null> {
  if (!isUuid(documentId)) return null;
  const [row] = await db
    .select()
    .from(extractions)
    .where(eq(extractions.documentId, documentId))
    .orderBy(desc(extractions.version))
    .limit(1);
  return row ?? null;
}

/** A document with its latest extraction (including the text); null for an unknown id. */
export async function getDocument(db: Db, documentId: string): Promise<DocumentDetail | null> {
  if (!isUuid(documentId)) return null;
  const [doc] = await db.select().from(documents).where(eq(documents.id, documentId));
  if (!doc) return null;
  return { ...doc, extraction: await getLatestExtraction(db, documentId) };
}

// ---------------------------------------------------------------------------------------------
// Extraction and corrections

export interface ExtractionInput {
  extraction: Extraction;
  method: ReadMethod | null;
  /** All text, pages separated by form feeds. */
  text: string;
  pageCount?: number | null;
}

type FieldName = keyof ExtractedFields;
type FieldValue = string | number | null;

function correctedField(value: FieldValue, read: Field<string | number> | null, actor: string, note: string | null): Field<string | number> | null {
  if (value === null) return null;
  const field: Field<string | number> = {
    value,
    confidence: 1,
    // Where the reader looked is still where the reviewer should look.
    page: read?.page ?? null,
    box: read?.box ?? null,
    note: `corrected by ${actor}${note ? `: ${note}` : ''}`,
  };
  if (read?.raw !== undefined) field.raw = read.raw;
  return field;
}

function applyCorrections(
  extraction: Pick<Extraction, 'kind' | 'fields'>,
  corrections: CorrectedFields,
): { kind: DocKind; fields: ExtractedFields } {
  const fields = { ...extraction.fields } as Record<FieldName, Field<string | number> | null>;
  let kind = extraction.kind;
  for (const name of CORRECTABLE_FIELDS) {
    const c = corrections[name];
    if (!c) continue;
    if (name === 'kind') kind = c.value as DocKind;
    else fields[name] = correctedField(c.value, fields[name] ?? null, c.by, c.note);
  }
  return { kind, fields: fields as unknown as ExtractedFields };
}

function readValue(extraction: Pick<Extraction, 'kind' | 'fields'>, name: CorrectableField): FieldValue {
  return name === 'kind' ? extraction.kind : (extraction.fields[name]?.value ?? null);
}

/**
 * Stores a new extraction run of a document as the next version and marks the document done.
 * Reviewer corrections made on earlier versions are carried over and applied on top, so a
 * re-extraction (a retried job, a better reader) never undoes a human's correction.
 */
export async function saveExtraction(db: Db, documentId: string, input: ExtractionInput): Promise<ExtractionRecord> {
  if (!isUuid(documentId)) throw new DbError('NOT_FOUND', `document ${documentId} does not exist`, { documentId });
  return db.transaction(async (tx) => {
    const [doc] = await tx.select({ id: documents.id }).from(documents).where(eq(documents.id, documentId)).for('update');
    if (!doc) throw new DbError('NOT_FOUND', `document ${documentId} does not exist`, { documentId });
    const [previous] = await tx
      .select({ version: extractions.version, correctedFields: extractions.correctedFields })
      .from(extractions)
      .where(eq(extractions.documentId, documentId))
      .orderBy(desc(extractions.version))
      .limit(1);
    const carried: CorrectedFields = {};
    for (const [name, c] of Object.entries(previous?.correctedFields ?? {}) as [CorrectableField, FieldCorrection][]) {
      carried[name] = { ...c, previous: readValue(input.extraction, name) };
    }
    const effective = applyCorrections(input.extraction, carried);
    const [row] = await tx
      .insert(extractions)
      .values({
        documentId,
        version: (previous?.version ?? 0) + 1,
        kind: effective.kind,
        kindConfidence: input.extraction.kindConfidence,
        fields: effective.fields,
        csr: input.extraction.csr,
        method: input.method,
        text: input.text,
        correctedFields: carried,
      })
      .returning();
    await tx
      .update(documents)
      .set({
        status: 'done',
        errorCode: null,
        errorMessage: null,
        kind: effective.kind,
        method: input.method,
        ...(input.pageCount !== undefined ? { pageCount: input.pageCount } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(documents.id, documentId));
    return row!;
  });
}

/**
 * Records what the pipeline made of a document in one step: its extraction (done) or its error
 * (failed). What an ingest job calls when processing ends, retried or not.
 */
export async function saveProcessedDocument(db: Db, documentId: string, processed: ProcessedDocument): Promise<DocumentRecord> {
  if (processed.status === 'failed' || !processed.extraction) {
    return updateDocumentStatus(db, documentId, 'failed', {
      error: processed.error ?? { code: 'READ_ERROR', message: 'no extraction was produced' },
      fileType: processed.fileType,
      pageCount: processed.pages,
      method: processed.method,
    });
  }
  return db.transaction(async (tx) => {
    await saveExtraction(tx, documentId, {
      extraction: processed.extraction!,
      method: processed.method,
      text: processed.text,
      pageCount: processed.pages,
    });
    return updateDocumentStatus(tx, documentId, 'done', { fileType: processed.fileType });
  });
}

/** A reviewer's new values; null clears a field. */
export interface FieldChanges {
  kind?: DocKind;
  vendor?: string | null;
  /** Minor units of the document's currency. */
  amount?: number | null;
  currency?: string | null;
  date?: string | null;
  invoiceNumber?: string | null;
}

function validateChange(name: CorrectableField, value: unknown): FieldValue {
  const bad = (why: string): never => {
    throw new DbError('INVALID_INPUT', `${name}: ${why}`, { field: name });
  };
  if (name === 'kind') {
    if (!(DOC_KINDS as readonly unknown[]).includes(value)) bad(`must be one of ${DOC_KINDS.join(', ')}`);
    return value as DocKind;
  }
  if (value === null) return null;
  switch (name) {
    case 'vendor':
    case 'invoiceNumber':
      if (typeof value !== 'string' || value.trim() === '') bad('must be non-empty text or null');
      return (value as string).trim();
    case 'amount':
      if (!Number.isSafeInteger(value)) bad('must be an integer number of minor units or null');
      return value as number;
    case 'currency':
      if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value)) bad('must be an ISO 4217 code or null');
      return value as string;
    case 'date':
      if (!isIsoDate(value)) bad('must be a YYYY-MM-DD date or null');
      return value as string;
  }
}

/**
 * Applies a reviewer's corrections to the document's latest extraction: each field takes the
 * new value with confidence 1, is listed in `correctedFields` (with the value read before), and
 * one audit row per field keeps who changed what. A document never extracted (it failed) gets a
 * first extraction holding just the reviewer's values. The caller re-runs the claim's checks.
 */
export async function correctFields(
  db: Db,
  documentId: string,
  changes: FieldChanges,
  actor: string,
  note: string | null = null,
): Promise<ExtractionRecord> {
  requireActor(actor);
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [CorrectableField, unknown][];
  if (entries.length === 0) throw new DbError('INVALID_INPUT', 'no field to correct');
  const values = new Map<CorrectableField, FieldValue>();
  for (const [name, value] of entries) {
    if (!(CORRECTABLE_FIELDS as readonly string[]).includes(name)) {
      throw new DbError('INVALID_INPUT', `${name} is not a correctable field (${CORRECTABLE_FIELDS.join(', ')})`, { field: name });
    }
    values.set(name, validateChange(name, value));
  }
  if (!isUuid(documentId)) throw new DbError('NOT_FOUND', `document ${documentId} does not exist`, { documentId });

  return db.transaction(async (tx) => {
    const [doc] = await tx.select().from(documents).where(eq(documents.id, documentId)).for('update');
    if (!doc) throw new DbError('NOT_FOUND', `document ${documentId} does not exist`, { documentId });
    // A document never extracted (it failed) gets a first extraction to hold the reviewer's values.
    const current =
      (await getLatestExtraction(tx, documentId)) ??
      (
        await tx
          .insert(extractions)
          .values({
            documentId,
            version: 1,
            kind: doc.kind ?? 'other',
            kindConfidence: 0,
            fields: { vendor: null, amount: null, currency: null, date: null, invoiceNumber: null },
            csr: null,
            method: doc.method,
            text: '',
          })
          .returning()
      )[0]!;
    const at = new Date().toISOString();
    const corrected: CorrectedFields = { ...current.correctedFields };
    const audit = [];
    for (const [name, value] of values) {
      const before = readValue(current, name);
      // `previous` is what the reader produced, however many times a reviewer changed it since.
      corrected[name] = { value, previous: corrected[name]?.previous ?? before, by: actor, at, note };
      audit.push({
        actor,
        action: 'extraction.correct',
        targetType: 'document',
        targetId: documentId,
        claimId: doc.claimId,
        before: { field: name, value: before },
        after: { field: name, value },
        note,
      });
    }
    const changed = new Map([...values].map(([name]) => [name, corrected[name]!]));
    const effective = applyCorrections(current, Object.fromEntries(changed) as CorrectedFields);
    const [row] = await tx
      .update(extractions)
      .set({ kind: effective.kind, fields: effective.fields, correctedFields: corrected })
      .where(eq(extractions.id, current.id))
      .returning();
    if (values.has('kind')) {
      await tx.update(documents).set({ kind: effective.kind, updatedAt: sql`now()` }).where(eq(documents.id, documentId));
    }
    await writeAudit(tx, audit);
    return row!;
  });
}

/** One field; see correctFields. */
export async function correctField<F extends CorrectableField>(
  db: Db,
  input: { documentId: string; field: F; value: NonNullable<FieldChanges[F]> | null; actor: string; note?: string | null },
): Promise<ExtractionRecord> {
  return correctFields(db, input.documentId, { [input.field]: input.value } as FieldChanges, input.actor, input.note ?? null);
}

// ---------------------------------------------------------------------------------------------
// Evidence shared with other claims (for DUPLICATE_DOCUMENT)

export interface SharedEvidence {
  /** This claim's document. */
  documentId: string;
  reason: 'same_file' | 'same_invoice';
  other: {
    documentId: string;
    claimId: string;
    fileName: string;
    /** The expense of the other claim the document backs, if it is matched. */
    expenseId: string | null;
    vendor: string | null;
    amountMinor: number | null;
    currency: string | null;
    invoiceNumber: string | null;
  };
}

/**
 * An invoice number as duplicates are compared: its ASCII letters and digits, upper-cased (what
 * pipeline/checks.ts's invoiceKey keeps of the number). `invoiceNumberKeySql` is the same in SQL:
 * both strip before upper-casing, and in the C collation, so they agree on every input.
 */
function invoiceNumberKey(value: string | null | undefined): string | null {
  const key = (value ?? '').replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  return key === '' ? null : key;
}

const invoiceNumberKeySql = sql`upper(regexp_replace(${extractions.fields}->'invoiceNumber'->>'value', '[^A-Za-z0-9]', '', 'g') collate "C")`;

/**
 * Documents of other claims that carry the same evidence as this claim's documents: the same
 * bytes, or (by their latest extraction) the same invoice number and amount. The vendor is
 * returned for the checks to compare as loosely as they compare vendors elsewhere.
 */
export async function findSharedEvidence(db: Db, claimId: string): Promise<SharedEvidence[]> {
  const other = alias(documents, 'other_document');
  const sameFile = await db
    .select({ documentId: documents.id, otherId: other.id, otherClaimId: other.claimId, otherFileName: other.fileName })
    .from(documents)
    .innerJoin(other, and(eq(other.sha256, documents.sha256), ne(other.claimId, documents.claimId)))
    .where(eq(documents.claimId, claimId));

  const mine = latestPerDocument(
    await db
      .select({ documentId: extractions.documentId, version: extractions.version, fields: extractions.fields })
      .from(extractions)
      .innerJoin(documents, eq(documents.id, extractions.documentId))
      .where(eq(documents.claimId, claimId)),
  );
  const byKey = new Map<string, { documentId: string; amount: number | null }[]>();
  for (const e of mine.values()) {
    const key = invoiceNumberKey(e.fields.invoiceNumber?.value);
    if (!key) continue;
    const list = byKey.get(key) ?? [];
    list.push({ documentId: e.documentId, amount: e.fields.amount?.value ?? null });
    byKey.set(key, list);
  }

  const candidates = [];
  for (const keys of chunk([...byKey.keys()], 500)) {
    candidates.push(
      ...(await db
        .select({
          documentId: extractions.documentId,
          version: extractions.version,
          fields: extractions.fields,
          claimId: documents.claimId,
          fileName: documents.fileName,
        })
        .from(extractions)
        .innerJoin(documents, eq(documents.id, extractions.documentId))
        .where(
          and(
            ne(documents.claimId, claimId),
            inArray(invoiceNumberKeySql, keys),
            eq(extractions.version, sql`(select max(e2.version) from ${extractions} e2 where e2.document_id = ${q(extractions.documentId)})`),
          ),
        )),
    );
  }

  const otherIds = [...new Set([...sameFile.map((r) => r.otherId), ...candidates.map((c) => c.documentId)])];
  const otherFields = new Map<string, ExtractedFields>(candidates.map((c) => [c.documentId, c.fields]));
  const missingFields = sameFile.map((r) => r.otherId).filter((id) => !otherFields.has(id));
  for (const ids of chunk(missingFields, 500)) {
    const rows = latestPerDocument(
      await db
        .select({ documentId: extractions.documentId, version: extractions.version, fields: extractions.fields })
        .from(extractions)
        .where(inArray(extractions.documentId, ids)),
    );
    for (const [id, r] of rows) otherFields.set(id, r.fields);
  }
  const matchedExpense = new Map<string, string>();
  for (const ids of chunk(otherIds, 500)) {
    const rows = await db
      .select({ documentId: matches.documentId, expenseId: expenses.expenseId })
      .from(matches)
      .innerJoin(expenses, eq(expenses.id, matches.expenseRef))
      .where(inArray(matches.documentId, ids));
    for (const r of rows) matchedExpense.set(r.documentId, r.expenseId);
  }

  const describe = (id: string, claim: string, fileName: string): SharedEvidence['other'] => {
    const f = otherFields.get(id);
    return {
      documentId: id,
      claimId: claim,
      fileName,
      expenseId: matchedExpense.get(id) ?? null,
      vendor: f?.vendor?.value ?? null,
      amountMinor: f?.amount?.value ?? null,
      currency: f?.currency?.value ?? null,
      invoiceNumber: f?.invoiceNumber?.value ?? null,
    };
  };

  const out: SharedEvidence[] = [];
  const pairs = new Set<string>();
  for (const r of sameFile) {
    pairs.add(`${r.documentId}|${r.otherId}`);
    out.push({ documentId: r.documentId, reason: 'same_file', other: describe(r.otherId, r.otherClaimId, r.otherFileName) });
  }
  for (const c of candidates) {
    const key = invoiceNumberKey(c.fields.invoiceNumber?.value);
    const amount = c.fields.amount?.value ?? null;
    for (const m of (key && byKey.get(key)) || []) {
      if (m.amount === null || amount === null || m.amount !== amount) continue;
      if (pairs.has(`${m.documentId}|${c.documentId}`)) continue;
      pairs.add(`${m.documentId}|${c.documentId}`);
      out.push({ documentId: m.documentId, reason: 'same_invoice', other: describe(c.documentId, c.claimId, c.fileName) });
    }
  }
  return out;
}
