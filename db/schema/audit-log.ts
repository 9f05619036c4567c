import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// No foreign keys on purpose: the trail outlives whatever it talks about.
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    actor: text('actor').notNull(),
    /** Dotted verb, e.g. `claim.create`, `flag.resolve`, `extraction.correct`. */
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    /** The claim the act concerns, so a claim's whole trail is one indexed query. */
    claimId: text('claim_id'),
    before: jsonb('before').$type<unknown>(),
    after: jsonb('after').$type<unknown>(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_claim_idx').on(t.claimId, t.id),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
  ],
);
