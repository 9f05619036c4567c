// What kind of evidence a document is: a vendor invoice or receipt, a CSR (the partner's own
// certification of in-house work), POE (agendas, attendee lists, campaign reports, photos and
// screenshots), or something else — estimates, quotes, proformas, purchase orders, order
// confirmations, packing slips, delivery notes, statements of account and payment reminders,
// none of which backs an expense.
//
// Three sources, strongest first: the title the document gives itself (a heading outweighs any
// word in the body: "this estimate is not an invoice" is a sentence, "ESTIMATE" a name), the
// words of the body, and for OCR'd pages the picture itself (image-stats.ts: a colour photograph
// or a screenshot is proof of execution even with few words on it).
import { imageLook, type ImageLook } from '../image-stats.ts';
import type { DocKind } from '../types.ts';
import type { DocContext } from './context.ts';
import type { Row } from './text.ts';

const HAN = /\p{Script=Han}/u;

/**
 * A keyword pattern over normalised text (lower case, accents removed) in any script: Latin and
 * Greek words need word boundaries, which JavaScript's \b only knows for ASCII; Chinese has none.
 */
export function keywords(...alternatives: string[]): RegExp {
  const parts = alternatives.map((a) => (HAN.test(a) ? a : `(?<![\\p{L}\\p{N}])(?:${a})(?![\\p{L}\\p{N}])`));
  return new RegExp(parts.join('|'), 'u');
}

/**
 * The same alternatives with their spaces taken out, anchored at the start: OCR breaks the
 * letters of large bold headings apart ("STATEM ENT OF ACCOUNT", "BESTE LLU NG").
 */
function compactTitle(re: RegExp): RegExp {
  const alts = re.source.split('|').map((a) => a.replace(/^\(\?<!\[\\p\{L\}\\p\{N\}\]\)\(\?:(.*)\)\(\?!\[\\p\{L\}\\p\{N\}\]\)$/u, '$1').replace(/ \?/g, '').replace(/ /g, ''));
  return new RegExp(`^(?:${alts.join('|')})`, 'u');
}

/** Titles by kind. A document is usually named by one of these in its first rows. */
const TITLES: { kind: DocKind; re: RegExp; name: string; compact?: RegExp }[] = [
  {
    kind: 'other',
    name: 'estimate, quote or offer',
    re: keywords(
      'estimate', 'quotation', 'quote', 'price quote', 'pro ?-?forma( invoice)?', 'offer', 'proposal',
      'angebot', 'kostenvoranschlag', 'devis', 'offre de prix', 'offerte', 'presupuesto', 'cotizacion', 'preventivo', 'offert', 'oferta', 'nabidka', 'cenova nabidka', 'προσφορα', '报价单', '报价',
    ),
  },
  {
    kind: 'other',
    name: 'purchase order or order confirmation',
    re: keywords(
      'purchase order', 'p ?o', 'order confirmation', 'sales order', 'order acknowledge?ment',
      'bestellung', 'auftragsbestatigung', 'bestellbestatigung', 'bon de commande', 'confirmation de commande', 'orden de compra', 'confirmacion de pedido', 'inkooporder', 'bestelbon', 'orderbevestiging', 'bestelling', 'bestallning', 'orderbekraftelse', 'zamowienie', 'objednavka', 'παραγγελια', '订单', '采购单',
    ),
  },
  {
    kind: 'other',
    name: 'packing slip or delivery note',
    re: keywords(
      'packing (slip|list)', 'delivery (note|slip|docket)', 'dispatch note', 'goods received note',
      'lieferschein', 'bon de livraison', 'bordereau de livraison', 'albaran', 'nota de entrega', 'pakbon', 'leveringsbon', 'afleverbon', 'foljesedel', 'wz', 'dowod dostawy', 'dodaci list', 'δελτιο αποστολης', '送货单', '装箱单',
    ),
  },
  {
    kind: 'other',
    name: 'statement of account or payment reminder',
    re: keywords(
      'statement( of account)?', 'account statement', 'customer statement', '(payment )?reminder', 'overdue notice', 'final notice',
      'kontoauszug', 'zahlungserinnerung', 'mahnung', 'releve( de compte)?', 'rappel( de paiement)?', 'relance', 'estado de cuenta', 'recordatorio( de pago)?', 'rekeningoverzicht', 'herinnering', 'aanmaning', 'kontoutdrag', 'betalningspaminnelse', 'wyciag', 'przypomnienie', 'upominka', 'vypis', 'υπενθυμιση', '对账单', '催款',
    ),
  },
  {
    kind: 'csr',
    name: 'certification statement',
    re: keywords('certification statement( and report)?', 'statement and report', 'csr', 'in-? ?house (work|activity|services?) (report|certification)'),
  },
  {
    kind: 'poe',
    name: 'proof of execution',
    re: keywords('proof of (execution|performance)', 'poe', 'agenda', 'programme', 'attendee list', 'attendance( list| sheet)?', 'sign-? ?in sheet', 'participants? list', '(campaign|event|webinar|activity) (report|summary|results|recap)'),
  },
  {
    kind: 'invoice',
    name: 'invoice or receipt',
    re: keywords(
      '(tax |commercial |retail |vat |gst |sales )?invoice', 'receipt', 'cash (sale|bill)s?', 'bill(?! ?to)', 'credit note',
      'rechnung', 'quittung', 'kassenbon', 'facture', 'recu', 'factuur', 'kwitantie', 'bon', 'factura', 'recibo', 'fattura', 'ricevuta', 'scontrino', 'faktura', 'kvitto', 'paragon', 'rachunek', 'uctenka', 'danovy doklad', 'τιμολογιο', 'αποδειξη', '发票', '收据', '收款收据',
    ),
  },
];

for (const t of TITLES) t.compact = compactTitle(t.re);

const RULES: Record<Exclude<DocKind, 'other'>, [RegExp, number][]> = {
  invoice: [
    [keywords('(tax |commercial |retail )?invoices?', 'facture', 'factuur', 'rechnung', 'factura', 'fattura', 'fatura', 'faktura', 'nota fiscal', 'τιμολογιο', '发票'), 4],
    [keywords('tax invoice', 'invoice (no|number|date|#)', 'rechnungs(nummer|datum|nr)', 'factuur(nummer|datum)', 'numero de facture', 'fakturanummer', 'numer faktury', 'cislo faktury'), 3],
    [keywords('receipt', 'cash sales?', 'cash bill', 'quittung', 'bon', 'kassenbon', 'kwitansi', 'resit', 'kvitto', 'paragon', 'uctenka', 'αποδειξη', '收据'), 3],
    [keywords('bill', 'billing'), 1],
    [keywords('(amount|balance|total) due', 'amount payable', 'net payable', 'te betalen', 'montant ttc', 'total ttc', 'att betala', 'do zaplaty', 'k uhrade'), 2.5],
    [keywords('(grand |sub ?)?total', 'totaal', 'gesamt(betrag)?', 'summe', 'totale', 'summa', 'razem', 'suma', 'celkem', 'συνολο', '合计', '总计'), 1.5],
    [keywords('vat', 'gst', 'tax', 'tva', 'btw', 'mwst', 'iva', 'moms', 'dph', 'φπα', '税'), 1],
    [keywords('qty', 'quantity', 'unit price', 'cashier', 'change', 'tendered', 'rounding'), 1],
    [keywords('sold by', 'bill to', 'ship to', 'payment terms', 'due date'), 1.5],
  ],
  csr: [
    [keywords('certification statement', 'statement and report'), 7],
    [keywords('csr'), 3],
    [keywords('in-? ?house'), 3],
    [keywords('(hereby )?certif(y|ies|ied|ication)'), 2.5],
    [keywords('hours?', 'hrs', 'stunden', 'heures', 'horas', 'uren'), 1.5],
    [keywords('(hourly )?rate'), 1],
    [keywords('partner', 'activity', 'programme', 'program'), 0.5],
    [keywords('signature', 'signed', 'authori[sz]ed'), 0.5],
  ],
  poe: [
    [keywords('proof of (execution|performance)', 'poe'), 5],
    [keywords('agenda'), 3],
    [keywords('attendees?', 'attendance', 'participants?', 'registrants?', 'registrations?'), 3],
    [keywords('sign-? ?in( sheet)?'), 3],
    [keywords('campaign (report|results|summary)'), 4],
    [keywords('impressions', 'clicks', 'ctr', 'reach', 'engagement', 'open rate', 'click-through', 'views', 'followers', 'likes?', 'shares?', 'comments?', 'retweets?', 'reposts?', 'sponsored', 'promoted'), 2.5],
    [keywords('unsubscribe', 'view (it )?in (your )?browser', 'newsletter', 'subscribers?'), 2.5],
    [keywords('screenshot', 'screen shot', 'dashboard', 'analytics'), 3],
    [keywords('event', 'webinar', 'workshop', 'seminar', 'conference', 'booth', 'exhibition', 'expo', 'trade ?show', 'roadshow', 'summit', 'meetup', 'launch'), 1.5],
    [keywords('photo(graph)?s?', 'picture'), 2],
    [keywords('speakers?', 'session', 'keynote', 'break', 'lunch', 'welcome', 'register now', 'join us', 'live now', 'q ?& ?a', 'polls?'), 1],
  ],
};

/** Words of the body that name an excluded kind; a sentence saying them is weak evidence. */
const OTHER_BODY: [RegExp, number][] = [
  [keywords('estimate', 'quotation', 'quote', 'pro ?-?forma', 'angebot', 'devis', 'offerte', 'presupuesto', 'preventivo', 'valid (until|for)', 'gultig bis', 'valable jusqu', 'geldig tot'), 1.5],
  [keywords('delivery note', 'packing (slip|list)', 'lieferschein', 'bon de livraison', 'pakbon', 'goods received'), 1.5],
  [keywords('opening balance', 'closing balance', 'balance (brought|carried) forward', 'account balance', 'ageing', 'aging', 'overdue', 'reminder'), 1.5],
];

export interface TitleHit {
  kind: DocKind;
  name: string;
  row: Row;
  text: string;
  /** How much it looks like a heading (size, a cell of its own, position). */
  strength: number;
}

/**
 * The document's own name for itself: among the first rows of the first page, a short row (a
 * heading, maybe with its number and date) or the largest type, whose words start with a title.
 * The topmost, largest such row wins.
 */
export function documentTitle(ctx: DocContext): TitleHit | null {
  const page = ctx.view.pages[0];
  if (!page) return null;
  const medH = ctx.view.medianHeight || 0.01;
  let best: { hit: TitleHit; score: number } | null = null;
  for (const row of page.rows.slice(0, 14)) {
    if (row.box.y > 0.5) break;
    for (const seg of row.segments) {
      // The heading words of a cell, its number, date and punctuation aside.
      const words = seg
        .map((t) => t.norm.replace(/[^\p{L}\s/&-]/gu, ' ').trim())
        .filter((w) => /\p{L}/u.test(w))
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
      if (!words) continue;
      // Speckle is not a heading: a title is read with some confidence.
      if (Math.min(...seg.map((t) => t.confidence)) < 0.6) continue;
      const wordCount = words.split(' ').length;
      const size = Math.max(...seg.map((t) => t.box.h)) / medH;
      for (const t of TITLES) {
        let m = t.re.exec(words);
        if (!m && row.method === 'ocr' && size > 1.25) {
          // A large heading OCR broke apart: matched without its spaces, the whole cell.
          const c = t.compact!.exec(words.replace(/\s+/g, ''));
          if (c && c[0].length >= words.replace(/\s+/g, '').length - 1) m = Object.assign([words], { index: 0, input: words }) as unknown as RegExpExecArray;
        }
        if (!m) continue;
        // A title leads its cell and is most of it ("Invoice No." yes, "Please quote this
        // number" no); bigger type or a cell of its own makes it a heading.
        const leads = m.index <= 1;
        const share = m[0].length / Math.max(1, words.replace(/\s/g, '').length + (wordCount - 1));
        if (!leads || (share < 0.3 && wordCount > 4)) continue;
        // "PO" alone is a heading only as a cell of its own ("PO Number: 44" labels a field).
        if (t.kind === 'other' && /^p ?o$/.test(m[0].trim()) && wordCount > 1) continue;
        // "Quote ref: Q-12", "Order no. 5": a reference to another document, weaker than a heading.
        const reference = /^\s*(no|nr|number|num|ref|reference|id|date|#)\b/.test(words.slice(m.index + m[0].length)) ? 4 : 0;
        const score = (size > 1.25 ? 3 : 0) + (wordCount <= 4 ? 2 : 0) + share * 2 - row.pageIndex * 0.15 - reference;
        if (!best || score > best.score) best = { hit: { kind: t.kind, name: t.name, row, text: m[0], strength: score }, score };
        break;
      }
    }
  }
  return best?.hit ?? null;
}

const globalCopies = new WeakMap<RegExp, RegExp>();

/** Matches of `re` in `text` (a global copy compiled once per pattern). */
function countOf(text: string, re: RegExp): number {
  let g = globalCopies.get(re);
  if (!g) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    globalCopies.set(re, g);
  }
  return (text.match(g) ?? []).length;
}

export interface Classification {
  kind: DocKind;
  confidence: number;
  scores: Record<DocKind, number>;
  /** Why, for the reviewer. */
  note: string;
}

export function classify(ctx: DocContext): Classification {
  const scores: Record<DocKind, number> = { invoice: 0, csr: 0, poe: 0, other: 1.5 };
  const why: string[] = [];
  // A title counts when it looks like a heading; its row then speaks as the title, not as body.
  const found = documentTitle(ctx);
  const title = found && found.strength > 0 ? found : null;
  const body = ctx.view.rows.filter((r) => r !== title?.row).map((r) => r.norm).join('\n');
  for (const kind of Object.keys(RULES) as Exclude<DocKind, 'other'>[]) {
    for (const [re, w] of RULES[kind]) {
      const n = countOf(body, re);
      if (n > 0) scores[kind] += w * (1 + Math.min(0.5, 0.15 * (n - 1)));
    }
  }
  for (const [re, w] of OTHER_BODY) if (re.test(body)) scores.other += w;
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
  if (title) {
    // A heading names the document: it outweighs whatever the body mentions ("this reminder is
    // not an invoice", a list of the invoices a statement covers).
    const others = Math.max(...(Object.keys(scores) as DocKind[]).filter((k) => k !== title.kind).map((k) => scores[k]));
    scores[title.kind] += title.strength >= 2 ? Math.max(12, others - scores[title.kind] + 4) : 6;
    why.push(`titled "${title.text}" (${title.name})`);
  }
  // The picture: a photograph or a screenshot is proof of execution unless its words say
  // otherwise; a photographed invoice still reads as one from its title and totals.
  const looks = ctx.images.map(imageLook);
  const look = dominantLook(looks);
  const letters = (ctx.norm.match(/\p{L}/gu) ?? []).length;
  if (look === 'photo' || look === 'screenshot') {
    scores.poe += look === 'photo' ? 7 : 6;
    scores.invoice -= 1;
    why.push(`the image looks like a ${look}`);
  } else if (look === 'document' && letters < 40) {
    scores.other += 1;
  }
  if (ctx.view.rows.length === 0 && look !== 'photo' && look !== 'screenshot') {
    return { kind: 'other', confidence: 0.5, scores, note: 'no text' };
  }
  const ranked = (Object.entries(scores) as [DocKind, number][]).sort((a, b) => b[1] - a[1]);
  const [best, second] = [ranked[0]!, ranked[1]!];
  const margin = best[1] - second[1];
  const confidence = Math.round(Math.min(0.98, 0.4 + 0.55 * (1 - Math.exp(-margin / 3))) * 100) / 100;
  if (why.length === 0) why.push('words of the body');
  return { kind: best[0], confidence, scores, note: why.join('; ') };
}

function dominantLook(looks: ImageLook[]): ImageLook | null {
  if (looks.length === 0) return null;
  const n = (l: ImageLook) => looks.filter((x) => x === l).length;
  // Any page that is a photograph or screenshot makes the document one (a PDF of event photos
  // may open with a cover page).
  if (n('photo') > 0 && n('photo') >= n('screenshot')) return 'photo';
  if (n('screenshot') > 0) return 'screenshot';
  return n('document') > 0 ? 'document' : 'blank';
}
