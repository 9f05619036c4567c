// The claim and invoices the fault tests upload: one third-party expense, and text-layer invoices
// that match it (so a document's reading never waits on OCR).
import { makeTextPdf } from '../fixtures/make.ts';

export const faultClaimCsv = (claimId: string) =>
  [
    'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description',
    `${claimId},Partner A,Co-op 2026,Fair,2026-03-01,2026-03-31,E1,third_party,Acme Events Ltd,1250.00,EUR,2026-03-10,`,
  ].join('\n');

export const faultInvoice = (n: number) =>
  makeTextPdf([[{ text: 'Acme Events Ltd', size: 18 }, { text: `Invoice number: AE-${n}` }, { text: 'Invoice date: 2026-03-12' }, { text: `Total due: EUR 1,2${n}0.00` }]]);
