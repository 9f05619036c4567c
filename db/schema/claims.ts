import { sql } from 'drizzle-orm';
import { check, date, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { CLAIM_STATUSES, COMPLETENESS, sqlList } from '../../pipeline/enums.ts';

export { CLAIM_STATUSES, COMPLETENESS, type Completeness } from '../../pipeline/enums.ts';

// The partner's own claim id is the key everywhere (URLs, CSV, reports), so it is the primary key
// rather than a surrogate that every query would have to translate.
export const claims = pgTable(
  'claims',
  {
    claimId: text('claim_id').primaryKey(),
    partner: text('partner').notNull(),
    program: text('program').notNull(),
    activity: text('activity').notNull(),
    usageStart: date('usage_start', { mode: 'string' }).notNull(),
    usageEnd: date('usage_end', { mode: 'string' }).notNull(),
    /** usage_end + 45 days, stored so lists can filter and sort on it. */
    deadline: date('deadline', { mode: 'string' }).notNull(),
    status: text('status', { enum: CLAIM_STATUSES }).notNull().default('draft'),
    /** Incomplete until a check has found no open blocking flag. */
    completeness: text('completeness', { enum: COMPLETENESS }).notNull().default('incomplete'),
    /** The one currency of all expenses; null when they are mixed (MIXED_CURRENCY) or there are none. */
    currency: text('currency'),
    checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('claims_partner_idx').on(t.partner),
    index('claims_status_idx').on(t.status),
    index('claims_deadline_idx').on(t.deadline),
    index('claims_completeness_deadline_idx').on(t.completeness, t.deadline),
    check('claims_status_check', sql`${t.status} in (${sql.raw(sqlList(CLAIM_STATUSES))})`),
    check('claims_completeness_check', sql`${t.completeness} in (${sql.raw(sqlList(COMPLETENESS))})`),
    check('claims_usage_period_check', sql`${t.usageEnd} >= ${t.usageStart}`),
  ],
);
