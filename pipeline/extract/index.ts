// Classification and field extraction from a read document. Pure and synchronous: every field
// is the best-ranked candidate under general rules, with its confidence, where it was read and
// why it was chosen.
import type { Extraction, Field, ReadDocument } from '../types.ts';
import { minorFor, pickTotal } from './amount.ts';
import { classify } from './classify.ts';
import { buildContext } from './context.ts';
import { extractCsr } from './csr.ts';
import { guessCountryCurrency, pickCurrency } from './currency.ts';
import { pickDate } from './issue-date.ts';
import { pickInvoiceNumber } from './invoice-number.ts';
import { spanBox } from './text.ts';
import { pickVendor } from './vendor.ts';

export { parseAmount, type ParsedAmount } from './amount.ts';
export { parseDate, type ParsedDate, type DateOrder } from './date.ts';

export interface ExtractOptions {
  /** Day/month order of the claim's locale, used when the document does not decide it. */
  localeHint?: 'dmy' | 'mdy' | null;
}

export function extract(doc: ReadDocument, opts: ExtractOptions = {}): Extraction {
  const ctx = buildContext(doc);
  const kind = classify(ctx);
  const total = pickTotal(ctx);
  const currency = pickCurrency(ctx, total ? { mention: total.mention, labelCurrency: total.labelCurrency } : null);
  const country = guessCountryCurrency(ctx.text, ctx.norm);

  let amount: Field<number> | null = null;
  // Proof of execution and other papers have no total: an unlabelled number there is a count.
  if (total && (kind.kind === 'invoice' || kind.kind === 'csr' || total.labelled)) {
    const m = total.mention;
    amount = {
      value: minorFor(total.decimal, currency?.value ?? null),
      confidence: total.confidence,
      page: m.row.page,
      box: spanBox(m.span),
      raw: m.raw,
      note: total.note,
    };
  }
  const date = pickDate(ctx, {
    localeHint: opts.localeHint ?? null,
    currency: currency?.value ?? null,
    currencyPrinted: !!currency && currency.page !== null,
    countryCurrency: country?.currency ?? null,
  });
  const currencyField: Field<string> | null = currency
    ? {
        value: currency.value,
        confidence: Math.round(currency.confidence * 100) / 100,
        page: currency.page,
        box: currency.box,
        ...(currency.raw ? { raw: currency.raw } : {}),
        note: currency.note,
      }
    : null;

  const csr = kind.kind === 'csr' ? extractCsr(ctx, currency?.value ?? null) : null;
  if (csr && amount === null && csr.statedTotalMinor !== null) {
    amount = { value: csr.statedTotalMinor, confidence: 0.6, page: null, box: null, note: "the CSR's stated total" };
  }

  return {
    kind: kind.kind,
    kindConfidence: kind.confidence,
    fields: {
      vendor: pickVendor(ctx),
      amount,
      currency: currencyField,
      date,
      invoiceNumber: kind.kind === 'csr' || kind.kind === 'poe' ? pickInvoiceNumberOrNull(ctx) : pickInvoiceNumber(ctx),
    },
    csr,
  };
}

function pickInvoiceNumberOrNull(ctx: ReturnType<typeof buildContext>): Field<string> | null {
  // CSRs and POE carry no invoice number; a reference there only counts when clearly labelled.
  const f = pickInvoiceNumber(ctx);
  return f && f.confidence >= 0.6 ? f : null;
}

/**
 * One extraction from several readings of the same document (two OCR passes with different
 * preprocessing, say): per field the value the readings agree on, else the most confident one.
 * Agreement raises confidence; the values left out are kept as alternatives. `weights` (one per
 * reading, default 1) scale how much a reading's confidences count in the vote: a reading known
 * to be less reliable (a scanner's own OCR layer) can confirm a value but rarely outvote.
 */
export function mergeExtractions(input: Extraction[], weights?: number[]): Extraction {
  if (input.length === 0) throw new Error('mergeExtractions needs at least one extraction');
  if (input.length === 1) return input[0]!;
  const list = weights ? input.map((e, i) => scaleConfidence(e, weights[i] ?? 1)) : input;
  const kindOf = [...list].sort((a, b) => b.kindConfidence - a.kindConfidence)[0]!;
  const merge = <T>(fields: (Field<T> | null)[]): Field<T> | null => {
    const present = fields.filter((f): f is Field<T> => !!f);
    if (present.length === 0) return null;
    const groups = new Map<string, Field<T>[]>();
    for (const f of present) {
      const key = typeof f.value === 'string' ? f.value.toLowerCase().replace(/\s+/g, ' ').trim() : JSON.stringify(f.value);
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const ranked = [...groups.values()]
      .map((g) => ({ g, weight: g.reduce((s, f) => s + f.confidence, 0), best: g.reduce((a, b) => (b.confidence > a.confidence ? b : a)) }))
      .sort((a, b) => b.weight - a.weight || b.best.confidence - a.best.confidence);
    const top = ranked[0]!;
    const others = ranked.slice(1).map((r) => r.best.value);
    const agree = top.g.length;
    const confidence = Math.min(0.99, top.best.confidence + (agree > 1 ? 0.1 * (agree - 1) : 0) - (others.length ? 0.05 : 0));
    const alternatives = [...(top.best.alternatives ?? []), ...others.filter((v) => !(top.best.alternatives ?? []).includes(v))];
    const note = agree > 1 ? `${top.best.note ?? ''}${top.best.note ? '; ' : ''}${agree} readings agree` : `${top.best.note ?? ''}${others.length ? `${top.best.note ? '; ' : ''}readings differ` : ''}`;
    return {
      ...top.best,
      confidence: Math.round(Math.max(0, confidence) * 100) / 100,
      ...(alternatives.length ? { alternatives } : {}),
      ...(note ? { note } : {}),
    };
  };
  const f = list.map((e) => e.fields);
  return {
    kind: kindOf.kind,
    kindConfidence: kindOf.kindConfidence,
    fields: {
      vendor: merge(f.map((x) => x.vendor)),
      amount: merge(f.map((x) => x.amount)),
      currency: merge(f.map((x) => x.currency)),
      date: merge(f.map((x) => x.date)),
      invoiceNumber: merge(f.map((x) => x.invoiceNumber)),
    },
    csr: kindOf.csr ?? list.find((e) => e.csr)?.csr ?? null,
  };
}

function scaleConfidence(e: Extraction, w: number): Extraction {
  if (w === 1) return e;
  const scale = <T>(f: Field<T> | null): Field<T> | null => (f ? { ...f, confidence: Math.round(f.confidence * w * 100) / 100 } : null);
  const f = e.fields;
  return {
    ...e,
    kindConfidence: e.kindConfidence * w,
    fields: { vendor: scale(f.vendor), amount: scale(f.amount), currency: scale(f.currency), date: scale(f.date), invoiceNumber: scale(f.invoiceNumber) },
  };
}
