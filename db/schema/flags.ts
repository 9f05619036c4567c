import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { FLAG_SEVERITIES, FLAG_STATUSES, sqlList, type FlagCode } from '../../pipeline/enums.ts';
import { claims } from './claims.ts';
import { documents } from './documents.ts';
import { expenses } from './expenses.ts';

export { FLAG_SEVERITIES, FLAG_STATUSES, type FlagStatus } from '../../pipeline/enums.ts';

export const flags = pgTable(
  'flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.claimId, { onDelete: 'cascade', onUpdate: 'cascade' }),
    code: text('code').$type<FlagCode>().notNull(),
    severity: text('severity', { enum: FLAG_SEVERITIES }).notNull(),
    expenseRef: uuid('expense_ref').references(() => expenses.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id').references(() => documents.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    status: text('status', { enum: FLAG_STATUSES }).notNull().default('open'),
    /**
     * sha256 of (claim, code, expense id, document id): the same problem found again by a later
     * check is the same row, so a reviewer's resolve or dismiss survives re-checks.
     */
    fingerprint: text('fingerprint').notNull().unique('flags_fingerprint_unique'),
    /**
     * False when the latest check no longer raises it. Only reviewer-decided (resolved/dismissed)
     * flags are kept in that state; open flags that no longer apply are deleted.
     */
    raised: boolean('raised').notNull().default(true),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('flags_claim_idx').on(t.claimId),
    index('flags_status_idx').on(t.status, t.severity),
    index('flags_document_idx').on(t.documentId),
    check('flags_severity_check', sql`${t.severity} in (${sql.raw(sqlList(FLAG_SEVERITIES))})`),
    check('flags_status_check', sql`${t.status} in (${sql.raw(sqlList(FLAG_STATUSES))})`),
  ],
);
