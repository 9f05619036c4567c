// What kind of evidence a document is: a vendor invoice or receipt, a CSR (the partner's own
// certification of in-house work), POE (agendas, attendee lists, campaign reports, photos),
// or something else. Weighted keywords over the text, plus how much money it shows.
import type { DocKind } from '../types.ts';
import type { DocContext } from './context.ts';

const RULES: Record<Exclude<DocKind, 'other'>, [RegExp, number][]> = {
  invoice: [
    [/\b(tax |commercial |retail |proforma )?invoices?\b|\bfacture\b|\bfactuur\b|\brechnung\b|\bfactura\b|\bfattura\b|\bfatura\b|\bnota fiscal\b/, 4],
    [/\btax invoice\b|\binvoice (no|number|date|#)\b|\brechnungs(nummer|datum|nr)\b|\bfactuur(nummer|datum)\b|\bnumero de facture\b/, 3],
    [/\breceipt\b|\bcash sales?\b|\bcash bill\b|\bquittung\b|\bbon\b|\bkassenbon\b|\bkwitansi\b|\bresit\b/, 3],
    [/\bbill\b|\bbilling\b/, 1],
    [/\b(amount|balance|total) due\b|\bamount payable\b|\bnet payable\b|\bte betalen\b|\bmontant ttc\b|\btotal ttc\b/, 2.5],
    [/\b(grand |sub ?)?total\b|\btotaal\b|\bgesamt(betrag)?\b/, 1.5],
    [/\b(vat|gst|tax|tva|btw|mwst|iva)\b/, 1],
    [/\b(qty|quantity|unit price|cashier|change|tendered|rounding)\b/, 1],
    [/\b(sold by|bill to|ship to|payment terms|due date)\b/, 1.5],
  ],
  csr: [
    [/\bcertification statement\b|\bstatement and report\b/, 7],
    [/\bcsr\b/, 3],
    [/\bin-? ?house\b/, 3],
    [/\b(hereby )?certif(y|ies|ied|ication)\b/, 2.5],
    [/\bhours?\b|\bhrs\b/, 1.5],
    [/\b(hourly )?rate\b/, 1],
    [/\b(partner|activity|programme|program)\b/, 0.5],
    [/\bsignature\b|\bsigned\b|\bauthori[sz]ed\b/, 0.5],
  ],
  poe: [
    [/\bproof of (execution|performance)\b|\bpoe\b/, 5],
    [/\bagenda\b/, 3],
    [/\battendees?\b|\battendance\b|\bparticipants?\b|\bregistrants?\b/, 3],
    [/\bsign-? ?in( sheet)?\b/, 3],
    [/\bcampaign (report|results|summary)\b/, 4],
    [/\bimpressions\b|\bclicks\b|\bctr\b|\breach\b|\bengagement\b|\bopen rate\b|\bclick-through\b/, 2.5],
    [/\bscreenshot\b|\bscreen shot\b/, 3],
    [/\bevent\b|\bwebinar\b|\bworkshop\b|\bseminar\b|\bconference\b|\bbooth\b|\bexhibition\b/, 1.5],
    [/\bphoto(graph)?s?\b|\bpicture\b/, 2],
    [/\bspeakers?\b|\bsession\b|\bkeynote\b|\bbreak\b|\blunch\b|\bwelcome\b/, 1],
  ],
};

export function classify(ctx: DocContext): { kind: DocKind; confidence: number; scores: Record<DocKind, number> } {
  const text = ctx.norm;
  const scores: Record<DocKind, number> = { invoice: 0, csr: 0, poe: 0, other: 1.5 };
  for (const kind of Object.keys(RULES) as Exclude<DocKind, 'other'>[]) {
    for (const [re, w] of RULES[kind]) {
      const n = (text.match(new RegExp(re.source, 'g')) ?? []).length;
      if (n > 0) scores[kind] += w * (1 + Math.min(0.5, 0.15 * (n - 1)));
    }
  }
  const amounts = ctx.money.filter((m) => m.fractionDigits === 2 || m.code).length;
  // Evidence of execution shows little money; invoices and CSRs are about money.
  if (amounts <= 1) {
    if (scores.poe > 0) scores.poe += 2;
    scores.invoice -= 2;
    scores.csr -= 1;
  } else if (amounts >= 3) {
    scores.invoice += 1;
    scores.poe -= 1;
  }
  // Titles weigh more: the first rows name the document.
  const head = ctx.view.rows.slice(0, 6).map((r) => r.norm).join(' ');
  if (/\bcertification statement\b|\bcsr\b/.test(head)) scores.csr += 3;
  if (/\b(invoice|receipt|facture|factuur|rechnung|factura|bill)\b/.test(head)) scores.invoice += 1.5;
  if (/\b(agenda|attendees?|sign-? ?in|campaign|report|event)\b/.test(head) && !/\binvoice\b/.test(head)) scores.poe += 1.5;
  if (ctx.view.rows.length === 0) return { kind: 'other', confidence: 0.5, scores };
  const ranked = (Object.entries(scores) as [DocKind, number][]).sort((a, b) => b[1] - a[1]);
  const [best, second] = [ranked[0]!, ranked[1]!];
  const margin = best[1] - second[1];
  const confidence = Math.round(Math.min(0.98, 0.4 + 0.55 * (1 - Math.exp(-margin / 3))) * 100) / 100;
  return { kind: best[0], confidence, scores };
}
