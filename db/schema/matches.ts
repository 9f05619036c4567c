import { index, jsonb, pgTable, real, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { claims } from './claims.ts';
import { documents } from './documents.ts';
import { expenses } from './expenses.ts';

// The latest one-to-one assignment of documents to a claim's expenses; replaced on every check.
export const matches = pgTable(
  'matches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.claimId, { onDelete: 'cascade', onUpdate: 'cascade' }),
    expenseRef: uuid('expense_ref')
      .notNull()
      .references(() => expenses.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    score: real('score').notNull(),
    /** Why the match was made, for the reviewer. */
    reasons: jsonb('reasons').$type<string[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    unique('matches_expense_unique').on(t.expenseRef),
    unique('matches_document_unique').on(t.documentId),
    index('matches_claim_idx').on(t.claimId),
  ],
);
