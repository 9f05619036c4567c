import { describe, expect, it } from 'vitest';
import { checkClaims, FLAG_SEVERITY } from '../../pipeline/checks.ts';
import type { Claim, Flag, FlagCode } from '../../pipeline/types.ts';
import { describeMissing, missingFromReport } from './missing.ts';
import { checkedSample, evidence } from './testing.ts';

const AS_OF = '2026-05-10';

function claimWith(expenses: Claim['expenses'], over: Partial<Claim> = {}): Claim {
  return { claimId: 'C9', partner: 'P', program: 'MDF', activity: 'Event', usageStart: '2026-03-01', usageEnd: '2026-03-31', expenses, ...over };
}

const acme = { expenseId: 'E1', type: 'third_party', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-10', description: null } as const;
const poe = evidence({ claimId: 'C9', file: 'C9/poe.png', kind: 'poe' });

function missingFor(claim: Claim, docs: ReturnType<typeof evidence>[], severities?: Flag['severity'][]) {
  const [report] = checkClaims({ claims: [claim], documents: docs, asOf: AS_OF });
  return { report: report!, items: missingFromReport(claim, report!, AS_OF, severities ? { severities } : {}) };
}

describe('describeMissing on the checks of the sample claims', () => {
  const { claims, reports } = checkedSample(AS_OF);

  it('says for each gap of CL-1002 what to upload or correct, quoting what was read', () => {
    const items = missingFromReport(claims[1]!, reports[1]!, AS_OF);
    expect(items.map((i) => i.text)).toEqual([
      'Upload proof of execution (agenda, attendee list, photos, screenshots)',
      'The invoice for E1 (CL-1002/fabrikam-invoice.jpg) says 2,450.00 EUR; the claim says 2,400.00 EUR: upload the right invoice or correct the claimed amount',
      'The invoice for E2 (CL-1002/litware-invoice.pdf) is dated 2026-05-20, outside the usage period 2026-02-01 – 2026-04-30: upload the invoice for work done within the period',
      'The file CL-1002/booth-photo.pdf could not be read: upload a readable copy (a PDF without a password, or a sharp scan or photo)',
    ]);
    expect(items.map((i) => [i.code, i.expenseId, i.file])).toEqual([
      ['MISSING_POE', undefined, undefined],
      ['AMOUNT_MISMATCH', 'E1', 'CL-1002/fabrikam-invoice.jpg'],
      ['DATE_OUTSIDE_PERIOD', 'E2', 'CL-1002/litware-invoice.pdf'],
      ['UNREADABLE_DOCUMENT', undefined, 'CL-1002/booth-photo.pdf'],
    ]);
    // The reviewer's wording stays with the item.
    expect(items[1]!.message).toMatch(/differs from the claimed 2,400.00 EUR by 50.00 EUR/);
  });

  it('names vendor, expense, amount and date of what is missing, and the passed deadline', () => {
    const texts = missingFromReport(claims[2]!, reports[2]!, AS_OF).map((i) => i.text);
    expect(texts).toEqual([
      'Upload the invoice from Zażółć Gęślą Sp. z o.o. for E1 (500.00 EUR, 2026-02-01)',
      'Upload a CSR (Certification Statement and Report) for E2 (Ελληνική Εταιρεία Α.Ε., 300.00 EUR, 2026-02-10)',
      'The deadline 2026-04-14 passed 26 days ago: contact the programme team about a late submission',
    ]);
  });

  it('lists nothing for a complete claim', () => {
    expect(missingFromReport(claims[0]!, reports[0]!, AS_OF)).toEqual([]);
  });

  it('gives the same list whatever order the flags come in', () => {
    const r = reports[1]!;
    const input = { usageStart: claims[1]!.usageStart, usageEnd: claims[1]!.usageEnd, deadline: r.deadline, expenses: claims[1]!.expenses, flags: r.flags };
    expect(describeMissing({ ...input, flags: [...r.flags].reverse() })).toEqual(describeMissing(input));
  });
});

describe('describeMissing, flag by flag', () => {
  it('a wrong vendor', () => {
    const doc = evidence({ claimId: 'C9', file: 'C9/globex.pdf', kind: 'invoice', vendor: 'Globex Corporation', amountMinor: 125000, currency: 'EUR', date: '2026-03-10' });
    const { items } = missingFor(claimWith([acme]), [doc, poe]);
    expect(items.map((i) => i.text)).toEqual([
      'The invoice for E1 (C9/globex.pdf) is from Globex Corporation; the claim says Acme Events Inc.: upload the invoice from Acme Events Inc. or correct the claimed vendor',
    ]);
  });

  it('another currency', () => {
    const doc = evidence({ claimId: 'C9', file: 'C9/acme-usd.pdf', kind: 'invoice', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'USD', date: '2026-03-10' });
    const { items } = missingFor(claimWith([acme]), [doc, poe]);
    expect(items.map((i) => i.code)).toContain('CURRENCY_MISMATCH');
    expect(items.find((i) => i.code === 'CURRENCY_MISMATCH')!.text).toBe(
      'The invoice for E1 (C9/acme-usd.pdf) is in USD; the claim says EUR: upload the invoice in EUR or correct the claimed currency',
    );
  });

  it('values that could not be read ask for a clearer copy', () => {
    const doc = evidence({ claimId: 'C9', file: 'C9/blurry.jpg', kind: 'invoice', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'EUR', date: null });
    const { items } = missingFor(claimWith([acme]), [doc, poe]);
    expect(items.map((i) => i.text)).toEqual(['No date could be read from the invoice for E1 (C9/blurry.jpg): upload a copy that shows the date (usage period 2026-03-01 – 2026-03-31)']);
  });

  it('one file backing two expenses', () => {
    const twin = { ...acme, expenseId: 'E2' };
    const a = evidence({ claimId: 'C9', file: 'C9/a.pdf', kind: 'invoice', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-10', sha256: 'same' });
    const b = evidence({ claimId: 'C9', file: 'C9/b.pdf', kind: 'invoice', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-10', sha256: 'same' });
    const { items } = missingFor(claimWith([acme, twin]), [a, b, poe]);
    const dup = items.filter((i) => i.code === 'DUPLICATE_DOCUMENT');
    expect(dup.map((i) => i.expenseId)).toEqual(['E1', 'E2']);
    expect(dup[0]!.text).toMatch(/^The invoice for E1 \(C9\/a\.pdf\) is used twice \(the same file also backs expense E2 \(C9\/b\.pdf\)\): upload the invoice that belongs to E1 alone$/);
  });

  it('a CSR that does not add up, and expenses in two currencies', () => {
    const inHouse = { expenseId: 'E2', type: 'in_house', vendor: 'P', amountMinor: 30000, currency: 'USD', date: '2026-03-12', description: null } as const;
    const csr = evidence({
      claimId: 'C9',
      file: 'C9/csr.pdf',
      kind: 'csr',
      vendor: 'P',
      amountMinor: 30000,
      currency: 'USD',
      date: '2026-03-12',
      csr: { lines: [{ description: 'Design', hours: 10, rateMinor: 2000, amountMinor: 20000, page: 1, box: null }], statedTotalMinor: 30000 },
    });
    const inv = evidence({ claimId: 'C9', file: 'C9/acme.pdf', kind: 'invoice', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-10' });
    const { items } = missingFor(claimWith([acme, inHouse]), [inv, csr, poe]);
    expect(items.find((i) => i.code === 'MIXED_CURRENCY')!.text).toBe('The expenses are in EUR (E1) and USD (E2): claim every expense of a claim in one currency');
    expect(items.find((i) => i.code === 'CSR_TOTAL_MISMATCH')!.text).toMatch(/^The CSR for E2 \(C9\/csr\.pdf\) does not add up \(.*add up to 200\.00 USD, but the stated total is 300\.00 USD\): upload a corrected CSR$/);
  });

  it('review flags only when asked for', () => {
    const stray = evidence({ claimId: 'C9', file: 'C9/other-invoice.pdf', kind: 'invoice', vendor: 'Initech', amountMinor: 999, currency: 'EUR', date: '2026-01-01' });
    const inv = evidence({ claimId: 'C9', file: 'C9/acme.pdf', kind: 'invoice', vendor: 'Acme Events Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-10' });
    expect(missingFor(claimWith([acme]), [inv, stray, poe]).items).toEqual([]);
    const all = missingFor(claimWith([acme]), [inv, stray, poe], ['blocking', 'review', 'info']).items;
    expect(all.map((i) => i.text)).toEqual([
      'The invoice C9/other-invoice.pdf matches no claimed expense: add the expense it belongs to, or remove the file if it was uploaded by mistake',
    ]);
  });

  it('words every flag code, even with no expense or document to quote', () => {
    for (const code of Object.keys(FLAG_SEVERITY) as FlagCode[]) {
      const flag: Flag = { code, severity: FLAG_SEVERITY[code], expenseId: 'E7', file: 'x.pdf', message: 'as the check said' };
      const [item] = describeMissing({ usageStart: '2026-03-01', usageEnd: '2026-03-31', deadline: '2026-05-15', asOf: AS_OF, expenses: [], flags: [flag] }, { severities: ['blocking', 'review', 'info'] });
      expect(item, code).toBeDefined();
      // Either the action itself ("Upload ...") or what is wrong, then what to do after a colon.
      expect(item!.text, code).toMatch(/^Upload |^[A-Z][^:]+: [a-z]/);
      expect(item!.text, code).not.toMatch(/undefined|null/);
    }
  });

  it('without the read values, says what to fix without quoting them', () => {
    const { claims, reports } = checkedSample(AS_OF);
    const r = reports[1]!;
    const [item] = describeMissing({
      usageStart: claims[1]!.usageStart,
      usageEnd: claims[1]!.usageEnd,
      deadline: r.deadline,
      expenses: claims[1]!.expenses,
      flags: r.flags.filter((f) => f.code === 'AMOUNT_MISMATCH'),
    });
    expect(item!.text).toBe('The invoice for E1 (CL-1002/fabrikam-invoice.jpg) does not show the claimed 2,400.00 EUR: upload the right invoice or correct the claimed amount');
  });
});
