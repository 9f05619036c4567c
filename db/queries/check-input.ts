import { and, asc, inArray } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { claims, documents, expenses, extractions } from '../schema/index.ts';
import { chunk } from './common.ts';
import type { ClaimRecord, ExpenseRecord } from './claims.ts';
import type { DocumentDetail } from './documents.ts';
import { toExpense } from './claims.ts';

export interface CheckRows {
  claims: Array<ClaimRecord & { expenses: ExpenseRecord[] }>;
  /** Every document of those claims, with its latest extraction (and text), oldest first. */
  documents: DocumentDetail[];
}

/** Everything the checks need for a set of claims, in four queries whatever their number. */
export async function loadCheckRows(db: Db, claimIds: readonly string[]): Promise<CheckRows> {
  const out: CheckRows = { claims: [], documents: [] };
  for (const ids of chunk([...new Set(claimIds)], 500)) {
    const [claimRows, expenseRows, docRows] = await Promise.all([
      db.select().from(claims).where(inArray(claims.claimId, ids)).orderBy(asc(claims.claimId)),
      db.select().from(expenses).where(inArray(expenses.claimId, ids)).orderBy(asc(expenses.expenseId)),
      db
        .select()
        .from(documents)
        .where(inArray(documents.claimId, ids))
        .orderBy(asc(documents.createdAt), asc(documents.fileName), asc(documents.id)),
    ]);
    const byClaim = new Map<string, ExpenseRecord[]>();
    for (const row of expenseRows) {
      const list = byClaim.get(row.claimId) ?? [];
      list.push(toExpense(row));
      byClaim.set(row.claimId, list);
    }
    out.claims.push(...claimRows.map((c) => ({ ...c, expenses: byClaim.get(c.claimId) ?? [] })));

    const latest = new Map<string, typeof extractions.$inferSelect>();
    for (const docIds of chunk(
      docRows.map((d) => d.id),
      1000,
    )) {
      const rows = await db.select().from(extractions).where(and(inArray(extractions.documentId, docIds)));
      for (const row of rows) {
        const seen = latest.get(row.documentId);
        if (!seen || row.version > seen.version) latest.set(row.documentId, row);
      }
    }
    out.documents.push(...docRows.map((d) => ({ ...d, extraction: latest.get(d.id) ?? null })));
  }
  return out;
}
