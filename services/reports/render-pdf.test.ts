import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pdfPageCount } from '../../pipeline/pdf.ts';
import type { Flag } from '../../pipeline/types.ts';
import { buildIncompleteClaimsReport, type ReportClaimInput } from './incomplete.ts';
import { toPdf } from './render-pdf.ts';
import { checkedSample, pdfPagesText } from './testing.ts';

const AS_OF = '2026-05-10';
const GENERATED = '2026-05-10T02:00:00Z';
const SYSTEM_DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

function claim(i: number, over: Partial<ReportClaimInput> = {}): ReportClaimInput {
  const id = `CL-${String(2000 + i)}`;
  const flags: Flag[] = [
    { code: 'MISSING_POE', severity: 'blocking', message: 'no POE' },
    { code: 'MISSING_INVOICE', severity: 'blocking', expenseId: 'E1', message: 'no invoice' },
    { code: 'UNREADABLE_DOCUMENT', severity: 'blocking', file: `${id}/a-rather-long-file-name-of-a-scanned-receipt-${i}.pdf`, message: 'damaged' },
  ];
  return {
    claimId: id,
    partner: `Partner number ${i}`,
    program: 'MDF 2026',
    activity: 'Roadshow',
    status: 'submitted',
    usageStart: '2026-03-01',
    usageEnd: '2026-03-31',
    deadline: `2026-05-${String(1 + (i % 28)).padStart(2, '0')}`,
    currency: 'EUR',
    completeness: 'incomplete',
    flags,
    expenses: [{ expenseId: 'E1', type: 'third_party', vendor: `Vendor ${i} Events Ltd`, amountMinor: 100000 + i, currency: 'EUR', date: '2026-03-05' }],
    ...over,
  };
}

describe('toPdf', () => {
  it('shows the title, as-of date, generation time, summary and each incomplete claim, read back with the project reader', async () => {
    const { inputs } = checkedSample(AS_OF);
    const pdf = await toPdf(buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: GENERATED, claims: inputs }));
    expect(await pdfPageCount(pdf)).toBe(1);
    // The font is subset: only the glyphs drawn are in the file.
    expect(pdf.length).toBeLessThan(80_000);
    const [text] = await pdfPagesText(pdf);
    for (const s of [
      'Incomplete claims',
      'As of 2026-05-10',
      'generated 2026-05-10 02:00 UTC',
      'Claims checked 3',
      'CL-1003',
      'CL-1002',
      'Contoso GmbH',
      'Ελληνική Εταιρεία',
      'Zażółć Gęślą',
      'AMOUNT_MISMATCH',
      '2,450.00 EUR; the claim says 2,400.00 EUR',
      '2026-04-14 -26 800.00 EUR',
      'page 1 of 1',
    ]) {
      expect(text, s).toContain(s);
    }
    expect(text).not.toContain('CL-1001');
    // Deadline order: the overdue claim first.
    expect(text!.indexOf('CL-1003')).toBeLessThan(text!.indexOf('CL-1002'));
  });

  it('runs over pages with the table header repeated and "page n of N" on every page', async () => {
    const claims = Array.from({ length: 40 }, (_, i) => claim(i));
    const pdf = await toPdf(buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: GENERATED, claims }));
    const pages = await pdfPagesText(pdf);
    expect(pages.length).toBeGreaterThan(2);
    pages.forEach((t, i) => {
      expect(t).toContain(`page ${i + 1} of ${pages.length}`);
      expect(t).toContain('What is missing');
      expect(t).toContain('Open blocking');
    });
    const all = pages.join('\n');
    for (const c of claims) expect(all).toContain(c.claimId);
    // Long file names wrap inside their column instead of running off the page.
    expect(all).toMatch(/a-rather-long-file-name-of-a-/);
  });

  it('says so when nothing is incomplete', async () => {
    const pdf = await toPdf(buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: GENERATED, claims: [] }));
    const [text] = await pdfPagesText(pdf);
    expect(text).toContain('No incomplete claims.');
  });

  const unicode = claim(1, {
    partner: '上海会展有限公司 \u0007bell\u0000',
    program: 'Ποσειδών Πρόγραμμα',
    expenses: [{ expenseId: 'E1', type: 'third_party', vendor: 'Zakład Usług Łódź — «Ünïcødé» ‘quotes’ Հայաստան', amountMinor: 5000, currency: 'PLN', date: '2026-03-05' }],
  });

  it('draws Greek, Polish and typographic text, and never fails on characters no font has', async () => {
    const pdf = await toPdf(buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: GENERATED, claims: [unicode] }), { fonts: { fallbacks: [] } });
    const [text] = await pdfPagesText(pdf);
    // Cells wrap, so words are checked one by one.
    for (const word of ['Ποσειδών', 'Πρόγραμμα', 'Zakład', 'Usług', 'Łódź', '«Ünïcødé»', '‘quotes’']) expect(text, word).toContain(word);
    // Chinese and Armenian are not in the bundled font: shown as U+FFFD, like the control characters.
    expect(text).toContain('\uFFFD');
    expect(text).not.toContain('上海');
    expect(text).toContain('bell');
  });

  it.skipIf(!existsSync(SYSTEM_DEJAVU))('takes characters the bundled font lacks from a fallback font', async () => {
    const pdf = await toPdf(buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: GENERATED, claims: [unicode] }), { fonts: { fallbacks: [SYSTEM_DEJAVU] } });
    const [text] = await pdfPagesText(pdf);
    expect(text).toContain('Հայաստան');
    expect(text).toContain('Ποσειδών');
  });

  it('falls back to Helvetica with replacement characters when no Unicode font can be read', async () => {
    const pdf = await toPdf(buildIncompleteClaimsReport({ asOf: AS_OF, generatedAt: GENERATED, claims: [unicode] }), {
      fonts: { regular: '/nonexistent/font.ttf', bold: '/nonexistent/bold.ttf', fallbacks: [] },
    });
    const [text] = await pdfPagesText(pdf);
    expect(text).toContain('Incomplete claims');
    expect(text).toContain('page 1 of 1');
    // WinAnsi keeps ó, Ü and the dash; Greek, ł and Chinese become '?'.
    for (const word of ['Zak?ad', 'Us?ug', '?ód?', '«Ünïcødé»']) expect(text, word).toContain(word);
    expect(text).not.toContain('Ποσειδών');
  });
});
