import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { DOC_KINDS, DOCUMENT_STATUSES, FILE_TYPES, READ_METHODS, sqlList } from '../../pipeline/enums.ts';
import type { DocumentErrorCode } from '../../pipeline/types.ts';
import { claims } from './claims.ts';

export { DOC_KINDS, DOCUMENT_STATUSES, FILE_TYPES, READ_METHODS, type DocumentStatus } from '../../pipeline/enums.ts';

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.claimId, { onDelete: 'cascade', onUpdate: 'cascade' }),
    /** The name (or path inside a ZIP / evidence folder) the file was uploaded under. */
    fileName: text('file_name').notNull(),
    /** Lower-case hex SHA-256 of the bytes: the dedupe key and the storage address. */
    sha256: text('sha256').notNull(),
    /** Null when the bytes are not a supported type (the document is then `failed`). */
    fileType: text('file_type', { enum: FILE_TYPES }),
    mime: text('mime'),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Where the original lives in the content-addressed store. */
    storageKey: text('storage_key').notNull(),
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull().default('queued'),
    errorCode: text('error_code').$type<DocumentErrorCode>(),
    errorMessage: text('error_message'),
    pageCount: integer('page_count'),
    method: text('method', { enum: READ_METHODS }),
    /** Null until extracted; a reviewer's correction of the kind is kept here too. */
    kind: text('kind', { enum: DOC_KINDS }),
    /** The activity the evidence is for; retention runs from it. */
    activityDate: date('activity_date', { mode: 'string' }).notNull(),
    /** activity_date + 24 months: the original is not deleted before this day. */
    retentionUntil: date('retention_until', { mode: 'string' }).notNull(),
    /** When the original was removed from storage after its retention date (the row stays as the record). */
    purgedAt: timestamp('purged_at', { withTimezone: true, mode: 'date' }),
    uploadedBy: text('uploaded_by'),
    /** The first document of another claim with the same bytes, when there is one. */
    duplicateOf: uuid('duplicate_of').references((): AnyPgColumn => documents.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // The same bytes are stored once per claim; the unique key also settles concurrent uploads.
    unique('documents_claim_sha256_unique').on(t.claimId, t.sha256),
    index('documents_sha256_idx').on(t.sha256),
    index('documents_status_idx').on(t.status),
    check('documents_status_check', sql`${t.status} in (${sql.raw(sqlList(DOCUMENT_STATUSES))})`),
    check('documents_kind_check', sql`${t.kind} is null or ${t.kind} in (${sql.raw(sqlList(DOC_KINDS))})`),
    check('documents_method_check', sql`${t.method} is null or ${t.method} in (${sql.raw(sqlList(READ_METHODS))})`),
    check('documents_file_type_check', sql`${t.fileType} is null or ${t.fileType} in (${sql.raw(sqlList(FILE_TYPES))})`),
    check('documents_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
  ],
);
