// The document's total: every amount is a candidate, ranked by the words that label it
// (total, amount due, Totaal, Montant TTC … against subtotal, tax, change, cash …), its place
// on the page, and whether the other amounts add up to it (subtotal + tax, cash − change).
import { currencyExponent, minorToDecimalText } from '../money.ts';
import { labelsFor, weigh, type DocContext, type Label } from './context.ts';
import { markerToCode } from './currency.ts';
import type { MoneyMention } from './money-scan.ts';
import { decimalToMinorLoose, parseNumber } from './number.ts';
import { squash, type Row } from './text.ts';

/**
 * "Incl. GST", "inclusive of 6% VAT", "GST incl", with OCR's misreads of both words ("Irclusive
 * 6ST", "Inc1 G5T"): the tax named is inside the amount, so the line is not a tax line.
 */
const INCLUDES_TAX = /\b(incl?|inci|inc1|incl\w*|includ\w*|i[nr]c[l1i]us\w*)\.?( of)?\s*(\d+ ?% ?)?(gst|[g6b][s5][t7]|vat|tax|taxes|btw|mwst|tva|iva|sst)|\b(gst|vat|tax) incl/;

// Labels that name the total. Weights are log-odds-like: 6 is "this is the total", 3 "likely".
const TOTAL_POSITIVE: [RegExp, number][] = [
  [/\b(grand|gross|final|invoice|bill|order) total\b/, 6],
  [/\btotal (amount )?(due\b|payab|to pay\b|to be paid\b|owing\b)/, 6.5],
  [/\b(amount|balance|sum|total) (now )?(due\b|payab|owing\b)/, 6],
  [/\bnet+ (amount )?payab|\bamount to (be )?pa(y|id)\b|\bto (be )?pa(y|id)\b/, 5.5],
  [/\btotal (amount|sales|price|value|invoice|bill|charges?|rm|payment|cost|sum|inc|incl|inci|including|inclusive|after)\b/, 5.5],
  [/\b(montant|total) ttc\b|\bnet a payer\b|\btotal a payer\b|\bmontant a payer\b|\bmontant total\b|\btotal facture\b/, 6],
  [/\bsomme a payer\b/, 5.5],
  [/\b(gesamtbetrag|rechnungsbetrag|endbetrag|gesamtsumme|zahlbetrag|bruttobetrag|rechnungssumme)\b|\bzu zahlen\b|\bgesamt brutto\b/, 6],
  [/\btotaal(bedrag)?\b|\bte betalen\b|\bfactuur ?totaal\b|\beindtotaal\b/, 5.5],
  [/\bimporte total\b|\btotal a pagar\b|\btotale (da pagare|fattura|documento|complessivo)\b|\bvalor total\b|\btotal geral\b/, 6],
  // Swedish, Polish, Czech, Greek and Chinese totals (Greek and Chinese need no ASCII \b).
  [/\b(att betala|summa att betala|totalbelopp|do zap[lł]aty|razem do zap[lł]aty|celkem k uhrade|k uhrade|celkova castka)\b|πληρωτεο|συνολο πληρωμης|价税合计|应付金额|实付金额|应付|实付/, 6],
  [/\b(summa|totalt|razem|suma|celkem)\b|(?<![\p{L}])συνολο(?![\p{L}])|合计|总计|总额|合計/u, 4.5],
  [/\bnet+ total\b|\btotal net+\b(?! ?(ht|excl|before))/, 4.5],
  [/\b(total|amount) (rounded|after rounding)\b|\brounded (total|amount)\b/, 6],
  [/\btotal\b|\btotale\b|\bgesamt\b|\bsumme\b/, 4],
  [/\bamount\b|\bmontant\b|\bbedrag\b|\bbetrag\b|\bimporte\b|\bimporto\b/, 1.5],
  [/\bbalance\b|\bsaldo\b|\bsolde\b/, 1],
  [INCLUDES_TAX, 1.5],
  [/\bttc\b|\binkl\.? (mwst|ust)\b/, 1.5],
  // "TTL", "TOT", and "TTL" glued by OCR to the next word ("TTLAFT RND").
  [/\b(ttl|tl|tot|totl|g\.? ?total)\b|\bttl(?=[a-z])/, 3.5],
];

/**
 * A rounding label, as printed and as OCR misreads it ("Rouriding", "Rcunding", "RND ADJ").
 * Cash receipts round the amount payable to the smallest coin; the rounding line sits between
 * the exact total and the rounded one.
 */
export const ROUNDING = /\bround|\br[o0c][uo]?(n|r|ri|m)d(ing|ed)?\b|\brnd\b|\bafronding\b|\barrondi/;

/** Words that label a payment (the amount handed over, by cash or card), in every language the total rules know. */
const TENDER = /\b(cash|tendered|tunai|payment|(?<!to be |be )paid|betaald|bezahlt|paye|pagado|card|visa|master ?card|master|credit card|debit|eftpos|amex|received|bayar|tender|gegeven)\b/;
/** Words that label the change given back. */
const CHANGE = /\b(change|kembali|baki|wechselgeld|rendu|rendue|cambio|resto|vaxel|reszta|vraceno)\b|找零/u;

/** What was due, from what was paid (printed negative on some receipts) and the change given; null when not positive. */
function paidLess(paid: number, change: number): number | null {
  const due = Math.abs(paid) - change;
  return due > 0 ? due : null;
}

const TAX_RULE: [RegExp, number] = [/\b(tax|taxes|vat|gst|[g6][s5][t7]|sst|tva|btw|mwst|ust|iva|igst|cgst|sgst|utgst|cess|hst|pst|qst|moms|dph|podatek|service tax|service charge|svc chg|s\.?c\.?)\b|(?<![\p{L}])φπα(?![\p{L}])|税额|税金/u, -4.5];
/** A rate printed as a label ("19%", "7,5 %"). */
const TAX_RATE = /(?<![\d.,])\d{1,2}(?:[.,]\d{1,2})? ?%/;
const DISCOUNT = /\b(discount|disc|rabatt|korting|remise|descuento|sconto|savings?|saved|promo|voucher|coupon)\b/;
const TOTAL_NEGATIVE: [RegExp, number][] = [
  // "GST 6% included in total", "Total includes 6% GST": the tax inside the total.
  [/\bincluded in (the )?total\b|\btotal includes?\b/, -6],
  [/\bsub ?-?total|\bsubtotaal\b|\bzwischensumme\b|\bsous-?total\b|\bsubtotale\b|\btotal partiel\b|\bsubt\b|\bdelsumma\b|\bmezisoucet\b|\bzaklad dane\b|\bbez dph\b|\bexkl\.? moms\b|(?<![\p{L}])(μερικο συνολο|καθαρη αξια)(?![\p{L}])|小计|不含税/u, -7],
  [/\bexcl(\.|usive|uding)?\b|\bexclusief\b|\bex\.? ?(gst|vat|tax|btw)\b|\bbefore tax\b|\bpre-?tax\b|\bzonder btw\b|\bhors tax|\b(montant|total|prix) ht\b|\bht\b|\bnetto\b|\bnettobetrag\b|\bnet amount\b|\bimponible\b|\bgrondslag\b|\btaxable\b/, -5],
  TAX_RULE,
  [DISCOUNT, -5],
  [CHANGE, -7],
  [TENDER, -3],
  [ROUNDING, -5],
  [/\badj(ustment)?\b/, -5],
  [/\b(previous|prior|opening|last|old) (balance|bal)\b|\bbalance (b\/f|brought forward|forward|carried)\b|\barrears\b|\bvorheriger saldo\b/, -7],
  [/\b(qty|quantity|quantite|menge|aantal|items?|pcs|pieces|units?|count|no\.? of|nos)\b/, -6],
  [/\b(deposit|advance|aanbetaling|acompte|anzahlung)\b/, -3],
  [/\b(unit price|price|prix|prijs|preis|rate|each|per|tarif|u\.p\.?|p\.u\.?)\b/, -2],
  [/\bcredits?\b|\brefund\b/, -2.5],
  [/\b(points?|bonus|reward)\b/, -4],
  [/\b(tip|gratuity)\b/, -3],
  [/\bweight|\bkg\b|\bliters?\b|\blitres?\b/, -3],
  [/\d+(?:[.,]\d+)? ?%/, -1.5],
];

const HEADER_POSITIVE: [RegExp, number][] = [
  [/\b(total|totaal|amount|montant|bedrag|betrag|importe|importo|sum)\b/, 1],
  [/\bttc\b|\bincl/, 1],
];
const HEADER_NEGATIVE: [RegExp, number][] = [
  [/\b(tax|vat|tva|btw|mwst|gst|iva)\b|\bht\b|\bexcl|\bnet\b|\bgrondslag\b/, -2.5],
  [/\b(price|rate|unit|prix|prijs|preis|qty|quantity|aantal|menge|disc)\b/, -2],
];

export interface AmountPick {
  mention: MoneyMention;
  score: number;
  minor: number;
  /** The decimal printed, for currency-exponent conversion once the currency is known. */
  decimal: string;
  confidence: number;
  note: string;
  /** Currency named on the total's row or column ("Total EUR", "Montant EUR TTC"). */
  labelCurrency: string | null;
  /** A total-like label speaks for it (not only position or size). */
  labelled: boolean;
}

interface Scored {
  m: MoneyMention;
  score: number;
  labelScore: number;
  why: string[];
  labels: Label[];
}

const centsMemo = new WeakMap<MoneyMention, number>();
function cents(m: MoneyMention): number {
  let v = centsMemo.get(m);
  if (v === undefined) {
    v = decimalToMinorLoose(m.decimal, 2);
    centsMemo.set(m, v);
  }
  return v;
}

/** Values made by combining two amounts (a + b, a − b …), with the pairs that make them. */
function combos(as: Scored[], bs: Scored[], f: (a: number, b: number) => number | null): Map<number, [Scored, Scored][]> {
  const out = new Map<number, [Scored, Scored][]>();
  for (const a of as) {
    for (const b of bs) {
      if (a === b) continue;
      const v = f(cents(a.m), cents(b.m));
      if (v === null) continue;
      out.set(v, [...(out.get(v) ?? []), [a, b]]);
    }
  }
  return out;
}

function madeOf(map: Map<number, [Scored, Scored][]>, v: number, s: Scored): boolean {
  return (map.get(v) ?? []).some(([a, b]) => a !== s && b !== s);
}

function labelScore(labels: Label[]): { score: number; why: string[] } {
  let score = 0;
  const why: string[] = [];
  for (const l of labels) {
    if (l.where === 'header') {
      const p = weigh(l.norm, HEADER_POSITIVE);
      const n = weigh(l.norm, HEADER_NEGATIVE);
      // A tax summary table ("GST Summary | Amount | Tax") lists parts of the total.
      const summary = l.rowNorm && /\b(summary|gst code|tax code|vat code|tax rate|vat rate|btw %|mwst %)\b/.test(l.rowNorm) ? -3 : 0;
      score += p.score + n.score + summary;
      if (p.hits.length || n.hits.length) why.push(`column "${l.norm}"`);
      continue;
    }
    const neg = weigh(l.norm, TOTAL_NEGATIVE);
    // Only the strongest positive counts (labels repeat words: "total amount due"), and a tax
    // word after "incl." is not a tax line.
    const best = Math.max(0, ...TOTAL_POSITIVE.filter(([re]) => re.test(l.norm)).map(([, w]) => w));
    const incl = (INCLUDES_TAX.test(l.norm) || /\binkl/.test(l.norm)) && !/\bincluded in (the )?total\b|\btotal includes?\b/.test(l.norm);
    let negScore = neg.score;
    if (incl) negScore = TOTAL_NEGATIVE.filter((r) => r !== TAX_RULE && r[0].test(l.norm)).reduce((sum, [, w]) => sum + w, 0);
    const factor = l.where === 'left' ? 1 : l.where === 'row' ? 0.85 : 0.6;
    const s = (best + (incl ? 1.5 : 0) + negScore) * factor;
    score += s;
    if (best || negScore) why.push(`"${l.norm}"`);
  }
  return { score, why };
}

function oneDigitApart(a: number, b: number): boolean {
  const x = String(Math.abs(a));
  const y = String(Math.abs(b));
  if (x.length !== y.length || a === b) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) diff++;
  return diff === 1;
}

/**
 * OCR misreads digits of the total itself ("166.00" for 165.00). When the chosen total, read by
 * OCR, is backed by nothing else on the receipt while a value one digit away is backed twice
 * (paid with no change, subtotal with no tax, printed again), that value is the total.
 */
function ocrMisreadTotal(
  best: Scored,
  scored: Scored[],
  kinds: { payments: Scored[]; change: Scored[]; subtotals: Scored[]; taxes: Scored[] },
): Scored | null {
  if (best.m.row.method !== 'ocr') return null;
  // A total that other amounts already explain (rounding, cash − change, subtotal + tax) stays.
  if (best.why.some((w) => /rounding|rounded|cash − change|subtotal \+ tax|before payments/.test(w))) return null;
  const v = cents(best.m);
  const noChange = kinds.change.every((g) => cents(g.m) === 0);
  const noTax = kinds.taxes.every((t) => cents(t.m) === 0);
  const support = (value: number, except: Scored) =>
    scored.filter(
      (o) =>
        o !== except &&
        cents(o.m) === value &&
        o.m.fractionDigits === best.m.fractionDigits &&
        ((noChange && kinds.payments.includes(o)) || (noTax && kinds.subtotals.includes(o)) || o.labelScore >= 3),
    ).length;
  if (support(v, best) > 0) return null;
  const rivals = scored.filter(
    (o) => o !== best && o.m.row.method === 'ocr' && o.m.fractionDigits === best.m.fractionDigits && (o.labelScore >= 0 || kinds.payments.includes(o) || kinds.subtotals.includes(o)) && oneDigitApart(cents(o.m), v) && support(cents(o.m), o) + 1 >= 2,
  );
  if (rivals.length === 0) return null;
  const values = new Set(rivals.map((r) => cents(r.m)));
  if (values.size !== 1) return null;
  return rivals.sort((a, b) => b.score - a.score)[0]!;
}

// "GST Summary | Amount | Tax", "VAT analysis", "Tax code | Amt | Tax": the heading of a table
// that splits the total by tax rate (OCR: "GST SumBary", "6ST Sumary").
const TAX_SUMMARY_HEADING = /\b(gst|vat|tax|sst|[g6][s5][t7])\s?(s[a-z]{3,5}ry|analysis)\b|\btax code\b.*\b(amount|amt)\b|\bsummary\b.*\b(tax|gst|vat)\b/;
const TAX_SUMMARY_ROWS = 4;

/**
 * Rows of a tax summary table: its "Total" row adds up the net amounts and the taxes of each
 * rate, a part of the document's total, not the amount payable.
 */
function taxSummaryRows(ctx: DocContext): Set<Row> {
  const out = new Set<Row>();
  for (const page of ctx.view.pages) {
    page.rows.forEach((r, i) => {
      if (!TAX_SUMMARY_HEADING.test(r.norm)) return;
      for (const next of page.rows.slice(i + 1, i + 1 + TAX_SUMMARY_ROWS)) out.add(next);
    });
  }
  return out;
}

/** Picks the total among the document's amounts; null when there is no amount at all. */
export function pickTotal(ctx: DocContext): AmountPick | null {
  const all = ctx.money.filter((m) => Math.abs(Number(m.decimal)) < 1e9);
  if (all.length === 0) return null;
  const hasDecimals = all.some((m) => m.fractionDigits === 2);
  const lastPage = Math.max(...all.map((m) => m.row.page));
  const inTaxSummary = taxSummaryRows(ctx);
  const scored: Scored[] = [];
  for (const m of all) {
    const labels = labelsFor(ctx, m.span);
    const ls = labelScore(labels);
    let score = ls.score;
    const why = [...ls.why];
    // Integers without a currency marker are more often quantities, codes or counts.
    if (m.fractionDigits === 0 && !m.grouped) score -= hasDecimals ? (m.code ? 2 : 4) : m.code ? 0 : 1.5;
    if (m.fractionDigits !== 0 && m.fractionDigits !== 2 && !m.code) score -= 3;
    if (m.negative) score -= 2;
    if (m.code) score += 0.5;
    if (m.repaired) score -= 0.5;
    if (inTaxSummary.has(m.row) && ls.score < 5) {
      score -= 4;
      why.push('tax summary');
    }
    // Lower on the page and on the last page is where totals are printed.
    const y = m.row.box.y;
    score += 1.2 * y;
    // Totals are often printed larger.
    const tokenH = Math.max(...m.row.tokens.slice(m.span.start, m.span.end).map((t) => t.box.h));
    const big = tokenH / (ctx.view.medianHeight || tokenH) - 1;
    if (big > 0.25 && ls.score > 0) {
      score += Math.min(1.5, 1.5 * big);
      why.push('large type');
    }
    if (m.row.page === lastPage) score += 0.5;
    // The rightmost amount of a row is the row's total (qty | price | tax | total).
    const rowMentions = ctx.moneyOn(m.row);
    if (rowMentions.length > 1 && m === rowMentions[rowMentions.length - 1]) score += 0.5;
    scored.push({ m, score, labelScore: ls.score, why, labels });
  }

  // Consistency: a value that other amounts add up to is a total.
  const valueSet = new Map<number, Scored[]>();
  for (const s of scored) {
    const v = cents(s.m);
    valueSet.set(v, [...(valueSet.get(v) ?? []), s]);
  }
  const isKind = (s: Scored, re: RegExp) => s.labels.some((l) => l.where !== 'header' && re.test(l.norm));
  const subtotals = scored.filter((s) => isKind(s, /sub ?-?total|subtotaal|zwischensumme|sous-?total|excl|\bht\b|netto|grondslag|before tax|imponible|delsumma|bez dph|zaklad|小计|不含税/u));
  // A rate alone labels a tax line too ("MwsSt. 19%", the tax word misread): a discount or a
  // payment at a rate is named as such.
  const taxes = scored.filter(
    (s) => (isKind(s, /\b(tax|vat|gst|sst|tva|btw|mwst|ust|iva|igst|cgst|sgst|moms|dph|service charge)\b|φπα|税额/u) || isKind(s, TAX_RATE)) && !isKind(s, /incl/) && !isKind(s, DISCOUNT),
  );
  const change = scored.filter((s) => isKind(s, CHANGE));
  // "Credit" beside a change line is the card the receipt was paid with, not a credit note.
  const cash = scored.filter((s) => isKind(s, TENDER) || (change.length > 0 && isKind(s, /\bcredit\b/)));
  const sums = combos(subtotals, taxes, (a, t) => (t > 0 ? a + t : null));
  const tendered = combos(cash, change, (c, g) => (g > 0 ? paidLess(c, g) : null));
  // Paid with no change given back ("Cash 8.00 / Change 0.00", or a card and no change line):
  // the payment is the amount due.
  const noChange = change.every((g) => cents(g.m) === 0);
  const paidExactly = new Map(noChange ? cash.map((c) => [Math.abs(cents(c.m)), c] as const) : []);
  for (const s of scored) {
    const v = cents(s.m);
    if (v <= 0) continue;
    if (madeOf(sums, v, s)) {
      s.score += 2;
      s.why.push('subtotal + tax');
    }
    if (madeOf(tendered, v, s)) {
      s.score += 2.5;
      s.why.push('cash − change');
    } else if (s.labelScore >= 3 && !cash.includes(s) && paidExactly.has(v)) {
      s.score += change.length ? 2 : 1.5;
      s.why.push('paid exactly');
    }
  }
  // "Total 4,287.63 / Amount paid 1,000.00 / Balance due 3,287.63": the invoice's total is the
  // whole, the balance what is left of it.
  const payments = scored.filter((s) => isKind(s, /\b(paid|payments?|deposit|credit|advance|received|anzahlung|acompte|betaald)\b/) && !isKind(s, /\bto (be )?pa/));
  const balances = scored.filter((s) => isKind(s, /\b(balance|amount) (due|owing|payable)\b|\bbalance\b|\bremaining\b|\bopenstaand\b|\brestant\b/));
  const wholes = combos(balances, payments, (b, p) => (p !== 0 ? b + Math.abs(p) : null));
  for (const t of scored) {
    if (t.labelScore < 3 || balances.includes(t)) continue;
    if (madeOf(wholes, cents(t.m), t)) {
      t.score += 3;
      t.why.push('total before payments');
    }
  }
  // Rounding: a total printed after a rounding line, a few cents from an earlier total, is the
  // final one; and a "rounding" label on a full amount next to a total is the rounded total.
  const rounding = scored.filter((s) => isKind(s, ROUNDING));
  const totals = scored.filter((s) => s.labelScore >= 3);
  const paidAs = (v: number) => tendered.has(v) || paidExactly.has(v);
  for (const b of [...totals, ...rounding]) {
    const vb = cents(b.m);
    for (const a of totals) {
      if (a === b || a.m.row.index >= b.m.row.index) continue;
      const diff = Math.abs(vb - cents(a.m));
      const roundingBetween = rounding.some((r) => r !== b && r.m.row.index > a.m.row.index && r.m.row.index <= b.m.row.index);
      // An adjustment line between two totals explains any gap OCR leaves between them.
      if (diff === 0 || diff > (roundingBetween ? 100 : 10)) continue;
      if (rounding.includes(b) && Math.abs(vb) >= 100) {
        // A rounded figure replaces the total only when the receipt shows the adjustment as a
        // line of its own or the payment matches it; a bare "Rounded" note leaves the total.
        const adjustment = ctx.view.rows.some((r) => r.index > a.m.row.index && r.index < b.m.row.index && ROUNDING.test(r.norm));
        if (!adjustment && !paidAs(vb)) continue;
        b.score = Math.max(b.score, a.score + 1);
        b.why.push('rounded total');
      } else if (roundingBetween || vb % 5 === 0) {
        b.score += 2.5;
        b.why.push('total after rounding');
      }
    }
  }
  // The same value printed again under another total-like label supports it.
  for (const [, group] of valueSet) {
    const positive = group.filter((g) => g.labelScore > 2);
    if (positive.length > 1) for (const g of group) g.score += Math.min(1.5, 0.6 * (positive.length - 1));
  }
  // Among well-labelled candidates the largest is more likely the total (tax and fees are parts of it).
  const labelled = scored.filter((s) => s.labelScore >= 3 && !s.m.negative);
  if (labelled.length > 1) {
    const max = labelled.reduce((m, s) => Math.max(m, cents(s.m)), -Infinity);
    for (const s of labelled) if (cents(s.m) === max) s.score += 1;
  }
  // Documents with no labelled total: the largest plausible amount is the best guess.
  if (labelled.length === 0) {
    const plain = scored.filter((s) => !s.m.negative && s.labelScore > -2);
    const max = plain.reduce((m, s) => Math.max(m, cents(s.m)), 0);
    for (const s of plain) if (cents(s.m) === max) s.score += 1.5;
    // A receipt whose total line did not survive but that prints "Change 0.00": what was paid
    // is the total.
    if (change.length > 0 && noChange) {
      for (const s of cash) {
        if (cents(s.m) === 0) continue;
        s.score += 6;
        s.why.push('paid with no change');
      }
    }
  }

  scored.sort((a, b) => b.score - a.score || b.m.row.index - a.m.row.index);
  let best = scored[0]!;
  const ocrSwap = ocrMisreadTotal(best, scored, { payments: cash, change, subtotals, taxes });
  if (ocrSwap) {
    ocrSwap.why.push(`the printed total ${best.m.raw} reads one digit off and nothing else supports it`);
    best = ocrSwap;
  }
  const paid = dueByPayment(ctx, best, cash, change);
  if (paid) {
    // The amount payable as the payment lines compute it; printed as such on the receipt when
    // some other amount reads so (a line item, a misread label), else shown where the total is.
    const printed = scored.find((s) => cents(s.m) === paid.value && !cash.includes(s) && !change.includes(s) && !s.m.negative);
    if (printed) best = printed;
    best.why.push(paid.why);
  }
  const bySum = paid ? null : totalBySum(best, scored, sums, labelled.length > 0);
  if (bySum) best.why.push(bySum.why);
  const computed = paid ?? bySum;
  const bestValue = computed ? computed.value : cents(best.m);
  const runnerUp = scored.find((s) => cents(s.m) !== bestValue);
  const margin = runnerUp ? best.score - runnerUp.score : 4;
  let confidence = 0.35 + 0.6 * squash(margin, 1, 1.5);
  if (best.labelScore < 3) confidence = Math.min(confidence, 0.45);
  if (best.m.repaired) confidence *= 0.85;
  confidence *= Math.min(1, 0.5 + best.m.row.tokens[best.m.span.start]!.confidence / 2 + 0.25);
  if (computed) confidence = computed.confidence;
  const notes: string[] = [];
  notes.push(best.why.length ? `labelled ${best.why.join(', ')}` : 'no total label; largest amount');
  if (runnerUp && margin < 2) notes.push(`close to ${runnerUp.m.raw} (${runnerUp.why.join(', ') || 'unlabelled'})`);
  const labelCurrency = currencyOfLabels(best.labels);
  return {
    mention: best.m,
    score: best.score,
    minor: bestValue,
    decimal: computed ? minorToDecimalText(computed.value, null) : best.m.decimal,
    confidence: Math.round(Math.min(0.99, confidence) * 100) / 100,
    note: notes.join('; '),
    labelCurrency,
    labelled: best.labelScore >= 3,
  };
}

/** Whether `part`'s digits are the trailing digits of `whole`: a figure that lost its leading digits or thousands group. */
function trailingDigitsOf(part: number, whole: number): boolean {
  return part > 0 && whole > part && whole % 10 ** String(part).length === part;
}

/**
 * The total as subtotal + tax computes it, where OCR lost the printed total: the chosen total
 * reads as the trailing digits of that sum ("829.51" for 5,829.51, its first digit lost) and no
 * printed amount (a deposit, a payment) explains the gap; or no total label survived at all and
 * the sum exceeds every amount on the page, so that a line item would be taken instead. Null
 * when the sum is ambiguous, already printed, or the document was not read by OCR.
 */
function totalBySum(best: Scored, scored: Scored[], sums: Map<number, [Scored, Scored][]>, labelledTotal: boolean): { value: number; why: string; confidence: number } | null {
  if (best.m.row.method !== 'ocr' || best.m.negative || sums.size !== 1) return null;
  const [sum, pairs] = [...sums][0]!;
  const [sub, tax] = pairs[0]!;
  // A total the receipt's other lines already explain stays; a "tax" as large as half the net
  // amount is not a tax on it.
  if (best.why.some((w) => /rounding|rounded|cash − change|paid|before payments/.test(w)) || 2 * cents(tax.m) >= cents(sub.m)) return null;
  // Bare integers (postcodes, account digits) are not amounts once the page prints decimals.
  const values = scored.filter((s) => s.m.fractionDigits > 0 || s.m.grouped || !!s.m.code || scored.every((o) => o.m.fractionDigits === 0)).map((s) => cents(s.m));
  if (values.includes(sum)) return null;
  const why = `${sub.m.raw} + ${tax.m.raw}`;
  const v = cents(best.m);
  if (best.labelScore >= 3 && trailingDigitsOf(v, sum) && !values.includes(sum - v)) {
    return { value: sum, why: `subtotal + tax ${why}; the printed total ${best.m.raw} lost its leading digits`, confidence: 0.62 };
  }
  if (!labelledTotal && values.every((x) => x < sum)) return { value: sum, why: `no total label read; subtotal + tax ${why}`, confidence: 0.6 };
  return null;
}

/** The largest gap (in cents) cash rounding leaves between the exact total and the amount paid. */
const CASH_ROUNDING_CENTS = 10;

/**
 * The amount due as the payment computes it (cash handed over less the change given back), when
 * it contradicts the chosen total in a way the receipt explains: by a rounding amount on a
 * receipt that prints a rounding line (the exact total, then the rounded amount paid, whose own
 * figure OCR may have lost), or by one digit of an OCR'd total read less surely than the
 * payment's figures were. Null when the payment agrees, is ambiguous, or gives no change.
 */
function dueByPayment(ctx: DocContext, best: Scored, cash: Scored[], change: Scored[]): { value: number; why: string; confidence: number } | null {
  if (best.m.row.method !== 'ocr' || best.m.negative) return null;
  const dues = new Map<number, [Scored, Scored]>();
  for (const c of cash) {
    for (const g of change) {
      const v = cents(g.m) > 0 ? paidLess(cents(c.m), cents(g.m)) : null;
      if (v !== null && c !== g) dues.set(v, [c, g]);
    }
  }
  const only = dues.size === 1 ? [...dues][0]! : null;
  if (!only) return null;
  const [due, [c, g]] = only;
  const total = cents(best.m);
  if (due === total) return null;
  const why = `${c.m.raw} paid − ${g.m.raw} change`;
  const roundingLine = ctx.view.rows.some((r) => r.page === best.m.row.page && r.index > best.m.row.index && r.index < g.m.row.index && ROUNDING.test(r.norm));
  if (roundingLine && Math.abs(due - total) <= CASH_ROUNDING_CENTS) return { value: due, why: `rounded: ${why}`, confidence: 0.7 };
  const sure = (s: Scored) => Math.min(...s.m.row.tokens.slice(s.m.span.start, s.m.span.end).map((t) => t.confidence));
  if (oneDigitApart(total, due) && sure(best) < Math.min(sure(c), sure(g))) return { value: due, why: `${why}; the total ${best.m.raw} reads one digit off`, confidence: 0.62 };
  return null;
}

function currencyOfLabels(labels: Label[]): string | null {
  for (const l of labels) {
    for (const w of l.norm.split(/\s+/)) {
      const code = markerToCode(w.toUpperCase());
      if (code && code !== '$' && /^[a-z]{3}$/.test(w)) return code;
    }
  }
  return null;
}

export function minorFor(decimal: string, currency: string | null): number {
  return decimalToMinorLoose(decimal, currencyExponent(currency));
}

export interface ParsedAmount {
  /** Strict decimal ("1234.56", "-9.32"), ready for money.ts `decimalToMinor`. */
  decimal: string;
  /** Minor units in the amount's currency (2 decimals when unknown). */
  minor: number;
  /** ISO code of the printed marker; "$" alone stays null (ambiguous). */
  currency: string | null;
  marker: string | null;
}

/**
 * Parses one printed amount: "1.234,56 €", "$1,234.56", "56,02", "Rs 1939", "RM12.20",
 * "1 234,56", "-9,32", "(12.00)". Returns null when the text is not one amount.
 */
export function parseAmount(text: string): ParsedAmount | null {
  const s = text.trim().replace(/\s+/g, ' ');
  const m = /^(\(?-?)\s*([^\d\s(),.-]{1,4}\.?)?\s*(\(?-?)\s*(\d[\d.,' \u00a0\u202f]*\d|\d)\s*(-?\)?)\s*([^\d\s().,-]{1,4})?\s*(\)?)$/u.exec(s);
  if (!m) return null;
  const marker = (m[2] ?? m[6] ?? '').trim() || null;
  let code: string | null = null;
  if (marker) {
    code = markerToCode(marker);
    if (!code) return null;
    if (code === '$') code = null;
  }
  const neg = /-/.test(m[1]! + m[3]! + m[5]!) || ((m[1]! + m[3]!).includes('(') && (m[5]! + m[7]!).includes(')'));
  const n = parseNumber(m[4]!, null);
  if (!n) return null;
  const decimal = (neg ? '-' : '') + n.decimal.replace('-', '');
  return { decimal, minor: minorFor(decimal, code), currency: code, marker };
}
