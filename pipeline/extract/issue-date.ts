// The issue date among all dates printed: labelled "invoice date" / "date" / "Rechnungsdatum" …
// rather than due, order, delivery or period dates; then the day/month order when the digits
// do not settle it.
import type { Field } from '../types.ts';
import { labelsFor, weigh, type DocContext, type Label } from './context.ts';
import { dateOrderForCurrency } from './currency.ts';
import { daysBetween } from '../dates.ts';
import { isoDate, yearMisreadings, type DateMention, type DateOrder } from './date.ts';
import { spanBox, spanConfidence, squash } from './text.ts';

const DATE_STRONG: [RegExp, number][] = [
  [/\b(invoice|inv|bill|billing|receipt|issue|issued|document|doc|tax invoice|transaction|txn|trans|sales|credit note|statement) ?(date|dt)\b/, 6],
  [/\bdate (of )?(invoice|issue|receipt|document|sale|supply)\b|\bissued? (on|date)\b|\bdate issued\b/, 6],
  [/\b(rechnungs|beleg|ausstellungs|leistungs)datum\b|\bdatum (der )?rechnung\b/, 6],
  [/\bdate (de )?(la )?(facture|facturation|d'emission|emission)\b|\bfacture du\b/, 6],
  [/\bfactuur ?datum\b|\bdatum factuur\b/, 6],
  [/\bfecha (de )?(la )?(factura|emision|expedicion)\b|\bdata (della )?fattura\b|\bdata (de )?emissao\b|\bdata da fatura\b/, 6],
];
const DATE_PLAIN: [RegExp, number][] = [[/\b(date|dated|datum|fecha|data|tarikh|tanggal|dt)\b|\bdate\/time\b|\bdate&time\b/, 4]];
const DATE_NEGATIVE: [RegExp, number][] = [
  [/\bdue\b|\bpay(able)? (by|before|until)\b|\bpayment (due|date|terms)\b|\bverval|\bfallig|\bzahlungsziel\b|\bzahlbar\b|\becheance\b|\bdate limite\b|\blimite de\b|\bvencimiento\b|\bscadenza\b|\bbetalen voor\b/, -7],
  [/\bexpir|\bvalid (until|till|thru|through|to)\b|\bgeldig tot\b|\bgultig bis\b|\bexp\b|\bbest before\b|\buse by\b/, -7],
  [/\b(ship|shipping|shipped|delivery|delivered|dispatch|dispatched|despatch|lieferdatum|liefer|leverdatum|levering|livraison|envio|entrega|consegna)\b/, -5],
  [/\b(order|ordered|orderdatum|bestell|bestelldatum|commande|pedido|ordine|po)\b/, -5],
  [/\b(period|periode|periodo|zeitraum|billing cycle|service (date|period)|from|until|through|bis|vom)\b/, -3],
  [/\b(print|printed|generated|gedruckt|imprime)\b/, -4],
  [/\b(member since|since|birth|dob|geboren|start date|end date|valid from|opening)\b/, -5],
  [/\b(prelevement|debit|abbuchung|incasso|paid on|payment on|betaald op)\b/, -3],
  [/\b(check ?in|check ?out|arrival|departure)\b/, -1],
];

interface Scored {
  d: DateMention;
  score: number;
  labelScore: number;
  why: string[];
}

function labelScore(labels: Label[]): { score: number; why: string[] } {
  let score = 0;
  const why: string[] = [];
  for (const l of labels) {
    const strong = weigh(l.norm, DATE_STRONG);
    const plain = weigh(l.norm, DATE_PLAIN);
    const neg = weigh(l.norm, DATE_NEGATIVE);
    const pos = strong.score > 0 ? Math.max(...DATE_STRONG.filter(([re]) => re.test(l.norm)).map(([, w]) => w)) : plain.score;
    const factor = l.where === 'left' ? 1 : l.where === 'header' ? 0.9 : l.where === 'row' ? 0.8 : 0.7;
    // The label nearest the date speaks for it; "Invoice date" beats a "due" further left.
    const s = (pos + (strong.score > 0 ? Math.max(neg.score, -3) : neg.score)) * factor;
    score += s;
    if (pos || neg.score) why.push(`"${l.norm.slice(-40)}"`);
  }
  return { score, why };
}

export interface DatePickOptions {
  localeHint: DateOrder | null;
  currency: string | null;
  /** The currency was printed or named (not only guessed from country cues). */
  currencyPrinted: boolean;
  countryCurrency: string | null;
}

/** Words that only day-first countries print on invoices. */
const DAY_FIRST_LANGUAGE = /\b(factuur|facture|rechnung|factura|fattura|fatura|datum|tanggal|tarikh|btw|tva|mwst|iva|montant|totaal|gesamt|importe)\b/;

export function pickDate(ctx: DocContext, opts: DatePickOptions): Field<string> | null {
  const usable = ctx.dates.filter((d) => d.dmy || d.mdy);
  if (usable.length === 0) return null;
  const now = new Date();
  const soon = new Date(Date.UTC(now.getUTCFullYear() + 1, now.getUTCMonth(), now.getUTCDate())).toISOString().slice(0, 10);
  const scored: Scored[] = usable.map((d) => {
    const labels = labelsFor(ctx, d.span);
    const ls = labelScore(labels);
    let score = ls.score;
    const why = [...ls.why];
    if (d.hasTime) {
      score += 1.5;
      why.push('with a time');
    }
    if (d.inRange) {
      score -= 4;
      why.push('part of a range');
    }
    if (d.repaired) score -= 1;
    if (d.kind !== 'numeric') score += 0.3;
    // Issue dates sit near the top of the first page.
    const rel = d.row.pageIndex / Math.max(1, d.row.pageRows);
    score += 1.5 * (1 - rel) - 0.7 * (d.row.page - 1);
    const v = d.dmy ?? d.mdy!;
    if (v > soon) score -= 3;
    return { d, score, labelScore: ls.score, why };
  });
  // A date printed several times (header, footer, "Facture n° … du …") is the document's own.
  const key = (s: Scored) => s.d.dmy ?? s.d.mdy;
  for (const s of scored) {
    const same = scored.filter((o) => o !== s && key(o) === key(s) && o.labelScore > -2).length;
    s.score += Math.min(1.5, 0.6 * same);
  }
  scored.sort((a, b) => b.score - a.score || a.d.row.index - b.d.row.index);
  const best = scored[0]!;
  const runner = scored.find((s) => key(s) !== key(best));
  const margin = runner ? best.score - runner.score : 4;
  let confidence = 0.4 + 0.55 * squash(margin, 1, 1.5);
  if (best.labelScore < 2 && !best.d.hasTime) confidence = Math.min(confidence, 0.6);
  if (best.d.repaired) confidence = Math.min(confidence, 0.45);
  confidence *= Math.min(1, 0.25 + spanConfidence(best.d.span));

  const notes: string[] = [best.why.length ? `labelled ${best.why.join(', ')}` : 'no date label; earliest plausible date'];
  if (best.d.repaired) notes.push(`a misread digit repaired in OCR "${best.d.raw}"`);
  let value = best.d.dmy ?? best.d.mdy!;
  let alternatives: string[] | undefined;
  if (best.d.dmy && best.d.mdy) {
    const order = decideOrder(ctx, opts, best.d);
    value = order.order === 'mdy' ? best.d.mdy : best.d.dmy;
    const other = value === best.d.dmy ? best.d.mdy : best.d.dmy;
    notes.push(order.note);
    confidence = Math.min(confidence, order.confidence);
    if (order.confidence < 0.6) alternatives = [other];
  } else if (!best.d.dmy && best.d.mdy && best.d.kind === 'numeric') {
    notes.push('month first (the second number is over 12)');
  }
  if (runner && margin < 1.5) notes.push(`close to ${runner.d.raw} (${runner.why.join(', ') || 'unlabelled'})`);
  const year = yearAsTheOthers(ctx, best.d, value);
  if (year) {
    notes.push(year.note);
    alternatives = [...new Set([value, ...(alternatives ?? []).map((a) => year.apply(a) ?? a)])].filter((a) => a !== year.value);
    value = year.value;
    confidence = Math.min(confidence, 0.6);
  }
  return {
    value,
    confidence: Math.round(Math.min(0.99, confidence) * 100) / 100,
    page: best.d.row.page,
    box: spanBox(best.d.span),
    raw: best.d.raw,
    ...(alternatives ? { alternatives } : {}),
    note: notes.join('; '),
  };
}

function decideOrder(ctx: DocContext, opts: DatePickOptions, d: DateMention): { order: DateOrder; confidence: number; note: string } {
  // Another numeric date of the same document whose digits decide it.
  let dmyVotes = 0;
  let mdyVotes = 0;
  for (const o of ctx.dates) {
    if (o === d || o.kind !== 'numeric') continue;
    if (o.dmy && !o.mdy && o.a > 12) dmyVotes++;
    if (o.mdy && !o.dmy && o.b > 12) mdyVotes++;
  }
  if (dmyVotes > mdyVotes) return { order: 'dmy', confidence: 0.9, note: 'day first, as another date on the document shows' };
  if (mdyVotes > dmyVotes) return { order: 'mdy', confidence: 0.9, note: 'month first, as another date on the document shows' };
  if (opts.localeHint) return { order: opts.localeHint, confidence: 0.8, note: `${opts.localeHint === 'dmy' ? 'day' : 'month'} first from the locale hint` };
  const fromCurrency = opts.currencyPrinted ? dateOrderForCurrency(opts.currency) : null;
  if (fromCurrency === 'dmy') return { order: 'dmy', confidence: 0.75, note: `day first (${opts.currency} document)` };
  if (fromCurrency === 'mdy' && opts.countryCurrency === 'USD') return { order: 'mdy', confidence: 0.75, note: 'month first (USD, US address)' };
  const fromCountry = dateOrderForCurrency(opts.countryCurrency);
  if (fromCountry === 'dmy') return { order: 'dmy', confidence: 0.7, note: `day first (country cues for ${opts.countryCurrency})` };
  if (fromCountry === 'mdy') return { order: 'mdy', confidence: 0.55, note: 'month first (US cues)' };
  if (DAY_FIRST_LANGUAGE.test(ctx.norm)) return { order: 'dmy', confidence: 0.55, note: 'day first (document language)' };
  if (fromCurrency === 'mdy') return { order: 'mdy', confidence: 0.45, note: 'ambiguous day/month; month first as USD, the other order kept as an alternative' };
  return { order: 'dmy', confidence: 0.35, note: 'ambiguous day/month: nothing on the document decides; day first, the other order kept as an alternative' };
}

/** Dates this far from every other date of the document are not of the same business. */
const FAR_FROM_OTHERS_DAYS = 300;
/** The others agree when they lie within this span; the repaired date must lie as near them. */
const NEAR_OTHERS_DAYS = 120;

/**
 * A year misread by OCR (2026 read as 2014, 2016 as 2018): when the issue date lies far from
 * every other date printed on the document, those others lie close together, and one look-alike
 * digit of the year puts it among them, the document's own dates say which year was printed. An
 * issue date in December with a due date in January is near its due date, so it is left alone.
 */
function yearAsTheOthers(ctx: DocContext, d: DateMention, value: string): { value: string; note: string; apply: (iso: string) => string | null } | null {
  if (d.row.method !== 'ocr') return null;
  const others = ctx.dates.filter((o) => o !== d).map((o) => o.dmy ?? o.mdy!).filter((o) => o !== value);
  if (others.length === 0) return null;
  const sorted = [...others].sort();
  if (daysBetween(sorted[0]!, sorted[sorted.length - 1]!) > NEAR_OTHERS_DAYS) return null;
  if (others.some((o) => Math.abs(daysBetween(value, o)) <= FAR_FROM_OTHERS_DAYS)) return null;
  const apply = (iso: string, y: number) => isoDate(y, Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
  const fits = [...yearMisreadings(Number(value.slice(0, 4)))]
    .map((y) => ({ y, v: apply(value, y) }))
    .flatMap((x) => (x.v !== null && others.every((o) => Math.abs(daysBetween(x.v!, o)) <= NEAR_OTHERS_DAYS) ? [{ y: x.y, v: x.v }] : []));
  if (fits.length !== 1) return null;
  const { y, v } = fits[0]!;
  return { value: v, note: `year read as ${value.slice(0, 4)}, taken as ${y}: the other dates on the document (${[...new Set(sorted)].join(', ')}) are of ${y}`, apply: (iso) => apply(iso, y) };
}
