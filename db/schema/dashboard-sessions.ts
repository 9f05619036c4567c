import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { apiTokens } from './api-tokens.ts';

/**
 * Dashboard sign-ins. The cookie holds a random secret; only its sha256 is kept here, so a
 * database read does not hand out sessions. Signing out (or revoking the API token it was made
 * from) ends the session on the server, so a copied cookie stops working too.
 */
export const dashboardSessions = pgTable(
  'dashboard_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    secretHash: text('secret_hash').notNull().unique('dashboard_sessions_secret_hash_unique'),
    tokenId: uuid('token_id')
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    /** Sent back in every form and upload of this session (double check beside the Origin check). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('dashboard_sessions_token_idx').on(t.tokenId)],
);
