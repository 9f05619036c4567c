import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkClaims,
  csrTotalProblems,
  deadlineOf,
  DEFAULT_CHECK_CONFIG,
  FLAG_SEVERITY,
  toEvidenceDocument,
  type CheckConfig,
  type ClaimReport,
  type EvidenceDocument,
} from './checks.ts';
import type { Claim, CsrLine, DocKind, Expense, ExtractedFields, Field, Flag, FlagCode, ProcessedDocument } from './types.ts';

// ---------------------------------------------------------------------------------------------
// Factories: a claim with one third-party and one in-house expense, and evidence that fits it.

const fld = <T>(value: T, extra: Partial<Field<T>> = {}): Field<T> => ({ value, confidence: 0.95, page: 1, box: null, ...extra });

function makeClaim(over: Partial<Claim> = {}): Claim {
  return {
    claimId: 'C1',
    partner: 'Partner One',
    program: 'MDF',
    activity: 'Spring event',
    usageStart: '2026-03-01',
    usageEnd: '2026-03-31',
    expenses: [
      { expenseId: 'E1', type: 'third_party', vendor: 'Acme Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-04', description: null },
      { expenseId: 'E2', type: 'in_house', vendor: 'Partner One', amountMinor: 80000, currency: 'EUR', date: '2026-03-20', description: null },
    ],
    ...over,
  };
}

interface DocSpec {
  claimId?: string;
  sha256?: string;
  status?: 'done' | 'failed';
  text?: string;
  vendor?: string | null;
  amount?: number | null;
  currency?: string | null;
  date?: string | null;
  dateAlternatives?: string[];
  invoiceNumber?: string | null;
  confidence?: Partial<Record<keyof ExtractedFields, number>>;
  csr?: EvidenceDocument['csr'];
}

let shaCounter = 0;
function makeDoc(id: string, kind: DocKind | null, spec: DocSpec = {}): EvidenceDocument {
  const c = spec.confidence ?? {};
  const f = <T>(key: keyof ExtractedFields, v: T | null | undefined, extra: Partial<Field<T>> = {}) =>
    v === null || v === undefined ? null : fld(v, { confidence: c[key] ?? 0.95, ...extra });
  return {
    id,
    claimId: spec.claimId ?? 'C1',
    file: `${spec.claimId ?? 'C1'}/${id}.pdf`,
    sha256: spec.sha256 ?? `sha-${id}-${++shaCounter}`,
    status: spec.status ?? 'done',
    error: spec.status === 'failed' ? { code: 'CORRUPT', message: 'the PDF structure is damaged' } : null,
    kind,
    fields: {
      vendor: f('vendor', spec.vendor),
      amount: f('amount', spec.amount),
      currency: f('currency', spec.currency),
      date: f('date', spec.date, spec.dateAlternatives ? { alternatives: spec.dateAlternatives } : {}),
      invoiceNumber: f('invoiceNumber', spec.invoiceNumber),
    },
    csr: spec.csr ?? null,
    text: spec.text ?? `document ${id} with some readable text`,
  };
}

const invoice = (spec: DocSpec = {}, id = 'invoice-acme') =>
  makeDoc(id, 'invoice', { vendor: 'ACME, Inc', amount: 125000, currency: 'EUR', date: '2026-03-04', invoiceNumber: 'INV-1001', ...spec });

const csrLines = (lines: Array<[number | null, number | null, number]>): CsrLine[] =>
  lines.map(([hours, rateMinor, amountMinor], i) => ({ description: `work ${i + 1}`, hours, rateMinor, amountMinor, page: 1, box: null }));

const csr = (spec: DocSpec = {}, id = 'csr-partner') =>
  makeDoc(id, 'csr', {
    vendor: 'Partner One',
    amount: 80000,
    currency: 'EUR',
    date: '2026-03-20',
    csr: { lines: csrLines([[10, 6000, 60000], [null, null, 20000]]), statedTotalMinor: 80000 },
    ...spec,
  });

const poe = (spec: DocSpec = {}, id = 'poe-agenda') => makeDoc(id, 'poe', { text: 'Spring event agenda, 40 attendees. Powered by Contoso Partner Network', ...spec });

const perfect = () => [invoice(), csr(), poe()];

function check(documents: EvidenceDocument[], opts: { claims?: Claim[]; asOf?: string; config?: Partial<CheckConfig> } = {}): ClaimReport {
  return checkClaims({ claims: opts.claims ?? [makeClaim()], documents, asOf: opts.asOf ?? '2026-04-01', ...(opts.config ? { config: opts.config } : {}) })[0]!;
}

const codes = (r: ClaimReport) => r.flags.map((f) => f.code);
const flagsOf = (r: ClaimReport, code: FlagCode) => r.flags.filter((f) => f.code === code);
/** The report's only flag, asserting that it has exactly one, of `code`. */
function soleFlag(r: ClaimReport, code: FlagCode): Flag {
  expect(codes(r)).toEqual([code]);
  return r.flags[0]!;
}

// ---------------------------------------------------------------------------------------------

describe('the baseline', () => {
  it('perfect evidence raises no flag and the claim is complete', () => {
    const r = check(perfect());
    expect(r.flags).toEqual([]);
    expect(r.status).toBe('complete');
    expect(r.deadline).toBe('2026-05-15');
    expect(r.matches.map((m) => [m.expenseId, m.documentId])).toEqual([
      ['E1', 'invoice-acme'],
      ['E2', 'csr-partner'],
    ]);
    expect(r.expenses).toEqual([
      { expenseId: 'E1', type: 'third_party', vendor: 'Acme Inc.', amount: 1250, currency: 'EUR', date: '2026-03-04', documentId: 'invoice-acme', file: 'C1/invoice-acme.pdf' },
      { expenseId: 'E2', type: 'in_house', vendor: 'Partner One', amount: 800, currency: 'EUR', date: '2026-03-20', documentId: 'csr-partner', file: 'C1/csr-partner.pdf' },
    ]);
    const inv = r.documents.find((d) => d.documentId === 'invoice-acme')!;
    expect(inv).toEqual({ documentId: 'invoice-acme', file: 'C1/invoice-acme.pdf', kind: 'invoice', vendor: 'ACME, Inc', amount: 1250, currency: 'EUR', date: '2026-03-04', invoiceNumber: 'INV-1001', status: 'done', expenseId: 'E1' });
    expect(r.documents.find((d) => d.kind === 'poe')!.expenseId).toBeNull();
  });

  it('has a severity for every code, as in the spec table', () => {
    expect(Object.keys(FLAG_SEVERITY)).toHaveLength(16);
    const review = Object.entries(FLAG_SEVERITY).filter(([, s]) => s === 'review').map(([c]) => c).sort();
    expect(review).toEqual(['LOW_CONFIDENCE', 'POE_BRANDING_MISSING', 'UNMATCHED_DOCUMENT']);
    expect(FLAG_SEVERITY.DEADLINE_SOON).toBe('info');
    expect(FLAG_SEVERITY.DEADLINE_PASSED).toBe('blocking');
  });

  it('computes the deadline as usage_end + 45 days', () => {
    expect(deadlineOf(makeClaim())).toBe('2026-05-15');
    expect(deadlineOf(makeClaim({ usageEnd: '2026-12-31' }))).toBe('2027-02-14');
    expect(deadlineOf(makeClaim(), { deadlineDays: 30 })).toBe('2026-04-30');
  });
});

describe('MISSING_INVOICE', () => {
  it('is raised when a third-party expense has no invoice', () => {
    const r = check([csr(), poe()]);
    expect(soleFlag(r, 'MISSING_INVOICE')).toMatchObject({ expenseId: 'E1', severity: 'blocking' });
    expect(r.flags[0]!.message).toMatch(/expense E1 \(Acme Inc\., 1,250\.00 EUR, 2026-03-04\) has no matching invoice: the claim has no readable invoice/);
    expect(r.status).toBe('incomplete');
  });
  it('is not raised for a CSR that cannot back a third-party expense... it is raised, and the CSR is not used', () => {
    const r = check([csr({ amount: 125000, csr: null }, 'csr-a'), csr(), poe()]);
    expect(flagsOf(r, 'MISSING_INVOICE')).toHaveLength(1);
  });
  it('says why the closest unmatched invoice does not fit, or that the invoices back other expenses', () => {
    const stray = check([invoice({ vendor: 'Globex', amount: 5000, invoiceNumber: 'G' }), csr(), poe()]);
    expect(codes(stray)).toEqual(['MISSING_INVOICE', 'UNMATCHED_DOCUMENT']);
    expect(stray.flags[0]!.message).toMatch(/; the closest unmatched invoice, C1\/invoice-acme\.pdf \(score 0\.\d\d\): amount 50\.00 EUR differs from the claimed 1,250\.00 EUR by 96%; vendor 'Globex' does not match 'Acme Inc\.'/);
    const claim = makeClaim({ expenses: [...makeClaim().expenses, { expenseId: 'E9', type: 'third_party', vendor: 'Acme Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-04', description: null }] });
    const taken = check(perfect(), { claims: [claim] });
    expect(codes(taken)).toEqual(['MISSING_INVOICE']);
    expect(taken.flags[0]!.message).toMatch(/: the claim's only invoice backs another expense$/);
  });
  it('is not raised when the invoice is there', () => {
    expect(codes(check(perfect()))).not.toContain('MISSING_INVOICE');
  });
});

describe('MISSING_CSR', () => {
  it('is raised when an in-house expense has no CSR', () => {
    const r = check([invoice(), poe()]);
    expect(soleFlag(r, 'MISSING_CSR')).toMatchObject({ expenseId: 'E2' });
  });
  it('is not raised when the CSR is there, and an invoice never stands in for a CSR', () => {
    expect(codes(check(perfect()))).not.toContain('MISSING_CSR');
    const r = check([invoice(), invoice({ vendor: 'Partner One', amount: 80000, date: '2026-03-20', invoiceNumber: 'X' }, 'inv-2'), poe()]);
    expect(codes(r)).toContain('MISSING_CSR');
    expect(codes(r)).toContain('UNMATCHED_DOCUMENT');
  });
});

describe('MISSING_POE', () => {
  it('is raised when the claim has no POE, and when its only POE is unreadable', () => {
    expect(codes(check([invoice(), csr()]))).toEqual(['MISSING_POE']);
    const r = check([invoice(), csr(), poe({ status: 'failed', text: '' })]);
    expect(codes(r)).toEqual(['MISSING_POE', 'UNREADABLE_DOCUMENT']);
    expect(flagsOf(r, 'MISSING_POE')[0]!.message).toMatch(/1 document could not be read/);
  });
  it('is not raised with one readable POE; a document of kind other does not count', () => {
    expect(codes(check(perfect()))).not.toContain('MISSING_POE');
    expect(codes(check([invoice(), csr(), makeDoc('misc', 'other')]))).toEqual(['MISSING_POE']);
  });
});

describe('AMOUNT_MISMATCH', () => {
  it('is raised beyond the tolerance, with both amounts in the message', () => {
    const r = check([invoice({ amount: 120000 }), csr(), poe()]);
    expect(soleFlag(r, 'AMOUNT_MISMATCH')).toMatchObject({ expenseId: 'E1', documentId: 'invoice-acme', file: 'C1/invoice-acme.pdf' });
    expect(r.flags[0]!.message).toBe('invoice total 1,200.00 EUR differs from the claimed 1,250.00 EUR by 50.00 EUR (tolerance 0.01)');
  });
  it('is raised one minor unit past the tolerance, and when no total was read', () => {
    expect(codes(check([invoice({ amount: 125002 }), csr(), poe()]))).toEqual(['AMOUNT_MISMATCH']);
    const r = check([invoice({ amount: null }), csr(), poe()]);
    expect(soleFlag(r, 'AMOUNT_MISMATCH').message).toMatch(/no total could be read/);
  });
  it('is not raised within the tolerance, nor with a wider configured tolerance', () => {
    expect(codes(check([invoice({ amount: 125001 }), csr(), poe()]))).toEqual([]);
    expect(codes(check([invoice({ amount: 124900 }), csr(), poe()], { config: { amountTolerance: 1 } }))).toEqual([]);
  });
  it('compares in the right exponent when the document has no currency (JPY claim)', () => {
    const claim = makeClaim({ expenses: [{ expenseId: 'E1', type: 'third_party', vendor: 'Acme', amountMinor: 1250, currency: 'JPY', date: '2026-03-04', description: null }] });
    expect(codes(check([invoice({ amount: 125000, currency: null }), poe()], { claims: [claim] }))).toEqual(['LOW_CONFIDENCE']);
    expect(codes(check([invoice({ amount: 125100, currency: null }), poe()], { claims: [claim] }))).toEqual(['AMOUNT_MISMATCH', 'LOW_CONFIDENCE']);
  });
});

describe('CURRENCY_MISMATCH', () => {
  it('is raised when the document is in another currency', () => {
    const r = check([invoice({ currency: 'USD' }), csr(), poe()]);
    expect(soleFlag(r, 'CURRENCY_MISMATCH').message).toBe('the invoice is in USD, the expense is claimed in EUR (1,250.00 USD against the claimed 1,250.00 EUR)');
  });
  it('is not raised for the same currency, in any case', () => {
    expect(codes(check([invoice({ currency: 'eur' }), csr(), poe()]))).toEqual([]);
  });
  it('a document that names no currency: the check says it could not verify it, and raises no mismatch', () => {
    const r = check([invoice({ currency: null }), csr(), poe()]);
    expect(codes(r)).toEqual(['LOW_CONFIDENCE']);
    expect(soleFlag(r, 'LOW_CONFIDENCE').message).toMatch(/currency not read \(the invoice names none\), so the claimed EUR could not be verified/);
  });
});

describe('DATE_OUTSIDE_PERIOD', () => {
  it('is raised when the document date is outside the usage period', () => {
    const r = check([invoice({ date: '2026-04-10' }), csr(), poe()]);
    expect(soleFlag(r, 'DATE_OUTSIDE_PERIOD').message).toBe('invoice date 2026-04-10 is outside the usage period 2026-03-01 – 2026-03-31, 10 days after its end');
  });
  it('names every reading when none of an ambiguous date is inside', () => {
    const r = check([invoice({ date: '2026-04-12', dateAlternatives: ['2026-12-04'] }), csr(), poe()]);
    expect(flagsOf(r, 'DATE_OUTSIDE_PERIOD')[0]!.message).toMatch(/none of the readings 2026-04-12, 2026-12-04 is inside it/);
  });
  it('is raised when no date could be read', () => {
    const r = check([invoice({ date: null }), csr(), poe()]);
    expect(soleFlag(r, 'DATE_OUTSIDE_PERIOD').message).toMatch(/no date could be read/);
  });
  it('is not raised when another reading of an ambiguous date is inside, and says which was chosen', () => {
    const r = check([invoice({ date: '2026-04-03', dateAlternatives: ['2026-03-04'] }), csr(), poe()]);
    expect(codes(r)).toEqual([]);
    expect(r.documents.find((d) => d.documentId === 'invoice-acme')!.date).toBe('2026-03-04');
    expect(r.matches[0]!.reasons).toContain('date 2026-03-04 chosen over 2026-04-03: inside the usage period');
  });
  it('is not raised on the boundaries of the period', () => {
    expect(codes(check([invoice({ date: '2026-03-01' }), csr({ date: '2026-03-31' }), poe()]))).toEqual([]);
  });
  it('a date years from the period read with low confidence (2026 read as 2014) asks for review instead of blocking', () => {
    const r = check([invoice({ date: '2014-03-04', confidence: { date: 0.46 } }), csr(), poe()]);
    expect(codes(r)).toEqual(['LOW_CONFIDENCE']);
    expect(soleFlag(r, 'LOW_CONFIDENCE').message).toMatch(/date '2014-03-04' \(0\.46\), 4380 days outside the usage period .*more likely misread/);
  });
  it('decoy: the same far date read with confidence blocks', () => {
    expect(codes(check([invoice({ date: '2014-03-04' }), csr(), poe()]))).toEqual(['DATE_OUTSIDE_PERIOD']);
  });
  it('decoy: a doubtful date a few weeks outside the period still blocks', () => {
    expect(codes(check([invoice({ date: '2026-04-20', confidence: { date: 0.46 } }), csr(), poe()]))).toEqual(['DATE_OUTSIDE_PERIOD', 'LOW_CONFIDENCE']);
  });
});

describe('VENDOR_MISMATCH', () => {
  it('is raised when the invoice vendor is another company', () => {
    const r = check([invoice({ vendor: 'Globex Corporation' }), csr(), poe()]);
    expect(soleFlag(r, 'VENDOR_MISMATCH').message).toMatch(/^invoice vendor 'Globex Corporation' does not match the claimed vendor 'Acme Inc\.' \(similarity 0\.\d\d, needs 0\.8\)$/);
  });
  it('is raised when no vendor was read from the invoice', () => {
    const r = check([invoice({ vendor: null }), csr(), poe()]);
    expect(soleFlag(r, 'VENDOR_MISMATCH').message).toMatch(/no vendor could be read/);
  });
  it('is not raised for legal-form and case variants, nor ever for a CSR (its vendor is the partner)', () => {
    expect(codes(check([invoice({ vendor: 'ACME INCORPORATED' }), csr(), poe()]))).toEqual([]);
    expect(codes(check([invoice(), csr({ vendor: 'Somebody Else Entirely' }), poe()]))).toEqual([]);
    expect(codes(check([invoice(), csr({ vendor: null }), poe()]))).toEqual([]);
  });
});

describe('DUPLICATE_DOCUMENT', () => {
  const twoAcme = makeClaim({
    expenses: [
      { expenseId: 'E1', type: 'third_party', vendor: 'Acme Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-04', description: null },
      { expenseId: 'E3', type: 'third_party', vendor: 'Acme Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-18', description: null },
    ],
  });
  it('is raised on every expense backed by the same file in one claim', () => {
    const r = check([invoice({ sha256: 'same' }, 'copy-a'), invoice({ sha256: 'same' }, 'copy-b'), poe()], { claims: [twoAcme] });
    const dups = flagsOf(r, 'DUPLICATE_DOCUMENT');
    expect(dups.map((f) => f.expenseId)).toEqual(['E1', 'E3']);
    expect(dups[0]!.message).toMatch(/the same file also backs expense E3/);
  });
  it('is raised for the same invoice (vendor + number + amount) in two different files', () => {
    const r = check([invoice({ vendor: 'Acme Inc', invoiceNumber: 'INV 1001' }, 'scan'), invoice({ invoiceNumber: 'inv-1001' }, 'pdf'), poe()], { claims: [twoAcme] });
    const dups = flagsOf(r, 'DUPLICATE_DOCUMENT');
    expect(dups.map((f) => f.expenseId)).toEqual(['E1', 'E3']);
    expect(dups[0]!.message).toMatch(/the same invoice \(.*1,250\.00 EUR\) also backs expense E3/);
  });
  it('is raised across claims, on both claims', () => {
    const c2 = makeClaim({ claimId: 'C2', expenses: [twoAcme.expenses[0]!] });
    const reports = checkClaims({
      claims: [makeClaim(), c2],
      documents: [invoice({ sha256: 'same' }), csr(), poe(), invoice({ sha256: 'same', claimId: 'C2' }), poe({ claimId: 'C2' })],
      asOf: '2026-04-01',
    });
    expect(reports.map((r) => codes(r))).toEqual([['DUPLICATE_DOCUMENT'], ['DUPLICATE_DOCUMENT']]);
    expect(reports[0]!.flags[0]!.message).toMatch(/also backs expense E1 of claim C2 \(C2\/invoice-acme\.pdf\)/);
    expect(reports[1]!.flags[0]!.message).toMatch(/also backs expense E1 of claim C1/);
  });
  it('says "same file" once for a copy, not also "same invoice", and does not depend on the order of claims', () => {
    const c2 = makeClaim({ claimId: 'C2', expenses: [twoAcme.expenses[0]!] });
    const documents = [invoice({ sha256: 'same' }), csr(), poe(), invoice({ sha256: 'same', claimId: 'C2' }), poe({ claimId: 'C2' })];
    const a = checkClaims({ claims: [makeClaim(), c2], documents, asOf: '2026-04-01' });
    const b = checkClaims({ claims: [c2, makeClaim()], documents: [...documents].reverse(), asOf: '2026-04-01' });
    const msg = a[0]!.flags[0]!.message;
    expect(msg).toMatch(/same file/);
    expect(msg).not.toMatch(/same invoice/);
    expect([b[1], b[0]]).toEqual(a);
  });
  it('is not raised for an identical copy that backs nothing: that is an unmatched copy (review)', () => {
    const r = check([invoice({ sha256: 'same' }, 'a'), invoice({ sha256: 'same' }, 'b'), csr(), poe()]);
    expect(soleFlag(r, 'UNMATCHED_DOCUMENT')).toMatchObject({ documentId: 'b', severity: 'review' });
    expect(r.flags[0]!.message).toMatch(/^an identical copy of C1\/a\.pdf, which backs expense E1/);
    expect(r.status).toBe('complete');
  });
  it('is not raised for two invoices of the same vendor with different numbers', () => {
    const r = check([invoice({}, 'a'), invoice({ invoiceNumber: 'INV-1002', date: '2026-03-18' }, 'b'), poe()], { claims: [twoAcme] });
    expect(codes(r)).toEqual([]);
  });
});

describe('UNREADABLE_DOCUMENT', () => {
  it('is raised for a file that failed, with its error', () => {
    const r = check([...perfect(), makeDoc('broken', null, { status: 'failed', text: '' })]);
    expect(soleFlag(r, 'UNREADABLE_DOCUMENT').message).toBe('the file could not be read: the PDF structure is damaged');
    expect(r.documents.find((d) => d.documentId === 'broken')).toMatchObject({ status: 'failed', kind: null, expenseId: null });
  });
  it('is raised for a file with no usable text, and such a file is not used as evidence', () => {
    const r = check([invoice({ text: ' \f . | ' }), csr(), poe()]);
    expect(codes(r)).toEqual(['MISSING_INVOICE', 'UNREADABLE_DOCUMENT']);
    expect(flagsOf(r, 'UNREADABLE_DOCUMENT')[0]!.message).toMatch(/no usable text/);
  });
  it('is not raised for readable files', () => {
    expect(codes(check(perfect()))).not.toContain('UNREADABLE_DOCUMENT');
  });
});

describe('MIXED_CURRENCY', () => {
  it('is raised when the expenses are in more than one currency', () => {
    const claim = makeClaim();
    claim.expenses[1]!.currency = 'USD';
    const r = check([invoice(), csr({ currency: 'USD' }), poe()], { claims: [claim] });
    expect(soleFlag(r, 'MIXED_CURRENCY').message).toBe("the claim's expenses are in 2 currencies: EUR (E1); USD (E2); a claim has one currency");
    expect(r.flags[0]!.expenseId).toBeUndefined();
  });
  it('is not raised with one currency', () => {
    expect(codes(check(perfect()))).not.toContain('MIXED_CURRENCY');
  });
});

describe('CSR sums and OCR confidence', () => {
  const ocrLines = (conf: [number, number]) => csrLines([[10, 6000, 60000], [null, null, 10000]]).map((l, i) => ({ ...l, confidence: conf[i]! }));
  it('a line that fails to add up only because a figure was read with low confidence is a review flag naming the line', () => {
    // 100.00 read where 200.00 was printed: one digit, read with confidence 0.31.
    const r = check([invoice(), csr({ csr: { lines: ocrLines([0.95, 0.31]), statedTotalMinor: 80000 } }), poe()]);
    expect(codes(r)).toEqual(['LOW_CONFIDENCE']);
    expect(soleFlag(r, 'LOW_CONFIDENCE').message).toMatch(/line "work 2" \(figures read with confidence 0\.31\) may be misread/);
  });
  it('decoy: the same mismatch read with confidence stays blocking', () => {
    const r = check([invoice(), csr({ csr: { lines: ocrLines([0.95, 0.93]), statedTotalMinor: 80000 } }), poe()]);
    expect(codes(r)).toEqual(['CSR_TOTAL_MISMATCH']);
  });
  // 5 days × 568.00 = 2,840.00 printed; OCR read the 5 as 9 with confidence 0.51.
  const misreadDays = (conf: number) => csrLines([[9, 56800, 284000], [3, 73700, 221100]]).map((l, i) => ({ ...l, confidence: i === 0 ? conf : 0.96 }));
  it('a doubtful hours figure that the line amount corrects, when the amounts add up to the total, raises nothing', () => {
    const r = check([invoice(), csr({ amount: 505100, csr: { lines: misreadDays(0.51), statedTotalMinor: 505100 } }), poe()], {
      claims: [makeClaim({ expenses: [makeClaim().expenses[0]!, { ...makeClaim().expenses[1]!, amountMinor: 505100 }] })],
    });
    expect(codes(r)).toEqual([]);
  });
  it('decoy: the same doubtful hours with amounts that miss the stated total still asks for review', () => {
    const r = check([invoice(), csr({ amount: 506100, csr: { lines: misreadDays(0.51), statedTotalMinor: 506100 } }), poe()], {
      claims: [makeClaim({ expenses: [makeClaim().expenses[0]!, { ...makeClaim().expenses[1]!, amountMinor: 506100 }] })],
    });
    expect(codes(r)).toContain('LOW_CONFIDENCE');
  });
  it('decoy: the same hours read with confidence stay blocking, even when the amounts add up', () => {
    const r = check([invoice(), csr({ amount: 505100, csr: { lines: misreadDays(0.93), statedTotalMinor: 505100 } }), poe()], {
      claims: [makeClaim({ expenses: [makeClaim().expenses[0]!, { ...makeClaim().expenses[1]!, amountMinor: 505100 }] })],
    });
    expect(codes(r)).toEqual(['CSR_TOTAL_MISMATCH']);
  });
  it('decoy: a low-confidence line that no misread digit could explain does not excuse the mismatch', () => {
    const r = check([invoice(), csr({ csr: { lines: ocrLines([0.95, 0.31]), statedTotalMinor: 98700 } }), poe()]);
    expect(codes(r)).toContain('CSR_TOTAL_MISMATCH');
  });
});

describe('CSR_TOTAL_MISMATCH', () => {
  it('is raised when the lines do not add up to the stated total', () => {
    const r = check([invoice(), csr({ csr: { lines: csrLines([[10, 6000, 60000], [null, null, 15000]]), statedTotalMinor: 80000 } }), poe()]);
    expect(soleFlag(r, 'CSR_TOTAL_MISMATCH')).toMatchObject({ expenseId: 'E2', documentId: 'csr-partner' });
    expect(r.flags[0]!.message).toBe('the 2 lines add up to 750.00 EUR, but the stated total is 800.00 EUR');
  });
  it('is raised when a line is not hours × rate, even if the sum agrees', () => {
    const r = check([invoice(), csr({ csr: { lines: csrLines([[10, 6000, 65000], [null, null, 15000]]), statedTotalMinor: 80000 } }), poe()]);
    expect(soleFlag(r, 'CSR_TOTAL_MISMATCH').message).toMatch(/line "work 1": 10 h × 60\.00 EUR = 600\.00 EUR, but the line shows 650\.00 EUR/);
  });
  it('is raised on an unmatched CSR too, and falls back to the read total when no total was stated', () => {
    const problems = csrTotalProblems({ csr: { lines: csrLines([[1, 100, 100]]), statedTotalMinor: null }, fields: { ...invoice().fields, amount: fld(200) } });
    expect(problems).toHaveLength(1);
    const r = check([invoice(), csr(), csr({ amount: 5, csr: { lines: csrLines([[1, 1, 1]]), statedTotalMinor: 5 } }, 'stray'), poe()]);
    expect(codes(r)).toEqual(['CSR_TOTAL_MISMATCH', 'UNMATCHED_DOCUMENT']);
    expect(flagsOf(r, 'CSR_TOTAL_MISMATCH')[0]!.expenseId).toBeUndefined();
  });
  it('is not raised when hours × rate rounds to the line amount (fractional hours)', () => {
    // 7.5 h × 33.33 = 249.975 → 249.98 (half up) or 249.97 (truncated); both are fine.
    for (const lineAmount of [24998, 24997]) {
      const r = check([
        invoice(),
        csr({ amount: lineAmount + 55002, csr: { lines: csrLines([[7.5, 3333, lineAmount], [null, null, 55002]]), statedTotalMinor: lineAmount + 55002 } }),
        poe(),
      ], { claims: [makeClaim({ expenses: [makeClaim().expenses[0]!, { ...makeClaim().expenses[1]!, amountMinor: lineAmount + 55002 }] })] });
      expect(codes(r)).toEqual([]);
    }
  });
  it('is not raised for a total computed from unrounded products', () => {
    // 3 × (0.5 h × 33.33) = 3 × 16.665: lines show 16.67 each (50.01), total rounds 49.995 → 50.00
    expect(csrTotalProblems({ csr: { lines: csrLines([[0.5, 3333, 1667], [0.5, 3333, 1667], [0.5, 3333, 1666]]), statedTotalMinor: 5000 }, fields: invoice().fields })).toEqual([]);
    expect(csrTotalProblems({ csr: { lines: csrLines([[0.5, 3333, 1667], [0.5, 3333, 1667], [0.5, 3333, 1667]]), statedTotalMinor: 5000 }, fields: invoice().fields })).toEqual([]);
  });
  it('is not raised when the CSR has no lines to check', () => {
    expect(codes(check([invoice(), csr({ csr: null }), poe()]))).toEqual([]);
    expect(codes(check([invoice(), csr({ csr: { lines: [], statedTotalMinor: 80000 } }), poe()]))).toEqual([]);
  });
});

describe('POE_BRANDING_MISSING', () => {
  const config = { brandText: { MDF: ['Contoso Partner Network', 'Contoso'] } };
  it('is raised when no POE shows the programme\'s brand text (review)', () => {
    const r = check([invoice(), csr(), poe({ text: 'Agenda of the spring event, 40 attendees' })], { config: { brandText: { MDF: ['Fabrikam Partner Program'] } } });
    expect(soleFlag(r, 'POE_BRANDING_MISSING').severity).toBe('review');
    expect(r.flags[0]!.message).toMatch(/required by programme 'MDF': 'Fabrikam Partner Program'/);
    expect(r.status).toBe('complete');
  });
  it('is not raised when one POE shows any of the texts, even with OCR noise', () => {
    expect(codes(check(perfect(), { config }))).toEqual([]);
    expect(codes(check([invoice(), csr(), poe({ text: 'no brand' }, 'p1'), poe({ text: 'P0wered by C0NTOSO partner-network' }, 'p2')], { config: { brandText: { mdf: ['Contoso Partner Network'] } } }))).toEqual([]);
  });
  it('is never raised with no brand texts configured (the default) or for another programme', () => {
    expect(codes(check([invoice(), csr(), poe({ text: 'nothing branded here' })]))).toEqual([]);
    expect(codes(check([invoice(), csr(), poe({ text: 'nothing branded here' })], { config: { brandText: { OTHER: ['Contoso'] } } }))).toEqual([]);
  });
});

describe('LOW_CONFIDENCE', () => {
  it('is raised for a field used for matching read below the threshold; the value is still used', () => {
    const r = check([invoice({ confidence: { amount: 0.4, vendor: 0.3 } }), csr(), poe()]);
    expect(soleFlag(r, 'LOW_CONFIDENCE')).toMatchObject({ severity: 'review', expenseId: 'E1', documentId: 'invoice-acme' });
    expect(r.flags[0]!.message).toMatch(/amount '1,250\.00 EUR' \(0\.40\), vendor 'ACME, Inc' \(0\.30\)/);
    expect(r.expenses[0]!.documentId).toBe('invoice-acme');
    expect(r.status).toBe('complete');
  });
  it('is not raised for a date whose only doubt, the day/month order, the usage period settled', () => {
    const r = check([invoice({ date: '2026-04-03', dateAlternatives: ['2026-03-04'], confidence: { date: 0.55 } }), csr(), poe()]);
    expect(codes(r)).toEqual([]);
  });
  it('decoy: an ambiguous date whose two readings both fall in the period stays doubtful', () => {
    const r = check([invoice({ date: '2026-03-04', dateAlternatives: ['2026-04-03'], confidence: { date: 0.55 } }), csr(), poe()], {
      claims: [makeClaim({ usageEnd: '2026-04-30' })],
    });
    expect(codes(r)).toEqual(['LOW_CONFIDENCE']);
  });
  it('is raised for a low invoice number or currency on a matched CSR', () => {
    expect(codes(check([invoice(), csr({ invoiceNumber: 'CSR-7', confidence: { invoiceNumber: 0.2 } }), poe()]))).toEqual(['LOW_CONFIDENCE']);
  });
  it('is not raised at or above the threshold, for a CSR\'s vendor, or for unmatched documents', () => {
    expect(codes(check([invoice({ confidence: { amount: 0.6 } }), csr(), poe()]))).toEqual([]);
    expect(codes(check([invoice(), csr({ confidence: { vendor: 0.1 } }), poe()]))).toEqual([]);
    const r = check([...perfect(), invoice({ vendor: 'Zeta', amount: 1, invoiceNumber: 'Z', confidence: { amount: 0.1 } }, 'zeta')]);
    expect(codes(r)).toEqual(['UNMATCHED_DOCUMENT']);
    expect(codes(check([invoice({ confidence: { amount: 0.5 } }), csr(), poe()], { config: { lowConfidence: 0.5 } }))).toEqual([]);
  });
});

describe('UNMATCHED_DOCUMENT', () => {
  it('is raised for an invoice that matches no expense, with the closest candidate and why it does not fit', () => {
    const r = check([...perfect(), invoice({ vendor: 'Globex', amount: 99900, invoiceNumber: 'G-1', date: '2026-03-10' }, 'globex')]);
    expect(soleFlag(r, 'UNMATCHED_DOCUMENT')).toMatchObject({ documentId: 'globex', severity: 'review' });
    expect(r.flags[0]!.message).toMatch(/^invoice \(Globex, 999\.00 EUR, 2026-03-10, no\. G-1\) matches no expense; the closest is E1 \(score 0\.\d\d\): /);
    expect(r.flags[0]!.message).toMatch(/vendor 'Globex' does not match 'Acme Inc\.'.*neither the amount nor the vendor identifies this document$/);
  });
  it('is raised for a second invoice that fits an expense already backed better', () => {
    const r = check([...perfect(), invoice({ invoiceNumber: 'INV-2002', date: '2026-03-28' }, 'later')]);
    expect(soleFlag(r, 'UNMATCHED_DOCUMENT').message).toMatch(/matches no expense: the closest, E1, is backed by a document that fits it better$/);
    expect(r.expenses[0]!.documentId).toBe('invoice-acme');
  });
  it('is raised for a CSR when the claim has no in-house expense', () => {
    const claim = makeClaim({ expenses: [makeClaim().expenses[0]!] });
    const r = check([invoice(), csr(), poe()], { claims: [claim] });
    expect(soleFlag(r, 'UNMATCHED_DOCUMENT').message).toMatch(/the claim has no in_house expense/);
  });
  it('is not raised for POE or other documents, nor for matched ones', () => {
    expect(codes(check([...perfect(), makeDoc('photo', 'other'), poe({}, 'poe-2')]))).toEqual([]);
  });
});

describe('DEADLINE_SOON and DEADLINE_PASSED', () => {
  // usage_end 2026-03-31 → deadline 2026-05-15
  it('DEADLINE_SOON: incomplete and due within 7 days (info)', () => {
    const r = check([invoice(), poe()], { asOf: '2026-05-08' });
    expect(codes(r)).toEqual(['MISSING_CSR', 'DEADLINE_SOON']);
    expect(r.flags[1]).toMatchObject({ severity: 'info', message: 'the claim is due in 7 days (2026-05-15) and is still incomplete' });
    expect(codes(check([invoice(), poe()], { asOf: '2026-05-15' }))).toEqual(['MISSING_CSR', 'DEADLINE_SOON']);
  });
  it('DEADLINE_SOON: not raised 8 days ahead, nor for a complete claim', () => {
    expect(codes(check([invoice(), poe()], { asOf: '2026-05-07' }))).toEqual(['MISSING_CSR']);
    expect(codes(check(perfect(), { asOf: '2026-05-10' }))).toEqual([]);
  });
  it('DEADLINE_PASSED: incomplete after the deadline (blocking), not DEADLINE_SOON', () => {
    const r = check([invoice(), poe()], { asOf: '2026-05-16' });
    expect(codes(r)).toEqual(['MISSING_CSR', 'DEADLINE_PASSED']);
    expect(r.flags[1]!.message).toBe('the claim was due on 2026-05-15 (usage period ended 2026-03-31), 1 day before 2026-05-16, and is still incomplete');
    expect(r.status).toBe('incomplete');
  });
  it('DEADLINE_PASSED: not raised for a complete claim, even with review flags open (no circularity)', () => {
    const r = check([invoice({ confidence: { date: 0.1 } }), csr(), poe()], { asOf: '2027-01-01' });
    expect(codes(r)).toEqual(['LOW_CONFIDENCE']);
    expect(r.status).toBe('complete');
  });
  it('follows the configured deadline days', () => {
    expect(codes(check([invoice(), poe()], { asOf: '2026-05-01', config: { deadlineDays: 30 } }))).toEqual(['MISSING_CSR', 'DEADLINE_PASSED']);
    expect(codes(check([invoice(), poe()], { asOf: '2026-04-10', config: { deadlineSoonDays: 40 } }))).toEqual(['MISSING_CSR', 'DEADLINE_SOON']);
  });
});

describe('report shape', () => {
  it('sorts flags blocking first, then review, then info', () => {
    const r = check([invoice({ amount: 1000, confidence: { amount: 0.1 } }), makeDoc('x', null, { status: 'failed', text: '' }), invoice({ vendor: 'Zeta', amount: 5, invoiceNumber: 'Z' }, 'z')], { asOf: '2026-05-10' });
    expect(r.flags.map((f) => f.severity)).toEqual([...r.flags.map((f) => f.severity)].sort((a, b) => ['blocking', 'review', 'info'].indexOf(a) - ['blocking', 'review', 'info'].indexOf(b)));
    expect(codes(r)).toEqual(['MISSING_CSR', 'MISSING_POE', 'AMOUNT_MISMATCH', 'UNREADABLE_DOCUMENT', 'LOW_CONFIDENCE', 'UNMATCHED_DOCUMENT', 'DEADLINE_SOON']);
  });
  it('builds EvidenceDocuments from processed documents', () => {
    const p: ProcessedDocument = {
      file: 'ev/C1/a.pdf', sha256: 'abc', size: 10, fileType: 'pdf', status: 'done', error: null, method: 'text', pages: 1,
      extraction: { kind: 'invoice', kindConfidence: 0.9, fields: invoice().fields, csr: null }, text: 'hello world',
    };
    expect(toEvidenceDocument(p, 'C1')).toMatchObject({ id: 'ev/C1/a.pdf', claimId: 'C1', file: 'ev/C1/a.pdf', kind: 'invoice', sha256: 'abc', text: 'hello world' });
    expect(toEvidenceDocument(p, 'C1', 'doc-7').id).toBe('doc-7');
    const failed = toEvidenceDocument({ ...p, status: 'failed', error: { code: 'CORRUPT', message: 'bad' }, extraction: null, text: '' }, 'C1');
    expect(failed).toMatchObject({ kind: null, csr: null, error: { code: 'CORRUPT', message: 'bad' } });
    expect(failed.fields).toEqual({ vendor: null, amount: null, currency: null, date: null, invoiceNumber: null });
  });
  it('refuses a bad as-of date or config', () => {
    expect(() => checkClaims({ claims: [], documents: [], asOf: '2026-02-30' })).toThrow(/as-of/);
    expect(() => checkClaims({ claims: [], documents: [], asOf: '2026-02-03', config: { lowConfidence: Number.NaN } })).toThrow(/lowConfidence/);
    expect(DEFAULT_CHECK_CONFIG.deadlineDays).toBe(45);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const VENDORS: Array<[string, string]> = [
  ['Acme Inc.', 'ACME, INC'],
  ['Globex GmbH', 'Globex'],
  ['Initech LLC', 'INITECH'],
  ['Umbrella B.V.', 'Umbrella BV'],
  ['Stark Industries', 'Stark Industries Ltd.'],
  ['Wayne Events', 'WAYNE EVENTS S.A.'],
];

const arbClaimWithEvidence = fc
  .record({
    start: fc.integer({ min: 0, max: 300 }),
    length: fc.integer({ min: 0, max: 90 }),
    currency: fc.constantFrom('EUR', 'USD', 'JPY', 'KWD'),
    expenses: fc.array(
      fc.record({
        type: fc.constantFrom<Expense['type']>('third_party', 'in_house'),
        vendor: fc.integer({ min: 0, max: VENDORS.length - 1 }),
        amount: fc.integer({ min: 1, max: 5_000_000 }),
        offset: fc.integer({ min: 0, max: 1000 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    poes: fc.integer({ min: 1, max: 2 }),
  })
  .map((g) => {
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const usageStart = day(g.start);
    const usageEnd = day(g.start + g.length);
    const expenses: Expense[] = g.expenses.map((x, i) => ({
      expenseId: `E${i + 1}`,
      type: x.type,
      vendor: x.type === 'in_house' ? 'Partner One' : VENDORS[x.vendor]![0],
      amountMinor: x.amount,
      currency: g.currency,
      date: day(g.start + (g.length === 0 ? 0 : x.offset % (g.length + 1))),
      description: null,
    }));
    const claim: Claim = { claimId: 'C1', partner: 'Partner One', program: 'MDF', activity: 'Event', usageStart, usageEnd, expenses };
    const docs: EvidenceDocument[] = expenses.map((e, i) => {
      const printed = e.type === 'in_house' ? 'Partner One' : VENDORS[g.expenses[i]!.vendor]![1];
      return makeDoc(`doc-${e.expenseId}`, e.type === 'third_party' ? 'invoice' : 'csr', {
        sha256: `sha-${e.expenseId}`,
        vendor: printed,
        amount: e.amountMinor,
        currency: e.currency,
        date: e.date,
        invoiceNumber: `N-${i + 1}`,
        ...(e.type === 'in_house' ? { csr: { lines: csrLines([[1, e.amountMinor, e.amountMinor]]), statedTotalMinor: e.amountMinor } } : {}),
      });
    });
    for (let i = 0; i < g.poes; i++) docs.push(makeDoc(`poe-${i}`, 'poe', { sha256: `sha-poe-${i}`, text: 'event photos and attendee list' }));
    return { claim, docs };
  });

function shuffled<T>(xs: T[], seed: number): T[] {
  return xs.map((x, i) => ({ x, k: Math.sin(seed * 31 + i * 7919) })).sort((a, b) => a.k - b.k).map((y) => y.x);
}

/** A report with the claim's own expense order taken out. */
function canonical(r: ClaimReport) {
  return { ...r, expenses: [...r.expenses].sort((a, b) => (a.expenseId < b.expenseId ? -1 : 1)) };
}

describe('properties', () => {
  it('a perfect set of evidence yields no flags', () => {
    fc.assert(
      fc.property(arbClaimWithEvidence, ({ claim, docs }) => {
        const r = checkClaims({ claims: [claim], documents: docs, asOf: claim.usageStart })[0]!;
        expect(r.flags).toEqual([]);
        expect(r.status).toBe('complete');
        expect(r.matches).toHaveLength(claim.expenses.length);
      }),
      { numRuns: 150 },
    );
  });

  it('removing one document yields exactly the expected missing flag', () => {
    fc.assert(
      fc.property(arbClaimWithEvidence, fc.nat(), ({ claim, docs }, pick) => {
        // Only one POE, so that removing it leaves none.
        const evidence = docs.filter((d) => d.kind !== 'poe' || d.id === 'poe-0');
        const removed = evidence[pick % evidence.length]!;
        const r = checkClaims({ claims: [claim], documents: evidence.filter((d) => d !== removed), asOf: claim.usageStart })[0]!;
        const expected = removed.kind === 'poe' ? 'MISSING_POE' : removed.kind === 'invoice' ? 'MISSING_INVOICE' : 'MISSING_CSR';
        expect(codes(r)).toEqual([expected]);
        if (expected !== 'MISSING_POE') {
          // With two identical expenses either may be the one left without a document.
          const lost = claim.expenses.find((e) => `doc-${e.expenseId}` === removed.id)!;
          const flagged = claim.expenses.find((e) => e.expenseId === r.flags[0]!.expenseId)!;
          expect([flagged.vendor, flagged.amountMinor, flagged.date, flagged.type]).toEqual([lost.vendor, lost.amountMinor, lost.date, lost.type]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the result does not depend on the order of documents or expenses', () => {
    const noisy = arbClaimWithEvidence.chain(({ claim, docs }) =>
      fc
        .record({
          drop: fc.array(fc.boolean(), { minLength: docs.length, maxLength: docs.length }),
          amountNoise: fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: docs.length, maxLength: docs.length }),
          extra: fc.array(fc.record({ vendor: fc.integer({ min: 0, max: VENDORS.length - 1 }), amount: fc.integer({ min: 1, max: 5_000_000 }), copyOf: fc.option(fc.nat(), { nil: undefined }) }), { maxLength: 3 }),
          seed: fc.integer(),
        })
        .map(({ drop, amountNoise, extra, seed }) => {
          const kept = docs
            .filter((_, i) => !drop[i])
            .map((d, i) => (d.fields.amount ? { ...d, fields: { ...d.fields, amount: fld(Math.max(0, d.fields.amount.value + amountNoise[i]!)) } } : d));
          const extras = extra.map((x, i) => {
            const source = x.copyOf !== undefined && kept.length > 0 ? kept[x.copyOf % kept.length]! : null;
            return source
              ? { ...source, id: `copy-${i}`, file: `C1/copy-${i}.pdf` }
              : makeDoc(`extra-${i}`, 'invoice', { sha256: `sha-extra-${i}`, vendor: VENDORS[x.vendor]![1], amount: x.amount, currency: claim.expenses[0]!.currency, date: claim.usageStart, invoiceNumber: `X-${i}` });
          });
          return { claim, docs: [...kept, ...extras], seed };
        }),
    );
    fc.assert(
      fc.property(noisy, ({ claim, docs, seed }) => {
        const a = checkClaims({ claims: [claim], documents: docs, asOf: claim.usageEnd })[0]!;
        const b = checkClaims({ claims: [{ ...claim, expenses: shuffled(claim.expenses, seed) }], documents: shuffled(docs, seed + 1), asOf: claim.usageEnd })[0]!;
        expect(canonical(b)).toEqual(canonical(a));
      }),
      { numRuns: 150 },
    );
  });
});
