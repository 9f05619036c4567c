import { describe, expect, it } from 'vitest';
import { extract, mergeExtractions } from './index.ts';
import { layoutDocument, layoutPage } from './testing.ts';

const big = (text: string) => ({ text, size: 0.02 });

describe('vendor', () => {
  it('is the issuer at the top, not the Bill To party', () => {
    const doc = layoutPage([
      big('Northwind Event Services Ltd'),
      '12 Harbour Road, Springfield',
      { text: 'INVOICE', size: 0.018, gap: 1 },
      { text: 'Bill To:', gap: 1 },
      'Acme Partner Corporation Inc',
      '1 Channel Way, Rivertown',
      'Invoice No: | INV-2026-0042',
      'Invoice Date: | 2026-03-14',
      'Total | $ 1,250.00',
    ]);
    const v = extract(doc).fields.vendor!;
    expect(v.value).toBe('Northwind Event Services Ltd');
    expect(v.page).toBe(1);
    expect(v.box!.y).toBeLessThan(0.1);
  });

  it('penalises a customer block printed above the issuer', () => {
    const doc = layoutPage([
      'Bill To:',
      'Globex Holdings LLC',
      '44 Elm Street',
      { text: 'Sold By : | Summit Digital Media GmbH', gap: 1 },
      'Invoice Number: 88123',
      'Date: 2026-01-05',
      'Amount Due | € 99,00',
    ]);
    expect(extract(doc).fields.vendor!.value).toBe('Summit Digital Media GmbH');
  });

  it('reads a receipt vendor from the first lines, joining a name split over two lines and dropping the registration number', () => {
    const doc = layoutPage(
      [
        { text: 'PASARAYA BORONG PINTAR', x: 0.2 },
        { text: 'SDN BHD', x: 0.35 },
        { text: '(124625-H)', x: 0.35 },
        { text: 'NO 10-G, JALAN TASIK UTAMA 4,', x: 0.1 },
        'TAX INVOICE',
        'Date: 15/01/2019 11:05',
        'TOTAL | 12.90',
      ],
      { method: 'ocr' },
    );
    expect(extract(doc).fields.vendor!.value).toBe('PASARAYA BORONG PINTAR SDN BHD');
    const doc2 = layoutPage(['UNIHAKKA INTERNATIONAL SDN BHD (867388-U)', '12, Jalan Tampoi 7/4', 'Total Amount: | 8.20'], { method: 'ocr' });
    expect(extract(doc2).fields.vendor!.value).toBe('UNIHAKKA INTERNATIONAL SDN BHD');
  });

  it('names the issuer from the legal footer when the top of the page is the customer', () => {
    const doc = layoutPage([
      big('ALPHA CLIENT'),
      'Jean Dupont',
      '27 rue Henri Rolland',
      '69100 Villeurbanne',
      'Facture n° 2022089083',
      'Date : 28/11/2022',
      'Total TTC : | 56,02 €',
      { text: 'Virement | Titulaire du compte : MEDIAPRESSE', gap: 2 },
      { text: 'MEDIAPRESSE', gap: 2 },
      'Siège social : 16 rue Mollien - 92100 BOULOGNE',
      'Sarl au capital de 10 000€ - RCS Paris B 530 848 134',
    ]);
    expect(extract(doc).fields.vendor!.value).toBe('MEDIAPRESSE');
  });

  it('takes a name with its legal form opening a line at the foot, the address after it, over the labels at the top', () => {
    const top = ['Invoice No: INV-2026-2579', 'Invoice Date: 2026-11-28', 'Bill To:', 'Acme Partner Solutions', '1 Channel Way', 'Booth rental | 2 | 631.50 | 1,263.00', 'Total Due | 1,263.00'];
    // OCR lost the separators: name and address in one cell.
    const oneCell = layoutPage([...top, { text: 'Summit Catering Limited 655 Market Street Dublin D02 X285, Ireland', gap: 34 }, 'VAT Reg No: IE581722206'], { method: 'ocr' });
    expect(extract(oneCell).fields.vendor?.value).toBe('Summit Catering Limited');
    // "S. A." read as two words, cells split by dashes.
    const spaced = layoutPage([...top, { text: 'Greystone Location Expo S. A. - 26 boulevard Voltaire - 75002 Paris, France', gap: 34 }], { method: 'ocr' });
    expect(extract(spaced).fields.vendor?.value).toBe('Greystone Location Expo S.A.');
    // Decoy: a sentence at the foot names no issuer, and a label with its value is never one.
    const none = layoutPage([...top, { text: 'Thank you for visiting us at 655 Market Street Dublin', gap: 34 }], { method: 'ocr' });
    expect(extract(none).fields.vendor?.value ?? '').not.toMatch(/Invoice No|Thank|Market/);
  });

  it('returns no vendor rather than a label when nothing reads like a name', () => {
    const doc = layoutPage(['Factuuradres | Afleveradres', 'Kopie factuur', 'Totaal | 49,99']);
    expect(extract(doc).fields.vendor).toBeNull();
  });
});

describe('amount', () => {
  it('is the total, not subtotal, tax, line items or previous balance', () => {
    const doc = layoutPage([
      big('Blue Harbor Printing Co'),
      'Invoice No: 5531',
      'Date: 2026-02-10',
      'Description | Qty | Amount',
      'Printed banners | 2 | 4,800.00',
      'Brochures | 1 | 2,150.00',
      'Previous balance | 9,999.00',
      'Subtotal | 6,950.00',
      'Tax 10% | 695.00',
      'Total | 7,645.00',
    ]);
    const a = extract(doc).fields.amount!;
    expect(a.value).toBe(764500);
    expect(a.raw).toBe('7,645.00');
    expect(a.confidence).toBeGreaterThan(0.7);
    expect(a.box!.x).toBeGreaterThan(0.5);
  });

  it('prefers the amount due over a larger previous balance and ignores discount and VAT', () => {
    const doc = layoutPage([
      'Crescent Expo Rentals LLC',
      'Previous balance | $12,000.00',
      'Payments received | -$12,000.00',
      'Discount | $50.00',
      'VAT | $80.00',
      'Amount due | $830.00',
    ]);
    expect(extract(doc).fields.amount!.value).toBe(83000);
  });

  it('reads the receipt total, not cash tendered, change or rounding', () => {
    const doc = layoutPage(
      [
        'GERBANG ALAF RESTAURANTS SDN BHD',
        '2 M SpicyDeluxe | 25.40',
        '1 M GrilChicBgr | 12.50',
        'TakeOut Total (incl GST) | 38.90',
        'Rounding | 0.00',
        'Cash Tendered | 50.00',
        'Change | 11.10',
        'TOTAL INCLUDES 6% GST | 2.20',
      ],
      { method: 'ocr' },
    );
    const ex = extract(doc);
    expect(ex.fields.amount!.value).toBe(3890);
    expect(ex.fields.amount!.note).toMatch(/total/i);
  });

  it('takes the total after rounding', () => {
    const doc = layoutPage(['KEDAI ABC ENTERPRISE', 'Total Sales (Inclusive GST) | 37.44', 'Rounding Adj | 0.01', 'Total | 37.45', 'Cash | 50.00', 'Change | 12.55'], { method: 'ocr' });
    expect(extract(doc).fields.amount!.value).toBe(3745);
  });

  it('distrusts an OCR total one digit off when the payment and the subtotal agree on another value', () => {
    const doc = layoutPage(['BEMED (SP) SDN. BHD.', '1 | 184810 | 165.00 | 165.00', 'SubTotal: | 165.00', 'Rounding Adj : | 0.00', 'Total Inclusive GST. | 166.00', 'MASTER | 165.00'], { method: 'ocr' });
    const a = extract(doc).fields.amount!;
    expect(a.value).toBe(16500);
    expect(a.note).toMatch(/one digit off/);
    // Text-layer totals are never second-guessed.
    const text = layoutPage(['BEMED (SP) SDN. BHD.', 'SubTotal: | 165.00', 'Total Inclusive GST. | 166.00', 'MASTER | 165.00']);
    expect(extract(text).fields.amount!.value).toBe(16600);
  });

  it('reads comma-decimal European totals and dot-decimal US totals', () => {
    const eu = layoutPage(['Coolblue B.V.', 'Exclusief BTW | € 4.053,67', 'BTW 21% | € 851,27', 'Totaal | € 4.904,94']);
    const ex = extract(eu);
    expect(ex.fields.amount!.value).toBe(490494);
    expect(ex.fields.currency!.value).toBe('EUR');
    const fr = layoutPage(['Total HT : | 46,68 €', 'TVA 20% : | 9,34 €', 'Total TTC : | 56,02 €']);
    expect(extract(fr).fields.amount!.value).toBe(5602);
    const de = layoutPage(['Zwischensumme | 1 234,56 EUR', 'MwSt. 19% | 234,57 EUR', 'Gesamtbetrag | 1 469,13 EUR']);
    expect(extract(de).fields.amount!.value).toBe(146913);
    const us = layoutPage(['Subtotal: | $1,100.00', 'Sales tax: | $134.56', 'Total: | $1,234.56']);
    expect(extract(us).fields.amount!.value).toBe(123456);
  });

  it('reads integer totals with a currency marker (Rs 1939) and keeps a credit negative', () => {
    const inr = layoutPage(['PAYMENT RECEIPT', 'Room Charges | Rs 1939 x 1 Night | Rs 1939', 'Grand Total | Rs 1939', 'Balance ( if any ) | Rs 0']);
    const ex = extract(inr);
    expect(ex.fields.amount!.value).toBe(193900);
    expect(ex.fields.currency!.value).toBe('INR');
    const credit = layoutPage(['CREDIT NOTE', 'Returned goods | -5.09', 'Total | -5.09']);
    expect(extract(credit).fields.amount!.value).toBe(-509);
  });

  it('repairs OCR letters in an amount only where the shape leaves no doubt', () => {
    const doc = layoutPage(['SHOP ENTERPRISE', 'Item A | 3.00', 'TOTAL | RM1O.5O', 'Total Qty: 3'], { method: 'ocr' });
    const a = extract(doc).fields.amount!;
    expect(a.value).toBe(1050);
    expect(a.confidence).toBeLessThan(0.95);
  });
});

describe('currency', () => {
  it('settles "$" by an ISO code on the document, then by country cues, else USD with low confidence', () => {
    const cad = layoutPage(['Maple Leaf Catering Inc', 'All amounts in CAD', 'Total | $ 500.00']);
    expect(extract(cad).fields.currency!.value).toBe('CAD');
    const myr = layoutPage(['UNIHAKKA INTERNATIONAL SDN BHD', '12, Jalan Tampoi, 81200 Johor Bahru, Johor', 'Total Amount: | $8.20'], { method: 'ocr' });
    expect(extract(myr).fields.currency!.value).toBe('MYR');
    const usd = extract(layoutPage(['Sammy Maystone', 'Total: | $127.50'])).fields.currency!;
    expect(usd.value).toBe('USD');
    expect(usd.confidence).toBeLessThanOrEqual(0.5);
  });

  it('lets a lone symbol OCR made of a quantity weigh less than a printed code against clear country cues', () => {
    const page = (qty: string) =>
      layoutPage(
        ['Crescent Signage LLP', 'Invoice No: A-2026-8930', 'Description | Qty | Unit Price | Amount', `Venue hire | ${qty} | 895.00 | 895.00`, 'Subtotal | 895.00', 'VAT 20% | 179.00', 'Total Due | 1,074.00', 'Crescent Signage LLP - 299 Harbour Road London EC1A 1BB, United Kingdom', 'VAT Reg No: GB 700 7160 85', 'IBAN: GB95 1531 5946 5133 6899 12'],
        { method: 'ocr' },
      );
    const glyph = extract(page('¥')).fields.currency!;
    expect(glyph.value).toBe('GBP');
    expect(glyph.confidence).toBeGreaterThanOrEqual(0.6);
    // Decoy: a code printed in letters is a real doubt, and stays below the review threshold.
    const code = extract(page('JPY')).fields.currency!;
    expect(code.value).toBe('GBP');
    expect(code.confidence).toBeLessThan(0.6);
  });

  it('is null when nothing indicates a currency', () => {
    expect(extract(layoutPage(['Some Shop', 'Total | 12.00'])).fields.currency).toBeNull();
  });

  it('takes the code printed with the total over others on the page', () => {
    const doc = layoutPage(['Fees in USD shown for reference: USD 10.00', 'Total EUR | 34,73']);
    expect(extract(doc).fields.currency!.value).toBe('EUR');
  });
});

describe('date', () => {
  it('is the issue date, not the due, ship or order date', () => {
    const doc = layoutPage([
      'Orion Signage and Displays',
      'Order Date: | 2026-01-02',
      'Ship Date: | 2026-01-09',
      'Due Date: | 2026-02-10',
      'Invoice Date: | 2026-01-11',
      'Total | $ 10.00',
    ]);
    const d = extract(doc).fields.date!;
    expect(d.value).toBe('2026-01-11');
    expect(d.raw).toBe('2026-01-11');
    expect(d.confidence).toBeGreaterThan(0.6);
  });

  it('reads header-over-value tables ("Factuur datum" above its value)', () => {
    const doc = layoutPage([
      'Klant | Order | Factuur datum | Factuur | Vervaldatum',
      'SCONL0303006280999 | SCONL000000444 | 8-9-2022 | VF1005193039 | 22-9-2022',
      'Factuur totaal EUR | 49,99',
    ]);
    const ex = extract(doc);
    expect(ex.fields.date!.value).toBe('2022-09-08');
    expect(ex.fields.invoiceNumber!.value).toBe('VF1005193039');
  });

  it('gives an undecidable day/month low confidence and the other order as an alternative', () => {
    const d = extract(layoutPage(['Some Studio', 'Date: 03/04/2026', 'Total | 10.00'])).fields.date!;
    expect(d.value).toBe('2026-04-03');
    expect(d.alternatives).toEqual(['2026-03-04']);
    expect(d.confidence).toBeLessThan(0.5);
    expect(d.note).toMatch(/ambiguous/);
  });

  it('decides day/month from another date of the document, the currency, or the locale hint', () => {
    const other = extract(layoutPage(['Studio', 'Date: 03/04/2026', 'Due: 25/04/2026', 'Total | 10.00'])).fields.date!;
    expect(other.value).toBe('2026-04-03');
    expect(other.alternatives).toBeUndefined();
    expect(other.confidence).toBeGreaterThan(0.5);
    const eur = extract(layoutPage(['Studio', 'Date: 03/04/2026', 'Total | 10,00 €'])).fields.date!;
    expect(eur.value).toBe('2026-04-03');
    expect(eur.alternatives).toBeUndefined();
    const us = extract(layoutPage(['Studio Inc', '410 Terry Ave North, Seattle, WA 98109', 'Date: 03/04/2026', 'Total | $10.00'])).fields.date!;
    expect(us.value).toBe('2026-03-04');
    const hinted = extract(layoutPage(['Studio', 'Date: 03/04/2026', 'Total | 10.00']), { localeHint: 'mdy' }).fields.date!;
    expect(hinted.value).toBe('2026-03-04');
    expect(hinted.note).toMatch(/locale hint/);
  });

  it('reads a receipt date stamped with a time and ignores a service period', () => {
    const doc = layoutPage(['SHOP SDN BHD', 'Period: 01.05.14 - 31.05.14', '18/01/2018 17:09:21', 'TOTAL | 5.00'], { method: 'ocr' });
    expect(extract(doc).fields.date!.value).toBe('2018-01-18');
  });

  it('repairs an OCR month name', () => {
    const doc = layoutPage(['Segi Cash & Carry Sdn. Bhd.', 'Date : 12 Har 2018 08:51am', 'Total | RM 12.00'], { method: 'ocr' });
    expect(extract(doc).fields.date!.value).toBe('2018-03-12');
  });
});

describe('invoice number', () => {
  it('reads the number after "n°" as OCR misreads it (n2, n9) and after a label glued to it', () => {
    const read = (line: string) => extract(layoutPage(['Brightwave S.L.', 'FACTURA', line, '25 de noviembre de 2026', 'Total | 1.704,00 €'], { method: 'ocr' })).fields.invoiceNumber?.value ?? null;
    expect(read('Factura n2: RE-2026-2534')).toBe('RE-2026-2534');
    expect(read('Facture n9 FA-2026-0042')).toBe('FA-2026-0042');
    expect(read('Factura ne: INV-2026-8933')).toBe('INV-2026-8933');
    expect(read('Facturen°:RE-2026-8705')).toBe('RE-2026-8705');
    // Decoys: an order number read the same way is still no invoice number; a plain label still reads.
    expect(read('Pedido n2: PO-4471')).not.toBe('PO-4471');
    // A number that starts with N is read whole, not taken for the label's "n".
    expect(read('Factura N23-004')).toBe('N23-004');
    expect(read('Factura n.º 2026/118')).toBe('2026/118');
  });

  it('is next to the invoice label, not the PO, order or customer number', () => {
    const doc = layoutPage([
      'Redwood Advertising Partners',
      'PO Number: | PO-77812',
      'Order No: | 55120',
      'Customer No: | C-1002',
      'Invoice No: | INV-2026-0042',
      'Total | $ 10.00',
    ]);
    const n = extract(doc).fields.invoiceNumber!;
    expect(n.value).toBe('INV-2026-0042');
    expect(n.note).toMatch(/invoice no/i);
  });

  it('reads values glued to the label and values after a "#"', () => {
    expect(extract(layoutPage(['Facture n°562044387 du 02 Juillet 2015', 'Total | 29.99 €'])).fields.invoiceNumber!.value).toBe('562044387');
    expect(extract(layoutPage(['Invoice No : | # BLR_WFLD20151000982590', 'Total | 319.00'])).fields.invoiceNumber!.value).toBe('BLR_WFLD20151000982590');
    expect(extract(layoutPage(['Rechnungsnr. | 30064443 | Kundennr. | 47774', 'Total EUR | 34,73'])).fields.invoiceNumber!.value).toBe('30064443');
  });

  it('never takes a date or an amount for the number', () => {
    const n = extract(layoutPage(['Invoice Date: 2026-01-11', 'Invoice Total: 12.00'])).fields.invoiceNumber;
    expect(n).toBeNull();
  });
});

describe('CSR', () => {
  const csrLines = (thirdAmount: string, total: string) => [
    { text: 'Certification Statement and Report', size: 0.02 },
    'Partner: Contoso Channel Solutions Ltd',
    'Activity: Q1 partner webinar series',
    'Period: 2026-01-01 to 2026-03-31',
    'Description | Hours | Rate | Amount',
    'Content preparation | 10 | 85.00 | 850.00',
    'Webinar delivery | 6 | 120.00 | 720.00',
    `Follow-up campaign | 4 | 85.00 | ${thirdAmount}`,
    `Total | ${total}`,
    'I hereby certify that the work above was performed in-house.',
    'Signature: ____________  Date: 2026-04-02',
  ];

  it('is classified as a CSR and its lines read faithfully', () => {
    const ex = extract(layoutPage(csrLines('340.00', '1,910.00')));
    expect(ex.kind).toBe('csr');
    expect(ex.kindConfidence).toBeGreaterThan(0.6);
    expect(ex.csr!.lines).toHaveLength(3);
    expect(ex.csr!.lines[0]).toMatchObject({ description: 'Content preparation', hours: 10, rateMinor: 8500, amountMinor: 85000, page: 1 });
    expect(ex.csr!.statedTotalMinor).toBe(191000);
    expect(ex.fields.vendor!.value).toBe('Contoso Channel Solutions Ltd');
    expect(ex.fields.amount!.value).toBe(191000);
  });

  it('keeps numbers that do not add up as printed', () => {
    const ex = extract(layoutPage(csrLines('400.00', '1,910.00')));
    expect(ex.csr!.lines[2]!.amountMinor).toBe(40000);
    expect(ex.csr!.lines[2]!.hours! * ex.csr!.lines[2]!.rateMinor!).toBe(34000);
    expect(ex.csr!.statedTotalMinor).toBe(191000);
  });

  it('reads "hours x rate = amount" lines without a table header', () => {
    const ex = extract(
      layoutPage([
        'CSR - Certification Statement and Report',
        'Partner: Northwind Traders Ltd',
        'Campaign design: 12 hours x 75.00 = 900.00',
        'Copywriting: 8 hours x 60.00 = 480.00',
        'Total claimed: 1,380.00',
        'We certify this work was done in-house.',
      ]),
    );
    expect(ex.kind).toBe('csr');
    expect(ex.csr!.lines.map((l) => [l.description, l.hours, l.rateMinor, l.amountMinor])).toEqual([
      ['Campaign design', 12, 7500, 90000],
      ['Copywriting', 8, 6000, 48000],
    ]);
    expect(ex.csr!.statedTotalMinor).toBe(138000);
  });

  it('keeps a number inside the description out of the hours column', () => {
    const ex = extract(
      layoutPage([
        { text: 'Certification Statement and Report', size: 0.02 },
        'Partner: Contoso GmbH',
        'Description | Hours | Rate | Amount',
        'Booth staff, day 1 | 12 | 50.00 | 600.00',
        'Booth staff, day 2 | 12 | 50.00 | 600.00',
        'Total | 1,200.00',
      ]),
    );
    expect(ex.csr!.lines.map((l) => [l.description, l.hours, l.rateMinor, l.amountMinor])).toEqual([
      ['Booth staff, day 1', 12, 5000, 60000],
      ['Booth staff, day 2', 12, 5000, 60000],
    ]);
  });

  it('never takes the form title for the partner', () => {
    const ex = extract(
      layoutPage([
        { text: 'Certification Statement and Report', size: 0.03 },
        'Partner: Northwind Partners',
        'Description | Hours | Rate | Amount',
        'Campaign design | 6 | 80.00 | 480.00',
        'Total | 480.00',
      ]),
    );
    expect(ex.fields.vendor?.value).toBe('Northwind Partners');
  });

  it('reads plain-amount lines without hours', () => {
    const ex = extract(
      layoutPage([
        'Certification Statement and Report (CSR)',
        'Partner: Fabrikam Marketing B.V.',
        'Description | Amount',
        'In-house design of event booth | 1.200,00',
        'In-house social media posts | 300,00',
        'Total | 1.500,00',
        'We certify the activities were executed in-house.',
      ]),
    );
    expect(ex.kind).toBe('csr');
    expect(ex.csr!.lines.map((l) => [l.hours, l.amountMinor])).toEqual([
      [null, 120000],
      [null, 30000],
    ]);
    expect(ex.csr!.statedTotalMinor).toBe(150000);
  });
});

describe('classification', () => {
  it('tells invoices, receipts, CSRs, POE and other documents apart', () => {
    const invoice = layoutPage(['Acme Ltd', 'TAX INVOICE', 'Invoice No: 123', 'Subtotal | 10.00', 'VAT | 2.00', 'Total | 12.00']);
    const receipt = layoutPage(['KEDAI ABC', 'RECEIPT', '2 x Coffee | 7.00', 'TOTAL | 7.00', 'CASH | 10.00', 'CHANGE | 3.00'], { method: 'ocr' });
    const poe = layoutPage([
      'Partner Summit 2026 — Event Agenda',
      '09:00 Welcome and keynote',
      '10:30 Breakout session: cloud migration',
      '12:00 Lunch',
      'Attendees: 48 registered, 41 attended',
      'Sign-in sheet and photos attached',
    ]);
    const campaign = layoutPage(['Campaign Report — Spring Promotion', 'Impressions | 120,400', 'Clicks | 3,210', 'CTR | 2.7%', 'Screenshot of the banner below']);
    const other = layoutPage(['Dear partner,', 'Thank you for joining the programme.', 'Kind regards']);
    expect(extract(invoice).kind).toBe('invoice');
    expect(extract(receipt).kind).toBe('invoice');
    expect(extract(poe).kind).toBe('poe');
    expect(extract(campaign).kind).toBe('poe');
    expect(extract(other).kind).toBe('other');
    for (const d of [invoice, receipt, poe, campaign, other]) {
      const k = extract(d).kindConfidence;
      expect(k).toBeGreaterThan(0);
      expect(k).toBeLessThanOrEqual(1);
    }
  });
});

describe('fields carry where they were read', () => {
  it('gives page, box and raw text, the total on the last page of a multi-page invoice', () => {
    const doc = layoutDocument([
      ['Lakeside Conference Centre', 'Invoice No: LC-991', 'Invoice Date: 2026-05-04', 'Hall rental | 3,000.00'],
      ['Catering | 1,200.00', 'Subtotal | 4,200.00', 'Tax | 420.00', 'Total due | USD 4,620.00'],
    ]);
    const ex = extract(doc);
    expect(ex.fields.amount).toMatchObject({ value: 462000, page: 2, raw: 'USD 4,620.00' });
    expect(ex.fields.currency).toMatchObject({ value: 'USD', page: 2 });
    for (const f of [ex.fields.vendor, ex.fields.amount, ex.fields.date, ex.fields.invoiceNumber]) {
      expect(f!.box).not.toBeNull();
      const b = f!.box!;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.w).toBeLessThanOrEqual(1.0001);
      expect(b.y + b.h).toBeLessThanOrEqual(1.0001);
    }
  });

  it('copes with an empty document', () => {
    const ex = extract({ fileType: 'pdf', method: 'text', pages: [{ number: 1, method: 'text', width: 595, height: 842, lines: [] }] });
    expect(ex.kind).toBe('other');
    expect(ex.fields).toEqual({ vendor: null, amount: null, currency: null, date: null, invoiceNumber: null });
  });
});

describe('mergeExtractions', () => {
  it('keeps what two readings agree on and the more confident value where they differ', () => {
    const a = extract(layoutPage(['KEDAI ABC ENTERPRISE', 'Date: 18/01/2018 17:09', 'TOTAL | 38.90', 'CASH | 50.00'], { method: 'ocr' }));
    const b = extract(layoutPage(['KEDAI ABC ENTERPRISE', 'Date: 18/01/2016', 'Sub | 36.90', 'TOTAL | 38.90'], { method: 'ocr' }));
    const m = mergeExtractions([a, b]);
    expect(m.fields.amount!.value).toBe(3890);
    expect(m.fields.amount!.confidence).toBeGreaterThanOrEqual(Math.max(a.fields.amount!.confidence, b.fields.amount!.confidence));
    expect(m.fields.amount!.note).toMatch(/2 readings agree/);
    const dates = [a.fields.date!, b.fields.date!].sort((x, y) => y.confidence - x.confidence);
    expect(m.fields.date!.value).toBe(dates[0]!.value);
    expect(m.fields.date!.alternatives).toContain(dates[1]!.value);
    expect(mergeExtractions([a])).toBe(a);
    expect(() => mergeExtractions([])).toThrow();
  });
});

describe('documents from other places', () => {
  it('reads a US invoice: the total before payments, month-first date, and the issuer over Bill To / Ship To', () => {
    const ex = extract(
      layoutPage([
        { text: 'Bright Lights Staging LLC', size: 0.02 },
        '1450 Market Street, Suite 200',
        'Denver, CO 80202',
        'billing@brightlights.com | INVOICE',
        { text: 'Bill To: | Ship To:', gap: 1 },
        'Contoso Partner Inc | Contoso Warehouse',
        'Austin, TX 78701 | Austin, TX 78702',
        'Invoice #: | 10442',
        'Invoice Date: | 03/04/2026',
        'P.O. #: | 7781',
        'LED wall rental | 2 | 1,500.00 | 3,000.00',
        'Subtotal | 3,850.00',
        'Sales Tax (8.25%) | 317.63',
        'Shipping | 120.00',
        'Total | $4,287.63',
        'Amount Paid | $1,000.00',
        'Balance Due | $3,287.63',
      ]),
    );
    expect(ex.fields.vendor!.value).toBe('Bright Lights Staging LLC');
    expect(ex.fields.amount!.value).toBe(428763);
    expect(ex.fields.amount!.note).toMatch(/before payments/);
    expect(ex.fields.currency!.value).toBe('USD');
    expect(ex.fields.date!.value).toBe('2026-03-04');
    expect(ex.fields.invoiceNumber!.value).toBe('10442');
  });

  it('reads a German invoice with the sender line above the address window', () => {
    const ex = extract(
      layoutPage([
        'Muster Events GmbH · Hauptstr. 5 · 10115 Berlin',
        'Partner AG',
        'Ringstraße 9',
        '80331 München',
        { text: 'Rechnung', size: 0.02, gap: 1 },
        'Rechnungsnummer: 2026-0042 | Datum: 03.04.2026',
        'Kundennummer: 4471',
        '1 | Messestand | 1 | 2.400,00 € | 2.400,00 €',
        'Nettobetrag | 2.400,00 €',
        'USt. 19 % | 456,00 €',
        'Rechnungsbetrag | 2.856,00 €',
        'Zahlbar bis 17.04.2026',
        'Muster Events GmbH · Geschäftsführer: Max Muster · HRB 12345',
      ]),
    );
    expect(ex.fields).toMatchObject({
      vendor: { value: 'Muster Events GmbH' },
      amount: { value: 285600 },
      currency: { value: 'EUR' },
      date: { value: '2026-04-03' },
      invoiceNumber: { value: '2026-0042' },
    });
  });

  it('reads a Spanish invoice and a British one (day first from GBP)', () => {
    const es = extract(layoutPage([{ text: 'Eventos Sol S.L.', size: 0.02 }, 'FACTURA', 'Número de factura: F-2026-031', 'Fecha: 03/04/2026', 'Cliente: Partner Iberia S.A.', 'Base imponible | 1.000,00 €', 'IVA 21% | 210,00 €', 'Total factura | 1.210,00 €']));
    expect([es.fields.vendor!.value, es.fields.amount!.value, es.fields.date!.value, es.fields.invoiceNumber!.value]).toEqual(['Eventos Sol S.L.', 121000, '2026-04-03', 'F-2026-031']);
    const uk = extract(layoutPage([{ text: 'Kingsway Print Ltd', size: 0.02 }, 'VAT Reg No: GB 123 4567 89', 'Invoice No: KP-2291', 'Date: 03/04/2026', 'To: Acme Marketing Ltd', 'Net | £1,000.00', 'VAT @ 20% | £200.00', 'Total | £1,200.00']));
    expect([uk.fields.vendor!.value, uk.fields.amount!.value, uk.fields.currency!.value, uk.fields.date!.value]).toEqual(['Kingsway Print Ltd', 120000, 'GBP', '2026-04-03']);
  });

  it('finds the issuer after "Please pay to" when the top of the page names no one', () => {
    const ex = extract(layoutPage(['INVOICE', 'Invoice Number: 2026-17', 'Date: April 3, 2026', 'Bill To: Acme Corp', 'Web design services | $2,000.00', 'Total | $2,000.00', 'Please pay to: Jane Doe Design Studio']));
    expect(ex.fields.vendor!.value).toBe('Jane Doe Design Studio');
  });

  it('gives proof of execution no amount from a count', () => {
    const ex = extract(layoutPage(['Webinar attendance report', 'Event: Cloud Migration Webinar, 12 March 2026', 'Registrants: 220', 'Attendees: 134']));
    expect(ex.kind).toBe('poe');
    expect(ex.fields.amount).toBeNull();
  });
});

describe('speed', () => {
  it('extracts a 50-page invoice of line items in well under the time OCR takes', () => {
    const pages = Array.from({ length: 50 }, (_, p) => [
      'Acme Supplies Ltd',
      `Invoice No: INV-${p}`,
      'Invoice Date: 2026-01-11',
      ...Array.from({ length: 40 }, (_, i) => `Item ${i} description text | ${i + 1} | ${(i * 3.17).toFixed(2)} | ${(i * 7.31).toFixed(2)}`),
      ...(p === 49 ? ['Subtotal | 10,000.00', 'Tax | 1,000.00', 'Total | 11,000.00'] : []),
    ]);
    const t0 = performance.now();
    const ex = extract(layoutDocument(pages));
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(ex.fields.amount!.value).toBe(1100000);
    expect(ex.fields.amount!.page).toBe(50);
  });
});
