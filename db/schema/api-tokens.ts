import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ROLES, sqlList } from '../../pipeline/enums.ts';

export { ROLES, type Role } from '../../pipeline/enums.ts';

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
    check('api_tokens_role_check', sql`${t.role} in (${sql.raw(sqlList(ROLES))})`),
    check('api_tokens_submitter_partner_check', sql`${t.role} <> 'submitter' or ${t.partner} is not null`),
  ],
);
