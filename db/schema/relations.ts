import { relations } from 'drizzle-orm';
import { claimStatusHistory } from './claim-status-history.ts';
import { claims } from './claims.ts';
import { documents } from './documents.ts';
import { expenses } from './expenses.ts';
import { extractions } from './extractions.ts';
import { flags } from './flags.ts';
import { matches } from './matches.ts';

export const claimsRelations = relations(claims, ({ many }) => ({
  expenses: many(expenses),
  documents: many(documents),
  matches: many(matches),
  flags: many(flags),
  history: many(claimStatusHistory),
}));

export const expensesRelations = relations(expenses, ({ one, many }) => ({
  claim: one(claims, { fields: [expenses.claimId], references: [claims.claimId] }),
  matches: many(matches),
  flags: many(flags),
}));

export const documentsRelations = relations(documents, ({ one, many }) => ({
  claim: one(claims, { fields: [documents.claimId], references: [claims.claimId] }),
  extractions: many(extractions),
  matches: many(matches),
  flags: many(flags),
}));

export const extractionsRelations = relations(extractions, ({ one }) => ({
  document: one(documents, { fields: [extractions.documentId], references: [documents.id] }),
}));

export const matchesRelations = relations(matches, ({ one }) => ({
  claim: one(claims, { fields: [matches.claimId], references: [claims.claimId] }),
  expense: one(expenses, { fields: [matches.expenseRef], references: [expenses.id] }),
  document: one(documents, { fields: [matches.documentId], references: [documents.id] }),
}));

export const flagsRelations = relations(flags, ({ one }) => ({
  claim: one(claims, { fields: [flags.claimId], references: [claims.claimId] }),
  expense: one(expenses, { fields: [flags.expenseRef], references: [expenses.id] }),
  document: one(documents, { fields: [flags.documentId], references: [documents.id] }),
}));

export const claimStatusHistoryRelations = relations(claimStatusHistory, ({ one }) => ({
  claim: one(claims, { fields: [claimStatusHistory.claimId], references: [claims.claimId] }),
}));
