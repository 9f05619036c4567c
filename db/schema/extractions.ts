import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, real, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { CsrLine, DocKind, ExtractedFields, ReadMethod } from '../../pipeline/types.ts';
import { DOC_KINDS, READ_METHODS, sqlList } from '../../pipeline/enums.ts';
import { documents } from './documents.ts';

export const CORRECTABLE_FIELDS = ['kind', 'vendor', 'amount', 'currency', 'date', 'invoiceNumber'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** What a reviewer changed, per field; kept across re-extractions and re-applied on top of them. */
export interface FieldCorrection {
  /** The corrected value (null when the reviewer cleared the field). */
  value: string | number | null;
  /** The value the reader had produced. */
  previous: string | number | null;
  by: string;
  /** ISO timestamp. */
  at: string;
  note: string | null;
}
export type CorrectedFields = Partial<Record<CorrectableField, FieldCorrection>>;

export interface CsrData {
  lines: CsrLine[];
  statedTotalMinor: number | null;
  /** How surely the stated total was read (absent in older rows: taken as 1). */
  statedTotalConfidence?: number;
}

// One row per extraction run of a document (`version` 1, 2, …); the latest is the one in force.
export const extractions = pgTable(
  'extractions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    kind: text('kind', { enum: DOC_KINDS }).$type<DocKind>().notNull(),
    kindConfidence: real('kind_confidence').notNull(),
    /** The fields in force: what was read, with reviewer corrections applied over it. */
    fields: jsonb('fields').$type<ExtractedFields>().notNull(),
    csr: jsonb('csr').$type<CsrData | null>(),
    method: text('method', { enum: READ_METHODS }).$type<ReadMethod>(),
    /** All text, pages separated by form feeds. */
    text: text('text').notNull().default(''),
    correctedFields: jsonb('corrected_fields').$type<CorrectedFields>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    unique('extractions_document_version_unique').on(t.documentId, t.version),
    check('extractions_kind_check', sql`${t.kind} in (${sql.raw(sqlList(DOC_KINDS))})`),
    check('extractions_version_check', sql`${t.version} >= 1`),
  ],
);
