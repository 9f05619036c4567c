// Writes examples/claims.csv and examples/evidence/<claim_id>/…: a small programme's worth of
// claims whose evidence, between them, raises most flag codes. Run: npx tsx examples/generate.ts
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MARGIN,
  makeCorruptPdf,
  makeTextPdf,
  renderTextImage,
  type FixtureLine,
} from '../test/fixtures/make.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RIGHT = 595.28 - MARGIN;

export interface InvoiceSpec {
  vendor: string;
  address: string[];
  billTo: string[];
  number: string;
  date: string;
  due?: string;
  po?: string;
  currencySymbol: string;
  currency: string;
  items: Array<[string, string]>;
  subtotal: string;
  tax: string;
  total: string;
}

export function invoiceLines(s: InvoiceSpec): FixtureLine[] {
  const lines: FixtureLine[] = [
    { text: s.vendor, size: 18, bold: true, y: 70 },
    ...s.address.map((a, i) => ({ text: a, y: 92 + i * 15 })),
    { text: 'INVOICE', size: 16, bold: true, align: 'right' as const, x: RIGHT, y: 70 },
    { text: `Invoice No: ${s.number}`, align: 'right' as const, x: RIGHT, y: 92 },
    { text: `Invoice Date: ${s.date}`, align: 'right' as const, x: RIGHT, y: 107 },
  ];
  if (s.due) lines.push({ text: `Due Date: ${s.due}`, align: 'right', x: RIGHT, y: 122 });
  if (s.po) lines.push({ text: `PO Number: ${s.po}`, align: 'right', x: RIGHT, y: 137 });
  lines.push({ text: 'Bill To:', bold: true, y: 180 });
  s.billTo.forEach((b, i) => lines.push({ text: b, y: 196 + i * 15 }));
  let y = 270;
  lines.push({ text: 'Description', bold: true, y }, { text: `Amount (${s.currency})`, bold: true, align: 'right', x: RIGHT, y });
  for (const [desc, amount] of s.items) {
    y += 20;
    lines.push({ text: desc, y }, { text: amount, align: 'right', x: RIGHT, y });
  }
  y += 34;
  lines.push({ text: 'Subtotal', x: 330, y }, { text: `${s.currencySymbol}${s.subtotal}`, align: 'right', x: RIGHT, y });
  y += 18;
  lines.push({ text: 'VAT', x: 330, y }, { text: `${s.currencySymbol}${s.tax}`, align: 'right', x: RIGHT, y });
  y += 22;
  lines.push({ text: 'Total Due', bold: true, size: 13, x: 330, y }, { text: `${s.currencySymbol}${s.total}`, bold: true, size: 13, align: 'right', x: RIGHT, y });
  lines.push({ text: 'Thank you for your business. Payment within 30 days.', y: y + 60 });
  return lines;
}

export interface CsrSpec {
  partner: string;
  program: string;
  activity: string;
  period: string;
  date: string;
  currency: string;
  rows: Array<[string, string, string, string]>;
  total: string;
}

export function csrLines(s: CsrSpec): FixtureLine[] {
  const lines: FixtureLine[] = [
    { text: 'Certification Statement and Report', size: 16, bold: true, y: 70 },
    { text: `Partner: ${s.partner}`, y: 100 },
    { text: `Program: ${s.program}`, y: 115 },
    { text: `Activity: ${s.activity}`, y: 130 },
    { text: `Activity period: ${s.period}`, y: 145 },
    { text: `Date: ${s.date}`, y: 160 },
    { text: `Currency: ${s.currency}`, y: 175 },
    { text: 'Description', bold: true, y: 220 },
    { text: 'Hours', bold: true, x: 300, y: 220 },
    { text: 'Rate', bold: true, x: 380, y: 220 },
    { text: 'Amount', bold: true, align: 'right', x: RIGHT, y: 220 },
  ];
  let y = 220;
  for (const [desc, hours, rate, amount] of s.rows) {
    y += 20;
    lines.push({ text: desc, y }, { text: hours, x: 300, y }, { text: rate, x: 380, y }, { text: amount, align: 'right', x: RIGHT, y });
  }
  y += 30;
  lines.push({ text: 'Total', bold: true, x: 300, y }, { text: s.total, bold: true, align: 'right', x: RIGHT, y });
  lines.push(
    { text: 'I certify that the in-house work above was performed for the activity named and that', y: y + 50 },
    { text: 'the hours and rates are true and correct.', y: y + 65 },
    { text: `Signed: ${s.partner}, Marketing Manager`, y: y + 95 },
  );
  return lines;
}

export function agendaLines(title: string, date: string, brand: string): FixtureLine[] {
  return [
    { text: title, size: 20, bold: true },
    `Event agenda - ${date}`,
    brand,
    '',
    '09:00 Registration and coffee',
    '09:30 Keynote: the year ahead',
    '10:30 Product demonstrations',
    '12:00 Lunch and networking',
    '13:30 Partner panel',
    '15:00 Close',
    '',
    'Attendees registered: 84',
  ];
}

const CLAIMS_CSV = `claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description
CL-1001,Northwind Partners,MDF 2026,Q1 webinar series,2026-01-01,2026-03-31,E1,third_party,Acme Events Inc.,1250.00,EUR,2026-02-10,Webinar platform and production
CL-1001,Northwind Partners,MDF 2026,Q1 webinar series,2026-01-01,2026-03-31,E2,in_house,Northwind Partners,800.00,EUR,2026-03-15,Campaign design (in-house)
CL-1002,Contoso GmbH,MDF 2026,Trade fair booth,2026-02-01,2026-04-30,E1,third_party,Fabrikam Print GmbH,2400.00,EUR,2026-03-02,Booth graphics
CL-1002,Contoso GmbH,MDF 2026,Trade fair booth,2026-02-01,2026-04-30,E2,third_party,Litware Media SARL,990.00,EUR,2026-04-20,Trade press advert
CL-1002,Contoso GmbH,MDF 2026,Trade fair booth,2026-02-01,2026-04-30,E3,in_house,Contoso GmbH,1500.00,EUR,2026-04-25,Booth staffing (in-house)
CL-1003,Tailspin Toys Ltd,Co-op 2026,Spring radio campaign,2026-03-01,2026-03-31,E1,third_party,Adatum Ads LLC,500.00,USD,2026-03-12,Radio spots
CL-1003,Tailspin Toys Ltd,Co-op 2026,Spring radio campaign,2026-03-01,2026-03-31,E2,third_party,Wingtip Radio,300.00,GBP,2026-03-20,Jingle production
CL-1003,Tailspin Toys Ltd,Co-op 2026,Spring radio campaign,2026-03-01,2026-03-31,E3,third_party,Wingtip Radio,300.00,GBP,2026-03-20,Jingle production (claimed twice)
CL-1004,Alpine Ski House,Co-op 2026,Winter email campaign,2026-01-01,2026-02-15,E1,third_party,Proseware Mailers,420.00,USD,2026-01-20,Email sends
CL-1004,Alpine Ski House,Co-op 2026,Winter email campaign,2026-01-01,2026-02-15,E2,third_party,Trey Research,150.00,USD,2026-02-01,List cleaning
CL-1004,Alpine Ski House,Co-op 2026,Winter email campaign,2026-01-01,2026-02-15,E3,in_house,Alpine Ski House,600.00,USD,2026-02-10,Copywriting (in-house)
`;

async function main(): Promise<void> {
  const evidence = path.join(here, 'evidence');
  await rm(evidence, { recursive: true, force: true });
  const put = async (claim: string, name: string, bytes: Uint8Array) => {
    await mkdir(path.join(evidence, claim), { recursive: true });
    await writeFile(path.join(evidence, claim, name), bytes);
  };
  await writeFile(path.join(here, 'claims.csv'), CLAIMS_CSV);

  // CL-1001: everything in order, a digital invoice, a CSR that adds up, a scanned agenda.
  const acme = await makeTextPdf([
    invoiceLines({
      vendor: 'Acme Events Inc.',
      address: ['200 Harbour Road', 'Dublin 2, Ireland', 'VAT IE6388047V'],
      billTo: ['Northwind Partners', '14 Quay Street, Galway'],
      number: 'AE-2026-0142',
      date: '10/02/2026',
      due: '12/03/2026',
      po: 'PO-77812',
      currencySymbol: '€',
      currency: 'EUR',
      items: [['Webinar platform, 3 months', '780.00'], ['Production and moderation', '236.26']],
      subtotal: '1,016.26',
      tax: '233.74',
      total: '1,250.00',
    }),
  ]);
  await put('CL-1001', 'acme-invoice.pdf', acme);
  await put('CL-1001', 'csr-design.pdf', await makeTextPdf([
    csrLines({
      partner: 'Northwind Partners', program: 'MDF 2026', activity: 'Q1 webinar series', period: '2026-01-01 to 2026-03-31',
      date: '2026-03-15', currency: 'EUR',
      rows: [['Campaign design', '6', '80.00', '480.00'], ['Landing page build', '4', '80.00', '320.00']],
      total: '800.00',
    }),
  ]));
  await put('CL-1001', 'poe-agenda.png', await renderTextImage(agendaLines('Northwind Cloud Webinar Day', '2026-02-18', 'Powered by the MDF 2026 programme'), { dpi: 150, format: 'png' }));

  // CL-1002: a photographed invoice whose total is off, an invoice dated after the period,
  // a CSR whose lines do not add up, no proof of execution, and a broken upload.
  await put('CL-1002', 'fabrikam-invoice.jpg', await renderTextImage(
    invoiceLines({
      vendor: 'Fabrikam Print GmbH',
      address: ['Industriestrasse 12', '70565 Stuttgart, Germany'],
      billTo: ['Contoso GmbH', 'Messeallee 1, 80807 Munich'],
      number: 'FP-55102',
      date: '02.03.2026',
      currencySymbol: '',
      currency: 'EUR',
      items: [['Booth graphics, 6 panels', '1.680,67'], ['Installation', '378,15']],
      subtotal: '2.058,82 EUR',
      tax: '391,18 EUR',
      total: '2.450,00 EUR',
    }),
    { dpi: 200, format: 'jpeg', quality: 70, skew: 0.6, seed: 3 },
  ));
  await put('CL-1002', 'litware-invoice.pdf', await makeTextPdf([
    invoiceLines({
      vendor: 'Litware Media SARL',
      address: ['8 rue de la Paix', '75002 Paris, France'],
      billTo: ['Contoso GmbH', 'Messeallee 1, 80807 Munich'],
      number: 'LM-2026-311',
      date: '20 mai 2026',
      currencySymbol: '€',
      currency: 'EUR',
      items: [['Half-page advert, trade press', '825.00']],
      subtotal: '825.00',
      tax: '165.00',
      total: '990.00',
    }),
  ]));
  await put('CL-1002', 'csr-staffing.pdf', await makeTextPdf([
    csrLines({
      partner: 'Contoso GmbH', program: 'MDF 2026', activity: 'Trade fair booth', period: '2026-02-01 to 2026-04-30',
      date: '2026-04-25', currency: 'EUR',
      rows: [['Booth staff, day 1', '12', '50.00', '600.00'], ['Booth staff, day 2', '12', '50.00', '600.00']],
      total: '1,500.00',
    }),
  ]));
  await put('CL-1002', 'booth-photo.pdf', await makeCorruptPdf('truncated'));

  // CL-1003: an invoice from another vendor than claimed, one invoice uploaded twice to back two
  // expenses, two currencies in one claim, an invoice nobody claimed, deadline in 5 days.
  await put('CL-1003', 'adatum-invoice.pdf', await makeTextPdf([
    invoiceLines({
      vendor: 'Blue Yonder Airlines',
      address: ['1 Airport Way', 'Seattle, WA 98101, USA'],
      billTo: ['Tailspin Toys Ltd', '5 Kings Road, London'],
      number: 'BY-88120',
      date: 'March 12, 2026',
      po: 'TT-4410',
      currencySymbol: '$',
      currency: 'USD',
      items: [['Radio spots, 20 x 30s', '500.00']],
      subtotal: '500.00',
      tax: '0.00',
      total: '500.00',
    }),
  ]));
  const wingtip = await makeTextPdf([
    invoiceLines({
      vendor: 'Wingtip Radio Ltd',
      address: ['22 Broadcast Lane', 'Manchester M1 2AB, United Kingdom'],
      billTo: ['Tailspin Toys Ltd', '5 Kings Road, London'],
      number: 'WR-1207',
      date: '20 March 2026',
      currencySymbol: '£',
      currency: 'GBP',
      items: [['Jingle production', '250.00']],
      subtotal: '250.00',
      tax: '50.00',
      total: '300.00',
    }),
  ]);
  await put('CL-1003', 'wingtip-invoice.pdf', wingtip);
  await put('CL-1003', 'wingtip-invoice (1).pdf', wingtip);
  await put('CL-1003', 'coho-invoice.pdf', await makeTextPdf([
    invoiceLines({
      vendor: 'Coho Winery',
      address: ['4 Vineyard Road', 'Napa, CA 94558, USA'],
      billTo: ['Tailspin Toys Ltd', '5 Kings Road, London'],
      number: 'CW-0093',
      date: 'March 27, 2026',
      currencySymbol: '$',
      currency: 'USD',
      items: [['Wine for the launch party', '75.00']],
      subtotal: '75.00',
      tax: '0.00',
      total: '75.00',
    }),
  ]));
  await put('CL-1003', 'poe-airplay-log.png', await renderTextImage([
    { text: 'Airplay log - Spring campaign', size: 18, bold: true },
    'Station: Wingtip Radio 101.4 FM',
    '2026-03-14 07:45 Tailspin Toys spot 30s',
    '2026-03-15 08:15 Tailspin Toys spot 30s',
    '2026-03-16 17:30 Tailspin Toys spot 30s',
    'Campaign report: 20 spots aired, est. 310,000 listeners',
  ], { dpi: 150, format: 'png' }));

  // CL-1004: past its deadline; an invoice in the wrong currency, nothing for the rest.
  await put('CL-1004', 'proseware-invoice.pdf', await makeTextPdf([
    invoiceLines({
      vendor: 'Proseware Mailers',
      address: ['Herengracht 100', '1015 BS Amsterdam, Netherlands'],
      billTo: ['Alpine Ski House', 'Bahnhofstrasse 3, Zermatt'],
      number: '2026-0117',
      date: '20-01-2026',
      currencySymbol: '€ ',
      currency: 'EUR',
      items: [['Email sends, 120,000', '347.11']],
      subtotal: '347.11',
      tax: '72.89',
      total: '420.00',
    }),
  ]));

  process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(here, 'claims.csv'))} and ${path.relative(process.cwd(), evidence)}/\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await main();
}
