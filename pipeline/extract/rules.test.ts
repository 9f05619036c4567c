// Issue 9's rules, each with a document it applies to and a decoy it must leave alone: document
// kinds by title and picture, currency only from what the document says, CSR money totals,
// totals and dates in more languages, and invoice fields on generated layouts.
import { describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../test/fixtures/make.ts';
import { INVOICE_LAYOUTS, csrPages, invoicePages, makeCsrSpec, makeInvoiceSpec, makeOtherSpec, otherPages } from '../../test/fixtures/evidence.ts';
import type { ImageStats } from '../image-stats.ts';
import { readDocument } from '../read.ts';
import type { ReadDocument } from '../types.ts';
import { extract } from './index.ts';
import { layoutPage } from './testing.ts';
import { noOcr } from './testing.ts';

const big = (text: string) => ({ text, size: 0.022 });
const readPdf = async (pages: Parameters<typeof makeTextPdf>[0]) => readDocument(await makeTextPdf(pages), { ocr: noOcr });

const invoiceBody = ['Description | Qty | Amount', 'Booth rental | 2 | 1,200.00', 'Printed banners | 4 | 300.00', 'Subtotal | 1,500.00', 'VAT 20% | 300.00', 'Total | € 1,800.00'];

describe('document kinds: titles weigh more than words in the body', () => {
  it.each([
    ['ESTIMATE', ['This estimate is not an invoice. Valid until 2026-05-01.']],
    ['QUOTATION', []],
    ['PROFORMA INVOICE', []],
    ['Angebot', []],
    ['Devis', []],
    ['PURCHASE ORDER', ['Please quote the order number on your invoice.']],
    ['Bestellung', []],
    ['Bon de commande', []],
    ['ORDER CONFIRMATION', []],
    ['PACKING SLIP', []],
    ['Lieferschein', []],
    ['Bon de livraison', []],
    ['STATEMENT OF ACCOUNT', ['Invoice No | Date | Amount', 'INV-1001 | 2026-02-01 | 500.00', 'INV-1002 | 2026-03-01 | 700.00', 'Balance due | 1,200.00']],
    ['PAYMENT REMINDER', ['Invoice INV-1001 of 2026-02-01 is overdue. This reminder is not an invoice.']],
  ])('%s is other', (title, body) => {
    const doc = layoutPage([big('Northwind Event Services Ltd'), '12 Harbour Road, Springfield', { ...big(title), gap: 1 }, 'No: X-1042', 'Date: 2026-03-14', ...invoiceBody, ...body]);
    expect(extract(doc).kind).toBe('other');
  });

  it('a large heading OCR broke apart still names the document; speckle does not', () => {
    const doc = layoutPage([big('Kestrel Event Services LLP'), '810 Station Road', { ...big('STATEM ENT OF ACCOUNT'), gap: 1 }, 'No: ST-1', 'Date: 2026-03-14', ...invoiceBody], { method: 'ocr' });
    expect(extract(doc).kind).toBe('other');
    const speckle = layoutPage([big('Kestrel Event Services LLP'), { ...big('INVOICE'), gap: 1 }, 'Invoice No: INV-1', 'Date: 2026-03-14', { text: 'PO', size: 0.03 }, ...invoiceBody], { method: 'ocr' });
    speckle.pages[0]!.lines.find((l) => l.text === 'PO')!.words[0]!.confidence = 0.2;
    expect(extract(speckle).kind).toBe('invoice');
  });
  it('decoy: an invoice that mentions its purchase order and the quote it follows stays an invoice', () => {
    const doc = layoutPage([big('Northwind Event Services Ltd'), '12 Harbour Road, Springfield', { ...big('INVOICE'), gap: 1 }, 'Invoice No: INV-2026-0042', 'PO Number: PO-55821', 'Quote ref: Q-2026-17', 'Date: 2026-03-14', ...invoiceBody, 'As per our estimate of 2026-02-20.']);
    const ex = extract(doc);
    expect(ex.kind).toBe('invoice');
    expect(ex.fields.amount!.value).toBe(180000);
  });

  it.each([['estimate'], ['purchase-order'], ['packing-slip'], ['statement'], ['reminder']] as const)('generated %s documents in four languages are other', async (type) => {
    for (const lang of ['en', 'de', 'fr', 'es'] as const) {
      const spec = makeOtherSpec(lang.length * 13 + type.length, { type, lang });
      expect(extract(await readPdf(otherPages(spec))).kind, `${type}/${lang}`).toBe('other');
    }
  });
});

const PHOTO: ImageStats = { colourfulness: 62, paperShare: 0.05, edgeDensity: 0.03, uniformity: 0.3, flatShare: 0.01, colourShare: 0.2, inkShare: 0.2 };
const SCREENSHOT: ImageStats = { colourfulness: 75, paperShare: 0.7, edgeDensity: 0.06, uniformity: 0.7, flatShare: 0.9, colourShare: 0.25, inkShare: 0.1 };
const PAPER: ImageStats = { colourfulness: 2, paperShare: 0.96, edgeDensity: 0.07, uniformity: 0.95, flatShare: 0.02, colourShare: 0, inkShare: 0.03 };

function withImage(doc: ReadDocument, image: ImageStats): ReadDocument {
  return { ...doc, pages: doc.pages.map((p) => ({ ...p, image })) };
}

describe('document kinds: the picture itself', () => {
  const fewWords = () => layoutPage([{ text: 'Contoso Cloud', size: 0.05, x: 0.3 }, { text: 'Springfield office', x: 0.35 }], { method: 'ocr' });
  it('a colour photograph with a few words on a banner is proof of execution', () => {
    expect(extract(withImage(fewWords(), PHOTO)).kind).toBe('poe');
  });
  it('a screenshot is proof of execution', () => {
    expect(extract(withImage(fewWords(), SCREENSHOT)).kind).toBe('poe');
  });
  it('decoy: the same words on paper are not', () => {
    expect(extract(withImage(fewWords(), PAPER)).kind).not.toBe('poe');
  });
  it('decoy: a photographed invoice is still an invoice', () => {
    const doc = layoutPage([big('Northwind Event Services Ltd'), { ...big('INVOICE'), gap: 1 }, 'Invoice No: INV-2026-0042', 'Date: 2026-03-14', ...invoiceBody], { method: 'ocr' });
    expect(extract(withImage(doc, { ...PHOTO, paperShare: 0.4 })).kind).toBe('invoice');
  });
});

describe('currency from what the document says, never a default', () => {
  const lines = (extra: string[], total = 'Total | 1,800.00') => [big('Northwind Event Services'), '12 Harbour Road', { ...big('INVOICE'), gap: 1 }, 'Invoice No: INV-1', 'Date: 2026-03-14', 'Booth rental | 1,500.00', 'Tax | 300.00', total, ...extra];
  it('nothing names a currency: none, rather than a guess', () => {
    expect(extract(layoutPage(lines([]))).fields.currency).toBeNull();
  });
  it('an IBAN or a VAT number names the country', () => {
    expect(extract(layoutPage(lines(['IBAN: DE89 3704 0044 0532 0130 00']))).fields.currency!.value).toBe('EUR');
    expect(extract(layoutPage(lines(['VAT Reg No: GB 123 4567 89']))).fields.currency!.value).toBe('GBP');
    const us = extract(layoutPage(lines(['EIN 16-2552418', 'Denver, CO 80202']))).fields.currency!;
    expect([us.value, us.confidence >= 0.6]).toEqual(['USD', true]);
  });
  it('the language of the document counts before an address', () => {
    const fr = [big('Lumière Événements'), { ...big('FACTURE'), gap: 1 }, 'Facture n°: F-12', 'Date: 14/03/2026', 'Montant HT | 1 500,00', 'TVA 20% | 300,00', 'Total TTC | 1 800,00'];
    expect(extract(layoutPage(fr)).fields.currency!.value).toBe('EUR');
  });
  it('a "$" OCR made of a French invoice\'s "€" does not make it dollars', () => {
    const fr = [big('Lumière Événements SARL'), { ...big('FACTURE'), gap: 1 }, 'Facture n°: F-12', 'Date: 14/03/2026', 'Montant HT | 1 500,00', 'TVA 20% | 300,00', 'Total TTC | 1 800,00 $'];
    expect(extract(layoutPage(fr, { method: 'ocr' })).fields.currency!.value).toBe('EUR');
  });
  it('decoy: a symbol printed with the total wins over country cues', () => {
    expect(extract(layoutPage(lines(['IBAN: DE89 3704 0044 0532 0130 00'], 'Total | £1,800.00'))).fields.currency!.value).toBe('GBP');
  });
});

describe('totals and dates in more languages', () => {
  const receipt = (label: string, amount: string, date: string, decoy = 'Subtotal | 10,00') => [big('Kestrel Events'), { ...big('Invoice'), gap: 1 }, `Date: ${date}`, 'Item one | 40,00', decoy, `${label} | ${amount}`, 'Thank you'];
  it.each([
    ['Summe', '50,00', 5000],
    ['Gesamt', '50,00', 5000],
    ['Total TTC', '50,00', 5000],
    ['Totale', '50,00', 5000],
    ['Suma', '50,00', 5000],
    ['Razem do zapłaty', '50,00', 5000],
    ['Celkem k úhradě', '50,00', 5000],
    ['Att betala', '50,00', 5000],
    ['Σύνολο', '50,00', 5000],
    ['合计', '50,00', 5000],
  ])('"%s" labels the total', (label, amount, minor) => {
    expect(extract(layoutPage(receipt(label, amount, '2026-03-05'))).fields.amount!.value).toBe(minor);
  });
  it('decoy: a subtotal in those languages is not the total', () => {
    for (const sub of ['Zwischensumme', 'Delsumma', 'Základ daně', '小计']) {
      expect(extract(layoutPage(receipt('Total', '50,00', '2026-03-05', `${sub} | 60,00`))).fields.amount!.value, sub).toBe(5000);
    }
  });
  it('a Chinese label glued to its amount is still its label', () => {
    expect(extract(layoutPage([big('Kestrel'), '发票', '日期 2026年3月5日', '金额 40.00', '合计：¥128.00', '谢谢'])).fields.amount!.value).toBe(12800);
  });
  it.each([
    ['5. března 2026', '2026-03-05'],
    ['5 marca 2026', '2026-03-05'],
    ['5 października 2026', '2026-10-05'],
    ['5 Μαρτίου 2026', '2026-03-05'],
    ['2026年3月5日', '2026-03-05'],
    ['5 maj 2026', '2026-05-05'],
    ['5 augusti 2026', '2026-08-05'],
    ['5. März 2026', '2026-03-05'],
    ['5 de marzo de 2026', '2026-03-05'],
    ['5 maart 2026', '2026-03-05'],
  ])('reads the date "%s"', (printed, iso) => {
    expect(extract(layoutPage(receipt('Total', '50,00', printed))).fields.date!.value).toBe(iso);
  });
});

describe('CSR tables: the money total, and what OCR may have misread', () => {
  const csr = (rows: string[]) => ['Certification Statement and Report', 'Partner: Contoso Channel Ltd', 'Currency: EUR', 'Description | Hours | Rate | Amount', ...rows, 'I hereby certify the in-house work above.'];
  it('a "Total hours" row is not the stated total', () => {
    const ex = extract(layoutPage(csr(['Booth design | 10 | 85.00 | 850.00', 'Copywriting | 6 | 60.00 | 360.00', 'Total hours | 16 | | ', 'Total | 1,210.00'])));
    expect(ex.kind).toBe('csr');
    expect(ex.csr!.statedTotalMinor).toBe(121000);
  });
  it('decoy: a lone money total is read as before', () => {
    expect(extract(layoutPage(csr(['Booth design | 10 | 85.00 | 850.00', 'Total | 850.00']))).csr!.statedTotalMinor).toBe(85000);
  });
  it('generated CSRs with hours or days, with and without a quantity total', async () => {
    for (let seed = 0; seed < 8; seed++) {
      const spec = makeCsrSpec(seed, 'Contoso Channel Ltd', 'EUR');
      const ex = extract(await readPdf(csrPages(spec)));
      expect(ex.kind).toBe('csr');
      expect(ex.csr!.statedTotalMinor, `seed ${seed} (${spec.unit}, quantity total ${spec.quantityTotal})`).toBe(spec.statedTotalMinor);
    }
  });
  it('keeps each line\'s reading confidence for the checks', () => {
    const doc = layoutPage(csr(['Booth design | 10 | 85.00 | 850.00', 'Copywriting | 6 | 60.00 | 360.00', 'Total | 1,210.00']), { method: 'ocr' });
    const line = doc.pages[0]!.lines.find((l) => l.text === '360.00')!;
    line.words[0]!.confidence = 0.31;
    const ex = extract(doc);
    expect(ex.csr!.lines.map((l) => l.confidence)).toEqual([0.9, 0.31]);
  });
});

describe('invoice fields on generated layouts', () => {
  it.each(INVOICE_LAYOUTS.map((l) => [l]))('%s in four languages', async (layout) => {
    for (const lang of ['en', 'de', 'fr', 'es'] as const) {
      const spec = makeInvoiceSpec(7 * lang.length + layout.length, { layout, lang });
      const ex = extract(await readPdf(invoicePages(spec)));
      const at = `${layout}/${lang}/${spec.currency}/${spec.show}`;
      expect(ex.kind, at).toBe('invoice');
      expect(ex.fields.amount?.value, at).toBe(spec.totalMinor);
      expect(ex.fields.currency?.value, at).toBe(spec.currency);
      expect(ex.fields.date?.value, at).toBe(spec.date);
      expect(ex.fields.vendor?.value.toLowerCase(), at).toContain(spec.vendor.name.split(' ')[0]!.toLowerCase());
    }
  });
  it('an invoice with an account summary: the invoice total, not the account balance', async () => {
    const spec = makeInvoiceSpec(3, { layout: 'account-summary', lang: 'en', currency: 'GBP', previousMinor: 250000 });
    const ex = extract(await readPdf(invoicePages(spec)));
    expect(ex.fields.amount!.value).toBe(spec.totalMinor);
  });
});

describe('a year OCR misread is settled by the other dates of the document', () => {
  const page = (issue: string, due: string) =>
    layoutPage([big('Northwind Event Services Ltd'), '12 Harbour Road, Springfield', { ...big('INVOICE'), gap: 1 }, 'Invoice No: INV-1042', `Invoice date: ${issue}`, `Due date: ${due}`, ...invoiceBody], { method: 'ocr' });
  it('2026 read as 2028, the due date of 2026: the issue date is of 2026', () => {
    const f = extract(page('17.11.2028', '17.12.2026')).fields.date!;
    expect(f.value).toBe('2026-11-17');
    expect(f.note).toMatch(/year read as 2028, taken as 2026/);
  });
  it('decoy: an invoice of December with its due date in January keeps its year', () => {
    expect(extract(page('20.12.2025', '19.01.2026')).fields.date!.value).toBe('2025-12-20');
  });
  it('decoy: a text-layer invoice is read as printed', () => {
    const doc = layoutPage([big('Northwind Event Services Ltd'), { ...big('INVOICE'), gap: 1 }, 'Invoice No: INV-1042', 'Invoice date: 17.11.2028', 'Due date: 17.12.2026', ...invoiceBody]);
    expect(extract(doc).fields.date!.value).toBe('2028-11-17');
  });
});
