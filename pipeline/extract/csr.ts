// The lines of a Certification Statement and Report as printed: description, hours, rate and
// amount under a "Description | Hours | Rate | Amount" header, and the stated total. Numbers
// are read as they are; the checks compare them, so nothing is "fixed" here.
import type { CsrLine } from '../types.ts';
import { currencyExponent } from '../money.ts';
import type { DocContext } from './context.ts';
import type { MoneyMention } from './money-scan.ts';
import { decimalToMinorLoose } from './number.ts';
import { unionBoxes, type Row, type Token } from './text.ts';

interface Columns {
  header: Row;
  hours: number | null;
  rate: number | null;
  amount: number | null;
  description: number | null;
}

const HOURS = /^(hours?|hrs?\.?|uren|stunden|std\.?|heures|horas|ore|time|days?|qty|quantity)$/;
const RATE = /^(rate|hourly|price|tarif|tarief|stundensatz|satz|prix|precio|unit)$/;
const AMOUNT = /^(amount|total|cost|value|betrag|bedrag|montant|importe|importo|subtotal|line)$/;
const DESCRIPTION = /^(description|activity|item|task|service|details?|omschrijving|beschreibung|designation|descripcion|work)$/;

function findColumns(ctx: DocContext): Columns | null {
  for (const row of ctx.view.rows) {
    const cols: Columns = { header: row, hours: null, rate: null, amount: null, description: null };
    for (const t of row.tokens) {
      const w = t.norm.replace(/[^a-z.]/g, '');
      const c = t.box.x + t.box.w / 2;
      if (cols.hours === null && HOURS.test(w)) cols.hours = c;
      else if (cols.rate === null && RATE.test(w)) cols.rate = c;
      else if (cols.amount === null && AMOUNT.test(w)) cols.amount = c;
      else if (cols.description === null && DESCRIPTION.test(w)) cols.description = t.box.x;
    }
    if (cols.amount !== null && (cols.hours !== null || cols.rate !== null || cols.description !== null)) return cols;
  }
  return null;
}

function minor(m: MoneyMention, currency: string | null): number {
  return decimalToMinorLoose(m.decimal, currencyExponent(currency));
}

type Slot = 'hours' | 'rate' | 'amount';

/**
 * The column a number sits in: the nearest column header, unless the number is nearer the
 * description's left edge than to any number column ("Booth staff, day 1" keeps its 1).
 */
function nearest(x: number, cols: Columns): Slot | null {
  const opts: [Slot | 'description', number | null][] = [
    ['hours', cols.hours],
    ['rate', cols.rate],
    ['amount', cols.amount],
    ['description', cols.description],
  ];
  let best: Slot | 'description' | null = null;
  let bestD = Infinity;
  for (const [k, v] of opts) {
    if (v === null) continue;
    const d = Math.abs(v - x);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best === 'description' ? null : best;
}

/** A total of hours, days or quantities. */
const QUANTITY_TOTAL = /\b(hours?|hrs?|days?|qty|quantity|quantities|units?|stunden|tage|heures|jours|horas|dias|uren|dagen)\b/;
const TOTAL_ROW = /^(grand )?total\b|\btotal (amount|claimed|cost|due)\b|^(totaal|gesamt|summe|montant total)\b/;

/** Lines and stated total of a CSR; `currency` sets the minor-unit exponent. */
export function extractCsr(ctx: DocContext, currency: string | null): { lines: CsrLine[]; statedTotalMinor: number | null; statedTotalConfidence: number } {
  const cols = findColumns(ctx);
  const lines: CsrLine[] = [];
  let statedTotalMinor: number | null = null;
  let statedTotalConfidence = 1;
  const rows = cols ? ctx.view.rows.filter((r) => r.index > cols.header.index) : ctx.view.rows;
  for (const row of rows) {
    const all = ctx.moneyOn(row);
    // Under a header the numeric cells are the rightmost numbers of the row, one per numeric
    // column; a number further left, or nearer the description, is a word of the description.
    const numericCols = cols ? [cols.hours, cols.rate, cols.amount].filter((c) => c !== null).length : 0;
    const money = cols
      ? [...all]
          .sort((a, b) => center(b) - center(a))
          .slice(0, numericCols)
          .filter((m) => nearest(center(m), cols) !== null)
          .sort((a, b) => a.span.start - b.span.start)
      : all;
    if (money.length === 0) continue;
    const firstValueTok = Math.min(...money.map((m) => m.span.start));
    const descTokens: Token[] = row.tokens.slice(0, firstValueTok).filter((t) => !/^[x×*=@|:]$/i.test(t.text));
    const description = descTokens
      .map((t) => t.text)
      .join(' ')
      .replace(/[\s:|-]+$/, '')
      .trim();
    const descNorm = description.toLowerCase();
    if (TOTAL_ROW.test(descNorm.replace(/[^a-z ]/g, '').trim())) {
      const amountCol = cols?.amount ?? null;
      const pick = amountCol !== null ? money.reduce((a, b) => (Math.abs(center(a) - amountCol) < Math.abs(center(b) - amountCol) ? a : b)) : money[money.length - 1]!;
      // "Total hours 64", "Total days 5": a total of quantities, not the money total. So is a
      // total whose figure stands in the hours column or is printed without money's decimals
      // on a sheet whose amounts have them.
      const inHours = cols !== null && nearest(center(pick), cols) === 'hours';
      const bare = pick.fractionDigits === 0 && !pick.code && ctx.money.some((m) => m.fractionDigits === 2);
      if (QUANTITY_TOTAL.test(descNorm) || inHours || bare) continue;
      statedTotalMinor = minor(pick, currency);
      statedTotalConfidence = figureConfidence(pick);
      break;
    }
    if (/\b(subtotal|sub-total|tax|vat|gst)\b/.test(descNorm)) continue;
    let hours: number | null = null;
    let rate: MoneyMention | null = null;
    let amount: MoneyMention | null = null;
    if (cols) {
      for (const m of money) {
        const slot = nearest(center(m), cols);
        if (slot === 'hours' && hours === null) hours = hoursOf(m);
        else if (slot === 'rate' && !rate) rate = m;
        else if (slot === 'amount' && !amount) amount = m;
      }
    } else {
      // "Design work 10 h x 50.00 = 500.00": hours, rate, amount in that order.
      const x = /(\d+(?:[.,]\d+)?)\s*(?:h|hrs?|hours?)?\s*[x×*@]\s*/i.exec(row.text);
      if (money.length >= 3) {
        hours = hoursOf(money[money.length - 3]!);
        rate = money[money.length - 2]!;
        amount = money[money.length - 1]!;
      } else if (money.length === 2 && x) {
        hours = Number(x[1]!.replace(',', '.'));
        rate = money[0]!;
        amount = money[1]!;
      } else {
        amount = money[money.length - 1]!;
      }
    }
    if (!amount) continue;
    if (!description || !/\p{L}{2}/u.test(description)) continue;
    lines.push({
      description,
      hours,
      rateMinor: rate ? minor(rate, currency) : null,
      amountMinor: minor(amount, currency),
      page: row.page,
      box: unionBoxes(row.tokens.map((t) => t.box)),
      confidence: Math.min(...money.map(figureConfidence)),
    });
  }
  if (statedTotalMinor === null) {
    // A total stated outside the table ("Total claimed: 1,250.00").
    for (const m of ctx.money) {
      if (cols && m.row.index <= cols.header.index) continue;
      const left = m.row.tokens
        .slice(0, m.span.start)
        .map((t) => t.norm)
        .join(' ');
      if (/\btotal\b/.test(left) && !/\bsub/.test(left) && !QUANTITY_TOTAL.test(left) && m.fractionDigits > 0) {
        statedTotalMinor = minor(m, currency);
        statedTotalConfidence = figureConfidence(m);
      }
    }
  }
  return { lines, statedTotalMinor, statedTotalConfidence };
}

/** How surely a figure was read: its least confident token (1 on a text layer). */
function figureConfidence(m: MoneyMention): number {
  const ts = m.row.tokens.slice(m.span.start, m.span.end);
  return ts.length ? Math.round(Math.min(...ts.map((t) => t.confidence)) * 100) / 100 : 1;
}

function center(m: MoneyMention): number {
  const ts = m.row.tokens.slice(m.span.start, m.span.end);
  const b = unionBoxes(ts.map((t) => t.box))!;
  return b.x + b.w / 2;
}

function hoursOf(m: MoneyMention): number {
  return Number(m.decimal);
}
