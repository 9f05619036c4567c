// Readings that disagree on a digit, decided by the rest of the document. Two OCR readings of
// one receipt often differ by one glyph (6↔8, 2016↔2014); the vote by confidence alone then
// picks whichever engine was surer. A reviewer would instead check the value against the other
// fields: a total is the sum of the amounts it is made of, and an issue date is neither in the
// future nor far from the other dates printed on the same document.
import type { Extraction, Field, ReadDocument } from '../types.ts';
import { minorFor } from './amount.ts';
import { buildContext, type DocContext } from './context.ts';

/** Days a date may lie from another date of the document and still count as near it. */
const NEAR_DAYS = 120;
const DAY_MS = 86_400_000;

function withChoice<T>(field: Field<T>, value: T, why: string): Field<T> {
  const others = [field.value, ...(field.alternatives ?? [])].filter((v) => v !== value);
  return { ...field, value, alternatives: others, confidence: Math.min(field.confidence, 0.75), note: `${field.note ? field.note + '; ' : ''}${why}` };
}

/**
 * Minor-unit values of every amount a reading found. Where the reading prints amounts with
 * decimals, bare integers are quantities and counts ("1", "2 pcs"), not parts of the total.
 */
function amountsOf(ctx: DocContext, currency: string | null): number[] {
  const decimals = ctx.money.some((m) => m.fractionDigits > 0);
  return ctx.money.filter((m) => !m.negative && (!decimals || m.fractionDigits > 0 || !!m.code)).map((m) => minorFor(m.decimal, currency));
}

/**
 * How well `total` is explained by the other amounts of one reading: the sum of two of them
 * (subtotal + tax, or two lines), or the rest of a payment minus its change.
 */
export function explainedBy(total: number, amounts: number[]): boolean {
  const others = [...amounts];
  const at = others.indexOf(total);
  if (at >= 0) others.splice(at, 1);
  const set = new Set(others.filter((v) => v > 0));
  for (const a of set) {
    if (a >= total) continue;
    if (set.has(total - a) && (total - a !== a || others.filter((v) => v === a).length > 1)) return true;
  }
  for (const paid of set) if (paid > total && set.has(paid - total)) return true;
  return false;
}

/** Every date mention of every reading, with the calendar days it may mean (both orders when open). */
function datesOf(ctxs: DocContext[]): { isos: string[]; days: number[] }[] {
  return ctxs.flatMap((ctx) =>
    ctx.dates.map((d) => {
      const isos = [...new Set([d.dmy, d.mdy].filter((x): x is string => !!x))];
      return { isos, days: isos.map((iso) => Date.parse(iso) / DAY_MS) };
    }),
  );
}

/**
 * The merged fields of several readings, with the total and the date re-decided where the
 * readings disagree: a total no reading can explain gives way to an alternative that one can;
 * a date in the future, or with no other date of the document near it, gives way to an
 * alternative that is possible and near them.
 */
export function decideWithOtherFields(merged: Extraction, readings: ReadDocument[], now = new Date()): Extraction {
  const amount = merged.fields.amount;
  const date = merged.fields.date;
  const open = (f: Field<unknown> | null) => !!f && (f.alternatives?.length ?? 0) > 0;
  if (readings.length < 2 || (!open(amount) && !open(date))) return merged;
  const ctxs = readings.map(buildContext);
  const fields = { ...merged.fields };

  if (amount && open(amount)) {
    const currency = merged.fields.currency?.value ?? null;
    const lists = ctxs.map((c) => amountsOf(c, currency));
    const fits = (v: number) => lists.some((l) => explainedBy(v, l));
    if (!fits(amount.value)) {
      const rivals = (amount.alternatives ?? []).filter(fits);
      if (rivals.length === 1) fields.amount = withChoice(amount, rivals[0]!, `readings differ; ${rivals[0]} is what the other amounts add up to`);
    }
  }

  if (date && open(date)) {
    const today = now.getTime() / DAY_MS;
    const all = datesOf(ctxs);
    const possible = (iso: string) => {
      const day = Date.parse(iso) / DAY_MS;
      return Number.isFinite(day) && day <= today + 1;
    };
    // Other dates of the document near this one (the mentions that may read as it do not count).
    const near = (iso: string) => {
      const day = Date.parse(iso) / DAY_MS;
      return all.filter((d) => !d.isos.includes(iso) && d.days.some((x) => Math.abs(x - day) <= NEAR_DAYS)).length;
    };
    const candidates = [date.value, ...(date.alternatives ?? [])];
    if (!possible(date.value)) {
      const ok = candidates.filter(possible);
      if (ok.length >= 1 && ok[0] !== date.value) fields.date = withChoice(date, ok[0]!, `readings differ; ${date.value} is in the future`);
    } else if (near(date.value) === 0) {
      const ok = candidates.filter((c) => c !== date.value && possible(c) && near(c) > 0);
      if (ok.length === 1) fields.date = withChoice(date, ok[0]!, `readings differ; ${ok[0]} lies near the document's other dates`);
    }
  }
  return { ...merged, fields };
}
