import { describe, expect, it } from 'vitest';
import type { Flag } from '../../pipeline/types.ts';
import { buildIncompleteClaimsReport, deadlineState, isListed, type ReportClaimInput } from './incomplete.ts';
import { checkedSample } from './testing.ts';

const AS_OF = '2026-05-10';

const missingPoe: Flag = { code: 'MISSING_POE', severity: 'blocking', message: 'the claim has no readable proof of execution (POE) document' };
const lowConfidence: Flag = { code: 'LOW_CONFIDENCE', severity: 'review', expenseId: 'E1', file: 'a.pdf', message: 'amount read with low confidence' };

function entry(claimId: string, deadline: string, over: Partial<ReportClaimInput> = {}): ReportClaimInput {
  return {
    claimId,
    partner: `Partner of ${claimId}`,
    program: 'MDF',
    activity: 'Event',
    status: 'submitted',
    usageStart: '2026-01-01',
    usageEnd: '2026-01-31',
    deadline,
    currency: 'EUR',
    completeness: 'incomplete',
    flags: [missingPoe],
    expenses: [{ expenseId: 'E1', type: 'third_party', vendor: 'Acme', amountMinor: 100000, currency: 'EUR', date: '2026-01-10' }],
    ...over,
  };
}

describe('buildIncompleteClaimsReport', () => {
  it('lists the incomplete sample claims by deadline with days left and what is missing', () => {
    const { inputs } = checkedSample(AS_OF);
    const report = buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: new Date('2026-05-10T02:00:00Z'), claims: inputs });
    expect(report.title).toBe('Incomplete claims');
    expect(report.generatedAt).toBe('2026-05-10T02:00:00.000Z');
    expect(report.claims.map((c) => [c.claimId, c.deadline, c.daysLeft, c.deadlineState])).toEqual([
      ['CL-1003', '2026-04-14', -26, 'overdue'],
      ['CL-1002', '2026-06-14', 35, 'open'],
    ]);
    const cl1002 = report.claims[1]!;
    expect(cl1002.partner).toBe('Contoso GmbH');
    expect(cl1002.program).toBe('MDF 2026');
    expect(cl1002.claimedText).toBe('4,890.00 EUR');
    expect(cl1002.claimedAmount).toBe(4890);
    expect(cl1002.blockingFlags.map((f) => f.code)).toEqual(['MISSING_POE', 'AMOUNT_MISMATCH', 'DATE_OUTSIDE_PERIOD', 'UNREADABLE_DOCUMENT']);
    expect(cl1002.missing[1]!.text).toBe(
      'The invoice for E1 (CL-1002/fabrikam-invoice.jpg) says 2,450.00 EUR; the claim says 2,400.00 EUR: upload the right invoice or correct the claimed amount',
    );
    expect(report.summary).toEqual({
      claims: 3,
      incomplete: 2,
      overdue: 1,
      dueSoon: 0,
      openFlags: 7,
      openFlagsByCode: { MISSING_INVOICE: 1, MISSING_CSR: 1, MISSING_POE: 1, AMOUNT_MISMATCH: 1, DATE_OUTSIDE_PERIOD: 1, UNREADABLE_DOCUMENT: 1, DEADLINE_PASSED: 1 },
    });
  });

  it('never adds amounts in different currencies: a mixed claim shows each currency\'s sum', () => {
    const mixed = entry('CL-7', '2026-06-01', {
      currency: null,
      expenses: [
        { expenseId: 'E1', type: 'third_party', vendor: 'Acme', amountMinor: 120000, currency: 'USD', date: '2026-01-10' },
        { expenseId: 'E2', type: 'third_party', vendor: 'Bolt', amountMinor: 30000, currency: 'EUR', date: '2026-01-11' },
        { expenseId: 'E3', type: 'in_house', vendor: 'Own team', amountMinor: 5050, currency: 'USD', date: '2026-01-12' },
      ],
    });
    const [c] = buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: new Date(), claims: [mixed] }).claims;
    expect(c!.claimedText).toBe('1,250.50 USD + 300.00 EUR');
    expect(c!.claimedMinor).toBeNull();
    expect(c!.claimedAmount).toBeNull();
    const [one] = buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: new Date(), claims: [entry('CL-8', '2026-06-01')] }).claims;
    expect([one!.claimedText, one!.claimedMinor, one!.claimedAmount]).toEqual(['1,000.00 EUR', 100000, 1000]);
  });

  it('counts a claim due today or within 7 days as due soon, one due yesterday as overdue', () => {
    const report = buildIncompleteClaimsReport({
      asOf: AS_OF,
      generatedAt: '2026-05-10T02:00:00Z',
      claims: [entry('A', '2026-05-10'), entry('B', '2026-05-17'), entry('C', '2026-05-18'), entry('D', '2026-05-09')],
    });
    expect(report.claims.map((c) => [c.claimId, c.daysLeft, c.deadlineState])).toEqual([
      ['D', -1, 'overdue'],
      ['A', 0, 'due_soon'],
      ['B', 7, 'due_soon'],
      ['C', 8, 'open'],
    ]);
    expect(report.summary.dueSoon).toBe(2);
    expect(report.summary.overdue).toBe(1);
    expect(deadlineState(3, 2)).toBe('open');
  });

  it('sorts claims due the same day by claim id, whatever order they come in', () => {
    const claims = [entry('Z-9', '2026-06-01'), entry('A-1', '2026-06-01'), entry('M-5', '2026-05-20')];
    const ids = (cs: ReportClaimInput[]) => buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: '2026-05-10T00:00:00Z', claims: cs }).claims.map((c) => c.claimId);
    expect(ids(claims)).toEqual(['M-5', 'A-1', 'Z-9']);
    expect(ids([...claims].reverse())).toEqual(['M-5', 'A-1', 'Z-9']);
  });

  it('leaves out complete and decided claims but still counts their open flags', () => {
    const report = buildIncompleteClaimsReport({
      asOf: AS_OF,
      generatedAt: '2026-05-10T00:00:00Z',
      claims: [
        entry('OPEN', '2026-06-01'),
        entry('DONE', '2026-06-01', { completeness: 'complete', flags: [lowConfidence] }),
        entry('APPROVED', '2026-06-01', { status: 'approved' }),
        entry('REJECTED', '2026-06-01', { status: 'rejected' }),
      ],
    });
    expect(report.claims.map((c) => c.claimId)).toEqual(['OPEN']);
    expect(report.summary.claims).toBe(4);
    expect(report.summary.incomplete).toBe(1);
    expect(report.summary.openFlagsByCode).toEqual({ MISSING_POE: 3, LOW_CONFIDENCE: 1 });
  });

  it('lists a claim stored as complete while a blocking flag is open, and shows only blocking flags as open blocking', () => {
    const stale = entry('STALE', '2026-06-01', { completeness: 'complete', flags: [lowConfidence, missingPoe] });
    expect(isListed(stale)).toBe(true);
    const [row] = buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: '2026-05-10T00:00:00Z', claims: [stale] }).claims;
    expect(row!.blockingFlags.map((f) => f.code)).toEqual(['MISSING_POE']);
    expect(row!.missing.map((m) => m.code)).toEqual(['MISSING_POE']);
  });

  it('refuses an as-of date or generation time that is not one', () => {
    expect(() => buildIncompleteClaimsReport({ asOf: '2026-02-30', generatedAt: new Date(), claims: [] })).toThrow(/as-of date/);
    expect(() => buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: 'yesterday', claims: [] })).toThrow(/generatedAt/);
  });
});
