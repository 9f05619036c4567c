// The claims and evidence the browser tests use: dates relative to today so deadlines are real,
// text-layer PDFs (no OCR) built with the example generators.
import { zipSync } from 'fflate';
import { agendaLines, csrLines, invoiceLines } from '../../examples/generate.ts';
import { addDays } from '../../pipeline/dates.ts';
import { makeTextPdf } from '../fixtures/make.ts';

export function isoToday(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface E2eData {
  csv: string;
  /** The invoice for NW-1 E1 prints 1,205.00 while 1,250.00 is claimed. */
  invoice: Uint8Array;
  csr: Uint8Array;
  /** A ZIP holding the agenda (proof of execution) and the invoice again (a duplicate). */
  zip: Uint8Array;
  attendees: Uint8Array;
}

export async function e2eData(): Promise<E2eData> {
  const today = isoToday();
  const start = addDays(today, -40);
  const end = addDays(today, 5);
  const e1 = addDays(today, -20);
  const e2 = addDays(today, -10);
  const rows = [
    'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description',
    `NW-1,Northwind Partners,MDF 2026,Partner webinar,${start},${end},E1,third_party,Acme Events Inc.,1250.00,EUR,${e1},Webinar platform`,
    `NW-1,Northwind Partners,MDF 2026,Partner webinar,${start},${end},E2,in_house,Northwind Partners,800.00,EUR,${e2},Campaign design`,
    `NW-2,Northwind Partners,MDF 2026,Spring mailing,${addDays(today, -70)},${addDays(today, -40)},E1,third_party,Proseware Mailers,420.00,EUR,${addDays(today, -50)},Email sends`,
    `CT-1,Contoso GmbH,Co-op 2026,Trade fair booth,${start},${end},E1,third_party,Fabrikam Print GmbH,2400.00,EUR,${e1},Booth graphics`,
  ];
  const invoice = await makeTextPdf([
    invoiceLines({
      vendor: 'Acme Events Inc.',
      address: ['12 Harbour Road', 'Dublin'],
      billTo: ['Northwind Partners', '1 Channel Way'],
      number: 'AE-2026-0142',
      date: e1,
      currencySymbol: '€ ',
      currency: 'EUR',
      items: [['Webinar platform and production', '1,004.02']],
      subtotal: '1,004.02',
      tax: '200.98',
      total: '1,205.00',
    }),
  ]);
  const csr = await makeTextPdf([
    csrLines({
      partner: 'Northwind Partners',
      program: 'MDF 2026',
      activity: 'Partner webinar',
      period: `${start} to ${end}`,
      date: e2,
      currency: 'EUR',
      rows: [['Campaign design', '10', '80.00', '800.00']],
      total: '800.00',
    }),
  ]);
  const agenda = await makeTextPdf([agendaLines('Northwind Partner Webinar', e1, 'MDF 2026 programme')]);
  const attendees = await makeTextPdf([
    [
      { text: 'Attendee list', size: 18, bold: true },
      `Northwind Partner Webinar - ${e1}`,
      'Attendees registered: 84',
      'Attendees present: 61',
      'Jane Doe, Contoso',
      'John Roe, Fabrikam',
    ],
  ]);
  const zip = zipSync({ 'evidence/agenda.pdf': agenda, 'evidence/acme-invoice-copy.pdf': invoice });
  return { csv: rows.join('\n') + '\n', invoice, csr, zip, attendees };
}
