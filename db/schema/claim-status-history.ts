import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { CLAIM_STATUSES, sqlList } from '../../pipeline/enums.ts';
import { claims } from './claims.ts';

export const claimStatusHistory = pgTable(
  'claim_status_history',
  {
    // An identity keeps the order of several changes made in one transaction (same `at`).
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.claimId, { onDelete: 'cascade', onUpdate: 'cascade' }),
    /** Null for the row that records the claim's creation. */
    fromStatus: text('from_status', { enum: CLAIM_STATUSES }),
    toStatus: text('to_status', { enum: CLAIM_STATUSES }).notNull(),
    note: text('note'),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('claim_status_history_claim_idx').on(t.claimId, t.id),
    check(
      'claim_status_history_to_check',
      sql`${t.toStatus} in (${sql.raw(sqlList(CLAIM_STATUSES))})`,
    ),
  ],
);
