import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ROLES = ['submitter', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** sha256 hex of the token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique('api_tokens_token_hash_unique'),
    role: text('role', { enum: ROLES }).notNull(),
    /** The only partner a submitter may see; null for reviewers and admins. */
    partner: text('partner'),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    check('api_tokens_role_check', sql`${t.role} in ('submitter', 'reviewer', 'admin')`),
    check('api_tokens_submitter_partner_check', sql`${t.role} <> 'submitter' or ${t.partner} is not null`),
  ],
);
