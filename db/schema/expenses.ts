import { sql } from 'drizzle-orm';
import { bigint, check, date, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { EXPENSE_TYPES, sqlList } from '../../pipeline/enums.ts';
import { claims } from './claims.ts';

export { EXPENSE_TYPES } from '../../pipeline/enums.ts';

export const expenses = pgTable(
  'expenses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.claimId, { onDelete: 'cascade', onUpdate: 'cascade' }),
    /** The partner's id for the expense, unique within its claim. */
    expenseId: text('expense_id').notNull(),
    type: text('type', { enum: EXPENSE_TYPES }).notNull(),
    vendor: text('vendor').notNull(),
    /** Minor units of `currency`; bigint so large currencies (JPY, IDR…) never overflow. */
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    unique('expenses_claim_expense_unique').on(t.claimId, t.expenseId),
    check('expenses_type_check', sql`${t.type} in (${sql.raw(sqlList(EXPENSE_TYPES))})`),
  ],
);
