import { sql } from 'drizzle-orm';
import { check, date, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const REPORT_TRIGGERS = ['schedule', 'manual'] as const;

/**
 * Every incomplete-claims report that was built, as the model the renderers (JSON, CSV, PDF) take,
 * so the API serves the latest one exactly as it was on its day.
 */
export const reports = pgTable(
  'reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    trigger: text('trigger', { enum: REPORT_TRIGGERS }).notNull(),
    actor: text('actor').notNull(),
    body: jsonb('body').$type<unknown>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('reports_created_idx').on(t.createdAt),
    check('reports_trigger_check', sql`${t.trigger} in ('schedule', 'manual')`),
  ],
);
