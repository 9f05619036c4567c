import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseDate, compareAmounts, matchClaim, maxWeightAssignment, scorePair, type MatchableDocument } from './match.ts';
import type { Claim, DocKind, Expense, ExtractedFields, Field } from './types.ts';

const fld = <T>(value: T, extra: Partial<Field<T>> = {}): Field<T> => ({ value, confidence: 0.95, page: 1, box: null, ...extra });

function doc(id: string, kind: DocKind, f: { vendor?: string; amount?: number; currency?: string; date?: string; dateAlternatives?: string[]; invoiceNumber?: string }): MatchableDocument {
  const fields: ExtractedFields = {
    vendor: f.vendor !== undefined ? fld(f.vendor) : null,
    amount: f.amount !== undefined ? fld(f.amount) : null,
    currency: f.currency !== undefined ? fld(f.currency) : null,
    date: f.date !== undefined ? fld(f.date, f.dateAlternatives ? { alternatives: f.dateAlternatives } : {}) : null,
    invoiceNumber: f.invoiceNumber !== undefined ? fld(f.invoiceNumber) : null,
  };
  return { id, file: `${id}.pdf`, kind, fields };
}

function expense(expenseId: string, vendor: string, amountMinor: number, date: string, type: Expense['type'] = 'third_party', currency = 'EUR'): Expense {
  return { expenseId, type, vendor, amountMinor, currency, date, description: null };
}

function claimOf(expenses: Expense[]): Claim {
  return { claimId: 'C1', partner: 'Partner One', program: 'MDF', activity: 'Event', usageStart: '2026-03-01', usageEnd: '2026-03-31', expenses };
}

const OPTS = { amountTolerance: 0.01 };

function bruteForceBest(w: number[][]): number {
  const rows = w.length;
  const cols = w[0]?.length ?? 0;
  const used = new Array<boolean>(cols).fill(false);
  const go = (i: number): number => {
    if (i === rows) return 0;
    let best = go(i + 1); // row i unassigned
    for (let j = 0; j < cols; j++) {
      if (used[j] || w[i]![j]! <= 0) continue;
      used[j] = true;
      best = Math.max(best, w[i]![j]! + go(i + 1));
      used[j] = false;
    }
    return best;
  };
  return go(0);
}

function total(w: number[][], a: number[]): number {
  return a.reduce((s, j, i) => s + (j >= 0 ? w[i]![j]! : 0), 0);
}

function greedy(w: number[][]): number[] {
  const pairs: Array<[number, number, number]> = [];
  w.forEach((r, i) => r.forEach((x, j) => x > 0 && pairs.push([x, i, j])));
  pairs.sort((a, b) => b[0] - a[0]);
  const out = w.map(() => -1);
  const usedCols = new Set<number>();
  for (const [, i, j] of pairs) {
    if (out[i] !== -1 || usedCols.has(j)) continue;
    out[i] = j;
    usedCols.add(j);
  }
  return out;
}

describe('maxWeightAssignment', () => {
  it('finds the optimum on random rectangular matrices (against brute force)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((r) => fc.integer({ min: 1, max: 5 }).chain((c) => fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }))),
        (w) => {
          const a = maxWeightAssignment(w);
          expect(a).toHaveLength(w.length);
          const cols = a.filter((j) => j >= 0);
          expect(new Set(cols).size).toBe(cols.length); // one to one
          a.forEach((j, i) => j >= 0 && expect(w[i]![j]!).toBeGreaterThan(0)); // never a zero edge
          expect(total(w, a)).toBe(bruteForceBest(w));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('beats greedy on a crafted matrix', () => {
    const w = [
      [10, 9],
      [8, 0],
    ];
    expect(total(w, greedy(w))).toBe(10);
    const a = maxWeightAssignment(w);
    expect(a).toEqual([1, 0]);
    expect(total(w, a)).toBe(17);
  });

  it('handles empty and one-sided inputs', () => {
    expect(maxWeightAssignment([])).toEqual([]);
    expect(maxWeightAssignment([[], []])).toEqual([-1, -1]);
    expect(maxWeightAssignment([[0, 0]])).toEqual([-1]);
    expect(maxWeightAssignment([[1], [5], [3]])).toEqual([-1, 0, -1]);
  });
});

describe('compareAmounts', () => {
  it('compares at a common exponent with the tolerance in major units', () => {
    expect(compareAmounts(125000, 'EUR', 125000, 'EUR', 0.01)).toMatchObject({ diff: 0, withinTolerance: true, sameCurrency: true });
    expect(compareAmounts(125001, 'EUR', 125000, 'EUR', 0.01).withinTolerance).toBe(true);
    expect(compareAmounts(125002, 'EUR', 125000, 'EUR', 0.01).withinTolerance).toBe(false);
    // a document in no known currency is in 2 decimals; JPY has none
    expect(compareAmounts(125000, null, 1250, 'JPY', 0.01)).toMatchObject({ diff: 0, exponent: 2, sameCurrency: true });
    expect(compareAmounts(1250000, 'KWD', 125000, 'EUR', 0.01)).toMatchObject({ diff: 0, exponent: 3, sameCurrency: false });
  });
});

describe('chooseDate', () => {
  const claim = claimOf([]);
  it('prefers the reading inside the usage period and says so', () => {
    const d = doc('d', 'invoice', { date: '2026-04-03', dateAlternatives: ['2026-03-04'] });
    const c = chooseDate(d.fields.date, claim, '2026-03-05')!;
    expect(c.value).toBe('2026-03-04');
    expect(c.inPeriod).toBe(true);
    expect(c.note).toBe('date 2026-03-04 chosen over 2026-04-03: inside the usage period');
  });
  it('keeps the extractor\'s first reading when it is inside, and ignores invalid readings', () => {
    const d = doc('d', 'invoice', { date: '2026-03-04', dateAlternatives: ['2026-04-03', '2026-02-31'] });
    const c = chooseDate(d.fields.date, claim, '2026-03-04')!;
    expect(c.value).toBe('2026-03-04');
    expect(c.readings).toEqual(['2026-03-04', '2026-04-03']);
  });
  it('among readings inside the period, takes the one closest to the expense date', () => {
    const d = doc('d', 'invoice', { date: '2026-03-02', dateAlternatives: ['2026-02-03'] });
    expect(chooseDate(d.fields.date, claim, '2026-03-02')!.value).toBe('2026-03-02');
    const e = doc('e', 'invoice', { date: '2026-03-12', dateAlternatives: ['2026-12-03', '2026-03-21'] });
    expect(chooseDate(e.fields.date, claim, '2026-03-20')!.value).toBe('2026-03-21');
  });
  it('returns null without a usable date', () => {
    expect(chooseDate(null, claim, '2026-03-02')).toBeNull();
    expect(chooseDate(fld('2026-02-30'), claim, '2026-03-02')).toBeNull();
  });
});

describe('scorePair', () => {
  const e = expense('E1', 'Acme Inc.', 125000, '2026-03-04');
  const claim = claimOf([e]);
  it('explains a perfect invoice', () => {
    const a = scorePair(e, doc('d', 'invoice', { vendor: 'ACME, Inc', amount: 125000, currency: 'EUR', date: '2026-04-03', dateAlternatives: ['2026-03-04'] }), claim, OPTS);
    expect(a.admissible).toBe(true);
    expect(a.score).toBe(1);
    expect(a.reasons).toContain('amount 1,250.00 EUR equals the claimed amount');
    expect(a.reasons).toContain("vendor 'ACME, Inc' ~ 'Acme Inc.' (1.00)");
    expect(a.reasons).toContain('date 2026-03-04 chosen over 2026-04-03: inside the usage period');
    expect(a.reasons).toContain('currency EUR as claimed');
  });
  it('refuses the wrong kind of document', () => {
    expect(scorePair(e, doc('d', 'csr', { amount: 125000 }), claim, OPTS).admissible).toBe(false);
    expect(scorePair(e, doc('d', 'poe', { amount: 125000 }), claim, OPTS).admissible).toBe(false);
    const inHouse = expense('E2', 'Partner One', 125000, '2026-03-04', 'in_house');
    expect(scorePair(inHouse, doc('d', 'invoice', { amount: 125000 }), claim, OPTS).admissible).toBe(false);
    expect(scorePair(inHouse, doc('d', 'csr', { amount: 125000, date: '2026-03-04' }), claim, OPTS).admissible).toBe(true);
  });
  it('needs the amount or the vendor to identify the document', () => {
    const a = scorePair(e, doc('d', 'invoice', { vendor: 'Globex', amount: 99000, currency: 'EUR', date: '2026-03-04' }), claim, OPTS);
    expect(a.admissible).toBe(false);
    expect(a.reasons.at(-1)).toMatch(/neither the amount nor the vendor/);
    // the vendor alone is enough: then AMOUNT_MISMATCH tells the rest
    expect(scorePair(e, doc('d', 'invoice', { vendor: 'Acme', amount: 99000, currency: 'EUR', date: '2026-03-04' }), claim, OPTS).admissible).toBe(true);
    // the amount alone is enough: then VENDOR_MISMATCH tells the rest
    expect(scorePair(e, doc('d', 'invoice', { vendor: 'Globex', amount: 125000, currency: 'EUR', date: '2026-03-04' }), claim, OPTS).admissible).toBe(true);
  });
  it('ranks closer amounts higher', () => {
    const s = (amount: number) => scorePair(e, doc('d', 'invoice', { vendor: 'Acme', amount, currency: 'EUR', date: '2026-03-04' }), claim, OPTS).score;
    expect(s(125000)).toBeGreaterThan(s(125001));
    expect(s(125001)).toBeGreaterThan(s(120000));
    expect(s(120000)).toBeGreaterThan(s(100000));
  });
});

describe('matchClaim', () => {
  it('assigns optimally where greedy leaves an expense without its invoice', () => {
    // D1 (no vendor read, exact amount) fits E1 slightly better than E2 by date; D2 is Acme's
    // invoice with a wrong total and can only back E1. Greedy gives D1 to E1 and strands E2.
    const e1 = expense('E1', 'Acme', 100000, '2026-03-10');
    const e2 = expense('E2', 'Beta Events', 100000, '2026-03-20');
    const claim = claimOf([e1, e2]);
    const d1 = doc('D1', 'invoice', { amount: 100000, currency: 'EUR', date: '2026-03-10' });
    const d2 = doc('D2', 'invoice', { vendor: 'Acme Inc.', amount: 50000, currency: 'EUR', date: '2026-03-15' });
    const docs = [d1, d2];
    const w = [e1, e2].map((e) => docs.map((d) => {
      const a = scorePair(e, d, claim, OPTS);
      return a.admissible ? Math.round(a.score * 1000) : 0;
    }));
    const g = greedy(w);
    expect(g).toEqual([0, -1]);
    const { matches } = matchClaim(claim, docs, OPTS);
    expect(matches.map((m) => [m.expenseId, m.documentId]).sort()).toEqual([
      ['E1', 'D2'],
      ['E2', 'D1'],
    ]);
    const optimal = matches.reduce((s, m) => s + Math.round(m.score * 1000), 0);
    expect(optimal).toBeGreaterThan(total(w, g));
  });

  it('never matches poe or other documents, and leaves a pair below the minimum unmatched', () => {
    const claim = claimOf([expense('E1', 'Acme', 100000, '2026-03-10')]);
    const { matches } = matchClaim(claim, [doc('P', 'poe', { vendor: 'Acme', amount: 100000 }), doc('O', 'other', { vendor: 'Acme', amount: 100000 }), doc('X', 'invoice', { vendor: 'Zeta', amount: 5, currency: 'USD' })], OPTS);
    expect(matches).toEqual([]);
  });

  it('carries reasons and a score on every match', () => {
    const claim = claimOf([expense('E1', 'Acme Inc.', 125000, '2026-03-04')]);
    const { matches } = matchClaim(claim, [doc('D', 'invoice', { vendor: 'ACME, Inc', amount: 125000, currency: 'EUR', date: '2026-03-04' })], OPTS);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.score).toBe(1);
    expect(matches[0]!.reasons).toContain('amount 1,250.00 EUR equals the claimed amount');
    expect(matches[0]!.reasons.at(-1)).toBe('score 1.00');
  });

  it('does not depend on the order of documents or expenses', () => {
    const vendors = ['Acme Inc.', 'Globex GmbH', 'Initech LLC', 'Umbrella B.V.'];
    const arbExpense = fc.record({
      vendor: fc.constantFrom(...vendors),
      amount: fc.constantFrom(10000, 10001, 12000, 50000, 99999),
      day: fc.integer({ min: 1, max: 31 }),
      type: fc.constantFrom<Expense['type']>('third_party', 'in_house'),
    });
    const arbDoc = fc.record({
      vendor: fc.option(fc.constantFrom(...vendors, 'ACME', 'Globex'), { nil: undefined }),
      amount: fc.option(fc.constantFrom(10000, 10001, 12000, 50000, 99999, 70000), { nil: undefined }),
      day: fc.integer({ min: 1, max: 31 }),
      kind: fc.constantFrom<DocKind>('invoice', 'csr', 'poe'),
    });
    fc.assert(
      fc.property(fc.array(arbExpense, { maxLength: 6 }), fc.array(arbDoc, { maxLength: 7 }), fc.integer(), (es, ds, seed) => {
        const expenses = es.map((x, i) => expense(`E${i}`, x.vendor, x.amount, `2026-03-${String(x.day).padStart(2, '0')}`, x.type));
        const docs = ds.map((x, i) =>
          doc(`D${i}`, x.kind, { ...(x.vendor ? { vendor: x.vendor } : {}), ...(x.amount ? { amount: x.amount } : {}), currency: 'EUR', date: `2026-03-${String(x.day).padStart(2, '0')}` }),
        );
        const shuffle = <T>(xs: T[]) => xs.map((x, i) => ({ x, k: Math.sin(seed + i * 7919) })).sort((a, b) => a.k - b.k).map((y) => y.x);
        const key = (ms: ReturnType<typeof matchClaim>['matches']) => ms.map((m) => `${m.expenseId}=${m.documentId}`).sort();
        const a = matchClaim(claimOf(expenses), docs, OPTS).matches;
        const b = matchClaim(claimOf(shuffle(expenses)), shuffle(docs), OPTS).matches;
        expect(key(b)).toEqual(key(a));
      }),
      { numRuns: 200 },
    );
  });
});
