// The invoice number: the value next to (or under) an "Invoice No" style label, never the
// order, PO, customer or account number, a VAT id or a phone number.
import type { Field } from '../types.ts';
import { overlaps, type DocContext } from './context.ts';
import { matchAll, rowsBelow, spanBox, spanConfidence, squash, type Row, type Span } from './text.ts';

// "n°" as OCR reads it too: "n2", "n9" before a colon or a space, "ne" before a colon.
const N_DEGREE = `n(?:[°º]|[29](?=[:\\s]|$)|e(?=:))`;
const NUM_WORD = `(?:no\\.?|nr\\.?|${N_DEGREE}\\.?|n[ o]\\.?|num\\.?|number|numero|nummer|#|id|ref\\.?)`;

/** Label patterns (normalised text) with weights. */
const LABELS: [RegExp, number][] = [
  [new RegExp(`\\b(tax |commercial |proforma |pro forma )?invoice ?${NUM_WORD}`), 6],
  [new RegExp(`\\binv\\.? ?${NUM_WORD}`), 5.5],
  [new RegExp(`\\b(bill|receipt|cash bill|credit note|debit note|document|doc|voucher|folio) ?${NUM_WORD}`), 5],
  [/\brechnungs? ?-?(nr\.?|nummer|no\.?)|\brechnung nr\.?|\bbeleg ?(nr\.?|nummer)/, 6],
  [new RegExp(`\\b(numero|${N_DEGREE}|no) (de )?(la )?facture\\b|\\bfacture ?(${N_DEGREE}|n\\b|no|num|numero)\\.?`), 6],
  [/\bfactuur ?(nummer|nr\.?|no\.?)|\bfactuurnr\.?/, 6],
  [new RegExp(`\\b(numero|${N_DEGREE}|no\\.?) (de )?factura\\b|\\bfactura ?(${N_DEGREE}|n\\b|no|num|numero)\\.?|\\bfattura ?(${N_DEGREE}|n\\b|no|num|numero)\\.?|\\bnumero (della )?fattura\\b|\\bnota fiscal\\b`), 6],
  [/\b(invoice|facture|factuur|rechnung|factura|fattura|fatura|tax invoice)\b/, 3.5],
  [new RegExp(`\\b(booking|transaction|trans|txn|trx|slip|sales|order ref|confirmation|reservation|ticket|check|chk) ?${NUM_WORD}`), 2.5],
  [/(^|\s)(#|no\.?)(?=\s|$)/, 1.5],
];

/** Words that make a nearby value something other than the invoice number. */
const NOT_INVOICE =
  /\b(p\.?o\.?|purchase order|order|orders|ord|bestell|commande|pedido|ordine|customer|cust|client|klant|kunden?|debitor|account|acct|a\/c|vat|tin|gst|gstin|tax|service|ust|btw|tva|tel|phone|telephone|mobile|fax|iban|bic|swift|sort code|contract|dossier|member|card|auth|approval|terminal|table|cashier|pos|counter|reg|company|co|roc|siret|siren|kvk|hrb|cin|pan|abn|ein|ssn|serial|imei|hsn|sac|sku|item|article|artikel|batch|lot|tracking|awb|page|seite|pagina)\b/;

interface Candidate {
  value: string;
  raw: string;
  span: Span;
  score: number;
  label: string;
}

function cleanValue(text: string): string {
  return text.replace(/^[#:.\-\s]+/, '').replace(/^n(?:[°º]|[29e](?=:))\.?:?/i, '').replace(/[.,;:)\]]+$/, '');
}

function valueShape(v: string): number {
  if (!/\d/.test(v)) return -Infinity;
  if (v.length < 3 || v.length > 40) return -Infinity;
  // Amounts, percentages and dates are not numbers of a document.
  if (/^\d{1,3}([.,]\d{3})*[.,]\d{2}$/.test(v) || /%$/.test(v)) return -Infinity;
  if (/^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/.test(v)) return -Infinity;
  if (/^\+?\d[\d\s-]{8,}$/.test(v) && /[\s-]/.test(v)) return -3;
  let s = 0;
  const digits = (v.match(/\d/g) ?? []).length;
  if (digits >= 4) s += 1;
  if (v.length >= 5 && v.length <= 24) s += 0.5;
  if (/[a-z]/i.test(v) && /\d/.test(v)) s += 0.3;
  return s;
}

function isValueToken(ctx: DocContext, row: Row, i: number): boolean {
  const t = row.tokens[i]!.text;
  if (ctx.datesOn(row).some((d) => i >= d.span.start && i < d.span.end)) return false;
  if (ctx.moneyOn(row).some((m) => i >= m.span.start && i < m.span.end && m.fractionDigits > 0)) return false;
  return valueShape(cleanValue(t)) > -Infinity;
}

export function pickInvoiceNumber(ctx: DocContext): Field<string> | null {
  const cands: Candidate[] = [];
  for (const row of ctx.view.rows) {
    for (const [re, weight] of LABELS) {
      for (const { m, span } of matchAll(row, re)) {
        const labelText = m[0];
        // Where the label's last token has the value glued on ("n°562044387"), read it there.
        const lastTok = row.tokens[span.end - 1]!;
        const labelEndInTok = m.index + labelText.length - row.normStarts[span.end - 1]!;
        const glued = lastTok.norm.length > labelEndInTok ? lastTok.text.slice(labelEndInTok) : '';
        const seg = row.segments.find((sg) => sg.includes(row.tokens[span.start]!));
        const before = row.tokens
          .slice(0, span.start)
          .filter((t) => seg?.includes(t))
          .slice(-3)
          .map((t) => t.norm)
          .join(' ');
        const after = row.norm.slice(m.index + labelText.length, m.index + labelText.length + 25);
        // "Order invoice no" / "Customer no" are other numbers; a label directly following a
        // value ("12 #") is not a label.
        if ((weight < 4 && NOT_INVOICE.test(labelText)) || NOT_INVOICE.test(before)) continue;
        // A bare "#" or "No." labels a value only at the start of its cell ("# 1042"), not inside
        // an address ("Warehouse Address: NO. 42/1").
        if (weight < 2 && before.trim() !== '') continue;
        const tryValue = (valSpan: Span, text: string, penalty: number, how: string) => {
          const v = cleanValue(text);
          const shape = valueShape(v);
          if (shape === -Infinity) return;
          let score = weight + shape - penalty;
          score += 0.5 * (1 - row.pageIndex / Math.max(1, row.pageRows)) - 0.5 * (row.page - 1);
          cands.push({ value: v, raw: text, span: valSpan, score, label: `${labelText.trim()} (${how})` });
        };
        if (glued && /\d/.test(glued)) {
          tryValue({ row, start: span.end - 1, end: span.end }, glued, 0, 'same word');
          continue;
        }
        if (/^\s*(date|datum|total|amount|summary|address|to|from|period)\b/.test(after)) continue;
        // Same row: the next value-like token after the label (skipping ':' '#' 'n°').
        let found = false;
        for (let i = span.end; i < row.tokens.length && i <= span.end + 2; i++) {
          const t = row.tokens[i]!;
          if (/^[:#.\-n°º]+$/i.test(t.text) || /^(no|nr|n°)\.?:?$/i.test(t.text)) continue;
          if (isValueToken(ctx, row, i)) {
            const gap = (t.box.x - (row.tokens[i - 1]!.box.x + row.tokens[i - 1]!.box.w)) * row.aspect;
            tryValue({ row, start: i, end: i + 1 }, t.text, gap > 8 * row.height ? 1 : 0, 'same line');
            found = true;
          }
          break;
        }
        if (found) continue;
        // Below: a header cell over its value.
        const lb = spanBox(span)!;
        for (const below of rowsBelow(ctx.view, row, lb.x - 0.02, lb.x + lb.w + 0.02, 1)) {
          const idx = below.tokens.findIndex((t) => t.box.x < lb.x + lb.w + 0.02 && t.box.x + t.box.w > lb.x - 0.02);
          if (idx < 0 || !isValueToken(ctx, below, idx)) continue;
          // A value with its own label on its row ("Order ID: OD30…") belongs to that label.
          const tok = below.tokens[idx]!;
          const seg = below.segments.find((sg) => sg.includes(tok)) ?? [];
          if (seg.slice(0, seg.indexOf(tok)).some((t) => /\p{L}{2}/u.test(t.text))) continue;
          tryValue({ row: below, start: idx, end: idx + 1 }, tok.text, 0.8, 'below');
        }
      }
    }
  }
  if (cands.length === 0) return null;
  // A value also printed under a PO/order/customer label elsewhere is not the invoice number.
  const wanted = new Set(cands.map((c) => c.value));
  const seen = new Map<string, { row: Row; i: number }[]>();
  for (const row of ctx.view.rows) {
    row.tokens.forEach((t, i) => {
      const v = cleanValue(t.text);
      if (wanted.has(v)) seen.set(v, [...(seen.get(v) ?? []), { row, i }]);
    });
  }
  for (const c of cands) {
    for (const { row, i } of seen.get(c.value) ?? []) {
      if (row === c.span.row && overlaps({ row, start: i, end: i + 1 }, c.span)) continue;
      const left = row.tokens
        .slice(Math.max(0, i - 3), i)
        .map((t) => t.norm)
        .join(' ');
      if (NOT_INVOICE.test(left)) {
        c.score -= 3;
        break;
      }
    }
  }
  cands.sort((a, b) => b.score - a.score);
  const best = cands[0]!;
  const runner = cands.find((c) => c.value !== best.value);
  const margin = runner ? best.score - runner.score : 3;
  let confidence = (0.3 + 0.65 * squash(best.score, 4, 1.2)) * (0.7 + 0.3 * squash(margin, 0.5, 1));
  confidence *= Math.min(1, 0.25 + spanConfidence(best.span));
  const note = `after "${best.label}"` + (runner && margin < 1.5 ? `; also possible: ${runner.value} (${runner.label})` : '');
  return {
    value: best.value,
    confidence: Math.round(Math.min(0.99, confidence) * 100) / 100,
    page: best.span.row.page,
    box: spanBox(best.span),
    raw: best.raw,
    note,
  };
}
