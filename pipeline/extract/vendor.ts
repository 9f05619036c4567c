// The issuer of the document (not the customer): names are ranked by where they stand (top of
// the first page, large type, after "sold by" / "from", in the legal footer), what they look
// like (legal form, business words, not an address or a phone line), and what else on the page
// supports them (the same name repeated, a matching web or e-mail domain). Names inside the
// block after "Bill to" / "Ship to" / "Customer" are penalised.
import type { Box, Field } from '../types.ts';
import type { DocContext } from './context.ts';
import { stringSimilarity } from '../vendor.ts';
import { normalize, squash, unionBoxes, type Row, type Token } from './text.ts';

// Legal forms. Short ones ("AG", "SA", "AB") count only as the last word of a name.
const LEGAL_LONG =
  /\b(sdn\.? ?bhd|bhd|s\/b|pvt\.? ?ltd|private limited|pte\.? ?ltd|pty\.? ?ltd|co\.?,? ?ltd|limited|ltd|llc|l\.l\.c|inc|incorporated|corp|corporation|company|plc|llp|gmbh|b\.v|n\.v|s\.a\.r\.l|sarl|eurl|s\.a\.s|s\.p\.a|s\.r\.l|s\.l|ltda|s\.r\.o|sp\. z o\.o|kft|d\.o\.o|oy|aps|a\/s|k\.k|e\.k|kg|ohg|gbr|vof|cv)\b\.?/;
const LEGAL_SHORT_END = /\b(ag|sa|s\.a|sas|bv|nv|ab|as|spa|srl|sl|se|ug|co)\.?$/;
const BUSINESS =
  /\b(enterprises?|trading|traders?|restaurant|restoran|cafe|coffee|bakery|hardware|stores?|shop|mart|market|supermarket|minimarket|pharmacy|farmasi|services|solutions|systems|technolog(y|ies)|marketing|station|hotel|resort|kedai|pasaraya|syarikat|perniagaan|stationery|books?|electrical|electronics?|motors?|auto|centre|center|industries|holdings|group|agency|studio|printing|print|gallery|boutique|florist|clinic|medical|supply|supplies|wholesale|retail|interior|design|consulting|logistics|machinery|tools|home|house|kitchen|food|foods|bistro|bar|grill|pizza|express|depot|outlet|international|global|trading co)\b/;

const ADDRESS =
  /\b(jalan|jln|lorong|taman|bandar|persiaran|kawasan|seksyen|lot|street|st\.|road|rd\.?|avenue|ave\.?|lane|blvd|boulevard|drive|dr\.|way|suite|floor|level|unit|building|bldg|block|tower|plaza|p\.?o\.? box|postbus|postfach|rue|avenue|chemin|allee|straat|strasse|str\.|weg|laan|plein|gracht|kade|calle|via|viale|piazza|rua|cedex|village|district|nagar|marg|sector|sec-|sek)\b|\b\d{5,6}\b|\b[a-z]{1,2}-?\d{4,5}\b|\b\d{4} ?[a-z]{2}\b/;
const CONTACT = /@|\bwww\.|https?:|\.(com|net|org|de|fr|nl|co|my|in|uk|io)\b|\b(tel|phone|telephone|fax|mobile|hp|e-?mail|email|website|web)\b|\+?\d[\d\s-]{7,}\d/;
const REGISTRATION = /\b(gst|vat|tin|gstin|btw|tva|ust|mwst|iban|bic|swift|kvk|siret|siren|rcs|hrb|cin|pan|abn|reg|regn|registration|company no|co\.? ?no|roc|brn|business reg|uen|nif|cif|steuer|ustid)\b/;
const TITLE =
  /^(tax |commercial |retail |proforma |pro forma |official |simplified |cash |e-?)?(invoices?|receipts?|bills?|facture|factuur|rechnung|factura|fattura|quotation|quote|statement|credit note|debit note|delivery note|packing slip|order|cash|cash sales?|sales receipt|payment receipt|kopie factuur|copy|duplicated?|original|reprint|customer copy|merchant copy|certification statement( and report)?|certification report|statement and report|proof of execution|campaign report|event report|activity report)( ?\/ ?\w+)?\.?$/;
const NOT_NAME =
  /\b(thank|thanks|welcome|please|visit|customer|cashier|table|page|seite|date|time|total|subtotal|amount|description|qty|quantity|price|item|items|payment|change|balance|duplicated?|order|due|terms|note|notes|server|pax|counter|terminal|guest|member|points|receipt no|invoice no|no\.?:|signature|authori[sz]ed|signatory|copy|powered by|generated|printed|greetings|dear|hello|hi|account|number|summary|details|reference|rate|rooms|unit|hours|discount|check in|check out|datum|nummer|numero|bill to|ship to|sold to|rechnungs\w*|lieferschein|kunden?\w*|factura|facture|fattura|faktura|factuur|fecha|importe|montant|betrag|seite|pagina|n[o°º]|nr|fallig|vencimiento|echeance|scadenza|vervaldatum)\b/;

const QUANTITY_TIMES = /(?<![\p{L}\d.,])\d{1,4} ?[x×] +\p{L}/u;

const BILL_TO =
  /\b(bill(ed)? to|billing address|invoice to|invoiced to|sold to|ship(ped)? to|shipping address|deliver(y|ed)? to|delivery address|customer|client|klant|kunde|kunden|rechnungsadresse|lieferadresse|rechnungsempfanger|adresse de facturation|adresse de livraison|factuuradres|afleveradres|leveradres|facturar a|cliente|attn|attention|guest name|nom de l'abonne|abonne|recipient|consignee|buyer)\b|^to:/;
const ISSUER_LABEL =
  /\b(from|seller|partner|partner name|sold by|issued by|vendor|supplier|service provider|provided by|merchant|payee|in favou?r of|pay to|remit to|payable to|titulaire du compte|account name|account holder|beneficiary|rekeninghouder|kontoinhaber|begunstigde|company name|received by|operated by)\b/;
const LEGAL_FOOTER = /\b(capital|siege social|registered office|regd\.? office|rcs|hrb|amtsgericht|registergericht|geschaftsfuhrer|vorstand|kvk|handelsregister|company registration|registered in|company no|sarl|sas)\b/;

const GENERIC_DOMAINS = new Set([
  'gmail', 'googlemail', 'yahoo', 'hotmail', 'outlook', 'live', 'msn', 'icloud', 'me', 'aol', 'protonmail', 'proton', 'gmx', 'web', 'qq', '163', '126', 'mail', 'yandex', 'zoho',
  'facebook', 'fb', 'instagram', 'twitter', 'x', 'youtube', 'linkedin', 'tiktok', 'pinterest', 'whatsapp', 'wa', 'google', 'apple', 'play', 'bit', 'goo', 'tinyurl', 'paypal', 'stripe', 'tcpdf', 'example', 'fake', 'test',
]);

interface Candidate {
  /** Mean reading confidence of its words. */
  confidence: number;
  text: string;
  tokens: Token[];
  rows: Row[];
  score: number;
  why: string[];
}

/** Cleans a name as printed: registration numbers, labels, titles and noise removed. */
export function cleanVendorName(text: string): string {
  let s = text
    .replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/[|~*_=]+/g, ' ');
  // Registration numbers in brackets or trailing: "(65351-M)", "(Co. No. 113825-W)", "1151414-F".
  s = s.replace(/\((?=[^)]*\d)[^)]*\)?/g, ' ');
  s = s.replace(/\s[\w.-]*\d{4,}[\w.-]*(-[a-z])?\s*$/i, ' ');
  s = s.replace(/^(sold by|from|seller|partner name|partner|issued by|vendor|supplier|service provider|merchant|payee|in favou?r of|titulaire du compte|account name|company name)\s*:?\s*/i, '');
  s = s.replace(/\s+(tax invoice|invoice|receipt|bill|facture|factuur|rechnung)\s*$/i, '');
  // The title beside the name, glued on by OCR in capitals: "GmbH & Co. KGRECHNUNG".
  s = s.replace(/(?<=[\p{Lu}.])(INVOICE|RECEIPT|RECHNUNG|FACTURE|FACTURA|FACTUUR|FATTURA)$/u, '');
  // OCR slips in Malaysian legal forms: "SDNBHD", "SCN. BHD.", "SIN BHD", "SDN RHD", "5/8".
  // An R for the B only after a cleanly read "SDN": "GIN RID" is a name, "SDN RHD" the legal form.
  s = s.replace(/\b[S5G][DCIO0]N\.?\s*[BE8][HNIil1][DB]\b|\bSDN\.?\s*R[HN]D\b/gi, (m) => (/\./.test(m) ? 'SDN. BHD' : 'SDN BHD'));
  s = s.replace(/\bSDNBHD\b/gi, 'SDN BHD');
  s = s.replace(/(\p{L})\s+5\/[B8]\s*$/u, '$1 S/B');
  // A space OCR put inside a dotted legal form: "Expo S. A." is "Expo S.A.", "B. V." "B.V.".
  s = s.replace(/(?<=\s)(\p{Lu})\. (\p{Lu})\.(?=\s|$)/gu, '$1.$2.');
  // OCR digits inside words of letters: "D.1.Y." → "D.I.Y.", "0JC" → "OJC".
  s = s.replace(/(?<=\p{Lu}\.?)[0158](?=\.?\p{Lu})|^[0158](?=\p{Lu}{2})|(?<=\s)[0158](?=\p{Lu}{2})/gu, (d) => ({ '0': 'O', '1': 'I', '5': 'S', '8': 'B' })[d]!);
  s = s.replace(/[\s,;:.\-&]+$/u, (m) => (/\./.test(m) && /\b[a-z]{1,4}$/i.test(s.slice(0, -m.length)) ? '.' : ''));
  return s.replace(/\s+/g, ' ').trim();
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)]! : 0;
}

function isLegal(norm: string): boolean {
  return LEGAL_LONG.test(norm) || LEGAL_SHORT_END.test(norm);
}

function letters(s: string): number {
  return (s.match(/\p{L}/gu) ?? []).length;
}

function nameLike(norm: string, raw: string): { ok: boolean; penalty: number } {
  if (letters(raw) < 3) return { ok: false, penalty: 0 };
  // A legal form alone ("SDN BHD") is the end of a name printed on the line above.
  if (letters(norm.replace(LEGAL_LONG, ' ').replace(LEGAL_SHORT_END, ' ')) < 2) return { ok: false, penalty: 0 };
  if (raw.length > 70 || norm.split(' ').length > 9) return { ok: false, penalty: 0 };
  if (TITLE.test(norm.replace(/[^a-z /-]/g, '').trim())) return { ok: false, penalty: 0 };
  // "6 x Display screens", "2× Coffee": a quantity times an item is a line of the bill.
  if (QUANTITY_TIMES.test(norm)) return { ok: false, penalty: 0 };
  // Labels are not names ("Factuuradres", "Bill To", "Sold By").
  const bare = norm.replace(/[^a-z ]/g, ' ').trim();
  const bill = BILL_TO.exec(bare);
  if (bill && bill[0].length >= bare.length - 2) return { ok: false, penalty: 0 };
  const iss = ISSUER_LABEL.exec(bare);
  if (iss && iss[0].length >= bare.length - 2) return { ok: false, penalty: 0 };
  let penalty = bill ? 4 : 0;
  const nonSpace = raw.replace(/\s/g, '');
  const letterShare = letters(raw) / Math.max(1, nonSpace.length);
  if (letterShare < 0.5) penalty += 3;
  else if (letterShare < 0.7) penalty += 1;
  const legal = isLegal(norm);
  if (ADDRESS.test(norm)) penalty += legal ? 1.5 : 4;
  if (CONTACT.test(norm)) penalty += 4;
  if (REGISTRATION.test(norm)) penalty += 3;
  if (NOT_NAME.test(norm)) penalty += 3;
  if (/^\d/.test(norm) && !legal && !BUSINESS.test(norm)) penalty += 2.5;
  if (/[.!?]$/.test(raw) && norm.split(' ').length > 4) penalty += 2;
  // "Rechnungsnummer: RE-2026-12", "Fecha: 5 de marzo": a label and its value.
  if (LABEL_VALUE.test(raw)) penalty += 3;
  return { ok: true, penalty };
}

/** "Invoice No: INV-2026-2579", "Fecha: 5 de marzo": a label, a colon, a value with figures. */
const LABEL_VALUE = /^[\p{L} .°º#]{2,30}:\s*\S*\d/u;

function domainLabels(ctx: DocContext, excluded: Set<Row>, sureness?: Map<string, number>): Map<string, number> {
  const labels = new Map<string, number>();
  for (const row of ctx.view.rows) {
    if (excluded.has(row)) continue;
    const re = /(?:https?:\/\/)?(?:www\.|[a-z0-9._%+-]+@)?((?:[a-z0-9-]+\.)+)(com|net|org|biz|info|co|io|de|fr|nl|be|es|it|pt|at|ch|uk|us|ca|au|nz|my|sg|in|hk|jp|cn|eu|se|dk|no|fi|pl|ie|cz|ru|br|mx|za|ae|tw|kr|ph|th|id|vn|lu)\b/g;
    for (const m of row.norm.matchAll(re)) {
      const parts = m[1]!.split('.').filter(Boolean);
      // The registrable label: skip second-level "co", "com" under country codes.
      let label = parts[parts.length - 1]!;
      if (['co', 'com', 'net', 'org', 'gov', 'edu', 'ac'].includes(label) && parts.length > 1) label = parts[parts.length - 2]!;
      if (label.length < 3 || GENERIC_DOMAINS.has(label)) continue;
      labels.set(label, (labels.get(label) ?? 0) + 1);
      const token = row.tokens.find((t) => t.norm.includes(label));
      if (sureness && token) sureness.set(label, Math.max(sureness.get(label) ?? 0, token.confidence));
    }
  }
  return labels;
}

/** Rows inside a "Bill to" / "Ship to" / "Customer" block, by token. */
function customerTokens(ctx: DocContext): { tokens: Set<Token>; rows: Set<Row> } {
  const tokens = new Set<Token>();
  const rows = new Set<Row>();
  for (const page of ctx.view.pages) {
    page.rows.forEach((row) => {
      row.segments.forEach((seg) => {
        const segNorm = seg.map((t) => t.norm).join(' ');
        const m = BILL_TO.exec(segNorm);
        if (!m) return;
        // The label must lead its cell ("Bill To:", "Customer: X"), not be words of a sentence.
        if (m.index > 12) return;
        const x0 = seg[0]!.box.x - 0.02;
        const segEnd = seg[seg.length - 1]!.box.x + seg[seg.length - 1]!.box.w;
        const x1 = Math.max(segEnd, x0 + 0.3);
        // Words after the label in its own cell.
        const labelEndChar = m.index + m[0].length;
        let pos = 0;
        for (const t of seg) {
          if (pos >= labelEndChar) tokens.add(t);
          pos += t.norm.length + 1;
        }
        let lastBottom = row.box.y + row.box.h;
        for (let k = row.pageIndex + 1, n = 0; k < page.rows.length && n < 6; k++) {
          const r = page.rows[k]!;
          if (r.box.y - lastBottom > 2.2 * Math.max(r.height, row.height)) break;
          const inBand = r.tokens.filter((t) => t.box.x + t.box.w / 2 >= x0 && t.box.x < x1);
          if (inBand.length === 0) continue;
          // Another label in the band ends the block.
          const bandNorm = inBand.map((t) => t.norm).join(' ');
          if (n > 0 && /^(invoice|date|order|payment|terms|due|po|item|description|qty|subtotal|total)\b/.test(bandNorm)) break;
          inBand.forEach((t) => tokens.add(t));
          rows.add(r);
          lastBottom = r.box.y + r.box.h;
          n++;
        }
      });
    });
  }
  return { tokens, rows };
}

function splitParts(row: Row): Token[][] {
  // Cells of the row, and within a cell the parts of a sender line "Name - Street - City".
  const out: Token[][] = [];
  for (const seg of row.segments) {
    let cur: Token[] = [];
    for (const t of seg) {
      if (/^[-\u2013\u2014·•|,]$/.test(t.text) && cur.length) {
        out.push(cur);
        cur = [];
        continue;
      }
      cur.push(t);
    }
    if (cur.length) out.push(cur);
  }
  return out;
}

function labelValue(tokens: Token[]): Token[] | null {
  // "Sold By : WS Retail …" → the tokens after the issuer label.
  const norm = tokens.map((t) => t.norm).join(' ');
  const m = ISSUER_LABEL.exec(norm);
  // The label leads its cell, maybe after a word or two ("Please pay to:", "Service Provider:").
  if (!m || m.index > 12) return null;
  let pos = 0;
  const rest: Token[] = [];
  for (const t of tokens) {
    if (pos >= m.index + m[0].length && !/^[:\-]+$/.test(t.text)) rest.push(t);
    pos += t.norm.length + 1;
  }
  return rest.length ? rest : [];
}

export function pickVendor(ctx: DocContext): Field<string> | null {
  const view = ctx.view;
  if (view.rows.length === 0) return null;
  const customer = customerTokens(ctx);
  const domainSureness = new Map<string, number>();
  const domains = domainLabels(ctx, customer.rows, domainSureness);
  const medH = view.medianHeight || 0.01;
  const cands: Candidate[] = [];
  const firstPage = view.pages[0]!;
  const lastPage = view.pages[view.pages.length - 1]!;

  const consider = (tokens: Token[], rows: Row[], extra: number, why: string[], followedByValue = false) => {
    const raw = tokens.map((t) => t.text).join(' ');
    const text = cleanVendorName(raw);
    const norm = normalize(text);
    if (text.length < 2) return;
    if (TITLE.test(normalize(raw).replace(/[^a-z /-]/g, '').replace(/\s+/g, ' ').trim())) return;
    const like = nameLike(norm, text);
    if (!like.ok) return;
    // A field's label with its value as printed ("Invoice No: INV-2026-2579") is no name, even
    // once cleaning has taken the number off and left "Invoice No".
    if (LABEL_VALUE.test(raw) && NOT_NAME.test(normalize(raw.slice(0, raw.indexOf(':'))))) return;
    let score = extra - like.penalty;
    // "Account number: 2966…": a label, with its value beside it.
    if (/:\s*$/.test(raw) || followedByValue) score -= 2.5;
    const reasons = [...why];
    if (isLegal(norm)) {
      score += 3;
      reasons.push('legal form');
    } else if (BUSINESS.test(norm)) {
      score += 1;
      reasons.push('business word');
    }
    const row = rows[0]!;
    const h = Math.max(...tokens.map((t) => t.box.h));
    const big = h / medH - 1;
    const conf = tokens.reduce((a, t) => a + t.confidence, 0) / tokens.length;
    if (big > 0.15) {
      // OCR speckle and handwriting come out large too; only trust size read with confidence.
      score += Math.min(2.5, 2.5 * big) * Math.min(1, conf / 0.8);
      reasons.push('large type');
    }
    if (row.method === 'ocr') score -= 8 * Math.max(0, 0.7 - conf);
    // Receipts print the issuer in capitals or title case; an all-lower-case line is handwriting
    // or a slogan.
    if (row.method === 'ocr' && text === text.toLowerCase()) score -= 2;
    // Mostly capitalised words read as names; a sentence does not.
    const words = text.split(' ').filter((w) => /\p{L}/u.test(w));
    const capital = words.filter((w) => /^[\p{Lu}\d]/u.test(w)).length / Math.max(1, words.length);
    if (capital < 0.5) score -= 1.5;
    if (tokens.some((t) => customer.tokens.has(t))) {
      score -= 6;
      reasons.push('in the customer block');
    }
    // Support: a matching domain, the name printed again elsewhere.
    const compact = norm.replace(/[^a-z0-9]/g, '');
    const core = normalize(text.replace(LEGAL_LONG, '').replace(/\b(ag|sa|sas|bv|nv|ab|as|spa|srl|sl|se|ug|co)\.?$/i, '')).replace(/[^a-z0-9 ]/g, ' ').trim();
    for (const [label, n] of domains) {
      const l = label.replace(/-/g, '');
      const coreCompact = core.replace(/ /g, '');
      const firstWord = core.split(' ')[0] ?? '';
      if ((coreCompact.length >= 3 && (l === coreCompact || l.startsWith(coreCompact) || coreCompact.startsWith(l))) || (firstWord.length >= 4 && l === firstWord)) {
        score += 2 + Math.min(1, 0.5 * (n - 1));
        reasons.push(`matches ${label} domain`);
        break;
      }
    }
    if (core.length >= 3) {
      const others = view.rows.filter((r) => !rows.includes(r) && !customer.rows.has(r) && r.norm.includes(core)).length;
      if (others > 0) {
        score += Math.min(2, 0.8 * others);
        reasons.push(`printed ${others + 1}×`);
      }
    }
    void compact;
    cands.push({ text, tokens, rows, score, why: reasons, confidence: conf });
  };

  // 1. Names at the top of the first page, ranked by order.
  let rank = 0;
  const topRows = firstPage.rows.filter((r) => r.box.y < 0.45);
  for (let i = 0; i < topRows.length && rank < 8; i++) {
    const row = topRows[i]!;
    const parts = splitParts(row);
    let any = false;
    for (const [pi, part] of parts.entries()) {
      const lv = labelValue(part);
      if (lv) {
        if (lv.length) consider(lv, [row], 4, ['after an issuer label']);
        else if (parts[pi + 1]) consider(parts[pi + 1]!, [row], 4, ['after an issuer label']);
        else {
          // Label alone: the value is on the next row, under it.
          const next = firstPage.rows[row.pageIndex + 1];
          if (next) {
            const x0 = part[0]!.box.x - 0.02;
            const below = next.tokens.filter((t) => t.box.x >= x0 && t.box.x < x0 + 0.4);
            if (below.length) consider(below, [next], 4, ['under an issuer label']);
          }
        }
        continue;
      }
      const posScore = Math.max(0, 3 - rank * 0.8) + Math.max(0, 1.5 * (1 - row.box.y / 0.3));
      const before = cands.length;
      const nextPart = parts[pi + 1];
      const followedByValue = !!nextPart && /\d/.test(nextPart.map((t) => t.text).join('')) && !isLegal(normalize(part.map((t) => t.text).join(' ')));
      consider(part, [row], posScore - pi * 0.5, [`line ${rank + 1} from the top`], followedByValue);
      // Lines read with little confidence (speckle, handwriting) do not push the name down.
      if (cands.length > before && cands[cands.length - 1]!.confidence >= 0.5) any = true;
      // A name broken over two lines ("PASARAYA BORONG PINTAR" / "SDN BHD", "… &" / "…").
      const next = topRows[i + 1];
      // The continuation is the next row when both are one cell (a centred receipt header), or
      // the cell that starts under this part in its own column (a sidebar, a letterhead beside
      // the title).
      const x0 = part[0]!.box.x;
      const below =
        parts.length === 1 && next?.segments.length === 1 ? next.segments[0] : next?.segments.find((seg) => Math.abs(seg[0]!.box.x - x0) < 0.02 && seg.length <= 4);
      if (next && below) {
        const nextNorm = below.map((t) => t.norm).join(' ');
        const nextText = below.map((t) => t.text).join(' ');
        const partNorm = part.map((t) => t.norm).join(' ');
        const join =
          (isLegal(nextNorm) && letters(nextText) <= 14 && !isLegal(partNorm)) ||
          /(&|\band|-)$/.test(partNorm) ||
          /^(&|and\b)/.test(nextNorm) ||
          (letters(nextText) >= 3 && below.length <= 3 && /^[\p{Lu}\s&.|]+$/u.test(nextText) && !LEGAL_LONG.test(partNorm) && (LEGAL_LONG.test(nextNorm) || BUSINESS.test(nextNorm)) && !ADDRESS.test(nextNorm));
        const partH = median(part.map((t) => t.box.h));
        const belowH = median(below.map((t) => t.box.h));
        if (join && Math.abs(belowH - partH) < 0.5 * partH) consider([...part, ...below], [row, next], posScore + 0.5, [`lines ${rank + 1}–${rank + 2} from the top`]);
      }
    }
    // Letter-spaced names fall apart into cells: the whole row, when it is short and holds no value.
    const gaps = parts.slice(1).map((p, k) => (p[0]!.box.x - (parts[k]![parts[k]!.length - 1]!.box.x + parts[k]![parts[k]!.length - 1]!.box.w)) * row.aspect);
    const spaced =
      parts.length > 1 &&
      Math.max(...gaps) < 4 * row.height &&
      row.tokens.length <= 7 &&
      parts.every((p) => p.length <= 2 && !TITLE.test(normalize(p.map((t) => t.text).join(' ')).replace(/[^a-z /-]/g, '').trim())) &&
      ctx.moneyOn(row).length === 0 &&
      ctx.datesOn(row).length === 0;
    if (spaced) {
      const before = cands.length;
      consider(row.tokens, [row], Math.max(0, 3 - rank * 0.8) + Math.max(0, 1.5 * (1 - row.box.y / 0.3)) - 0.3, [`line ${rank + 1} from the top`]);
      if (cands.length > before) any = true;
    }
    if (any) rank++;
  }
  // 2. Issuer labels and legal footers anywhere.
  for (const page of view.pages) {
    for (const row of page.rows) {
      const rowParts = splitParts(row);
      for (const [pi, part] of rowParts.entries()) {
        const lv = labelValue(part);
        if (lv && lv.length) consider(lv, [row], 3.5, ['after an issuer label']);
        else if (lv && rowParts[pi + 1]) consider(rowParts[pi + 1]!, [row], 3.5, ['after an issuer label']);
        else if (lv) {
          const next = page.rows[row.pageIndex + 1];
          if (next) {
            const x0 = part[0]!.box.x - 0.02;
            const below = next.tokens.filter((t) => t.box.x >= x0 && t.box.x < x0 + 0.4);
            if (below.length) consider(below, [next], 3.5, ['under an issuer label']);
          }
        }
      }
      const nextRow = page.rows[row.pageIndex + 1];
      // A legal footer: its words say so, or a name with a legal form opens a line at the foot
      // of the page ("Ironbridge Logistics LLC · 12 Market Street · Austin").
      // The name before the legal form in a footer line ("Free SAS au capital de …").
      const first = rowParts[0];
      if (!first) continue;
      const norms = first.map((t) => t.norm.replace(/[.,]$/, ''));
      // "S. A." read as two words is the legal form too.
      const legalAt = (n: string, k: number) => LEGAL_LONG.test(n) || LEGAL_SHORT_END.test(n) || (k > 1 && /^[a-z]$/.test(n) && /^[a-z]$/.test(norms[k - 1]!) && LEGAL_SHORT_END.test(norms[k - 1]! + n));
      const cut = norms.findIndex((n, k) => k > 0 && k < 8 && legalAt(n, k));
      // A name with its legal form opening a line near the foot, the address after it in other
      // cells or in the same one when OCR lost the separators ("Summit Catering Limited 655
      // Market Street Dublin").
      const opensWithLegalName = cut >= 0 ? rowParts.length > 1 || first.length > cut + 1 : rowParts.length > 1 && isLegal(normalize(first.map((t) => t.text).join(' ')));
      const footerish = LEGAL_FOOTER.test(row.norm) || (nextRow ? LEGAL_FOOTER.test(nextRow.norm) : false) || (row.box.y > 0.8 && opensWithLegalName);
      if (footerish && (page === lastPage || page === firstPage)) {
        const tokens = cut >= 0 ? first.slice(0, cut + 1) : first.length <= 4 ? first : null;
        if (tokens) consider(tokens, [row], 1.5, ['legal footer']);
      }
    }
  }
  // 3. A trading name confirmed by the document's web/e-mail domain and printed as a word.
  const brand = brandCandidate(ctx, domains, customer.rows);

  // One name found by several cues (top line, issuer label, legal footer) gathers their support.
  const byName = new Map<string, Candidate[]>();
  for (const c of cands) {
    const k = normalize(c.text).replace(/[^a-z0-9]/g, '');
    byName.set(k, [...(byName.get(k) ?? []), c]);
  }
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => b.score - a.score);
    const cue = (g: Candidate) => (g.why[0] ?? '').replace(/\d+/g, '');
    const bestPerCue = new Map<string, number>();
    for (const g of group) bestPerCue.set(cue(g), Math.max(bestPerCue.get(cue(g)) ?? -Infinity, g.score));
    bestPerCue.delete(cue(group[0]!));
    const bonus = Math.min(2, 0.5 * [...bestPerCue.values()].filter((v) => v > 0).reduce((a, v) => a + v, 0));
    if (bonus > 0) {
      group[0]!.score += bonus;
      group[0]!.why.push('found by several cues');
    }
  }
  cands.sort((a, b) => b.score - a.score);
  if (cands.length === 0 && !brand) return null;
  let best = cands[0];
  const alternatives: string[] = [];
  const notes: string[] = [];
  if (brand && (!best || !normalize(best.text).includes(brand.norm))) {
    const containing = cands.find((c) => c.score > (best?.score ?? 0) - 3 && normalize(c.text).includes(brand.norm));
    if (containing) {
      notes.push(`"${containing.text}" carries the trading name of the document's domain`);
      if (best) alternatives.push(best.text);
      best = containing;
    } else if (brand.strength >= 2) {
      if (best) alternatives.push(best.text);
      notes.push(`trading name "${brand.text}" (web/e-mail domain, printed ${brand.count}×) preferred${best ? ` over the legal name "${best.text}"` : ''}`);
      const conf = Math.round(Math.min(0.8, 0.45 + 0.1 * brand.strength) * 100) / 100;
      return { value: brand.text, confidence: conf, page: brand.row.page, box: brand.box, raw: brand.text, alternatives, note: notes.join('; ') };
    }
  }
  // Nothing reads like an issuer: better no vendor than a label or the customer.
  if (!best || best.score < 1) return null;
  const runner = cands.find((c) => normalize(c.text) !== normalize(best!.text));
  if (runner && !alternatives.includes(runner.text) && runner.score > best.score - 3) alternatives.push(runner.text);
  const margin = runner ? best.score - runner.score : 4;
  let confidence = (0.3 + 0.65 * squash(best.score, 3, 1.5)) * (0.6 + 0.4 * squash(margin, 1, 1));
  const meanConf = best.tokens.reduce((a, t) => a + t.confidence, 0) / best.tokens.length;
  confidence *= Math.min(1, 0.3 + meanConf);
  notes.unshift(best.why.join(', '));
  const spelt = spellByDomain(best, domainSureness);
  if (spelt) notes.push(spelt.why);
  if (runner && margin < 1.5) notes.push(`close to "${runner.text}" (${runner.why.join(', ')})`);
  return {
    value: spelt?.text ?? best.text,
    confidence: Math.round(Math.min(0.97, confidence) * 100) / 100,
    page: best.rows[0]!.page,
    box: unionBoxes(best.tokens.map((t) => t.box)),
    raw: best.tokens.map((t) => t.text).join(' '),
    ...(alternatives.length ? { alternatives: alternatives.slice(0, 2) } : {}),
    note: notes.filter(Boolean).join('; '),
  };
}

/** Below this reading confidence a word of the name may be a misreading. */
const UNSURE_WORD = 0.7;
/** The document's domain, read at least this surely, can correct a word of the name. */
const SURE_DOMAIN = 0.8;
/** How alike an unsure word and the domain label must be (edit similarity, OCR-aware). */
const SPELLING_SIMILARITY = 0.6;

/**
 * The name with a word respelt as the document's own web / e-mail domain spells it, when OCR
 * read that word unsurely and the domain surely and the two are near ("Sion Medi Ltd" beside
 * www.orion.ie is Orion's name). A word read surely is the name as printed, whatever the domain.
 */
function spellByDomain(best: Candidate, sureness: Map<string, number>): { text: string; why: string } | null {
  if (best.rows[0]!.method !== 'ocr') return null;
  for (const t of best.tokens) {
    const word = normalize(t.text).replace(/[^a-z0-9]/g, '');
    if (word.length < 3 || t.confidence >= UNSURE_WORD || !best.text.includes(t.text)) continue;
    for (const [label, conf] of sureness) {
      if (label.length < 4 || conf < SURE_DOMAIN || label === word || stringSimilarity(word, label) < SPELLING_SIMILARITY) continue;
      const fixed = /^\p{Lu}+$/u.test(t.text) ? label.toUpperCase() : label[0]!.toUpperCase() + label.slice(1);
      return { text: best.text.replace(t.text, fixed), why: `"${t.text}" read unsurely, spelt as the document's domain ${label}` };
    }
  }
  return null;
}

interface Brand {
  text: string;
  norm: string;
  row: Row;
  box: Box | null;
  count: number;
  strength: number;
}

function brandCandidate(ctx: DocContext, domains: Map<string, number>, customerRows: Set<Row>): Brand | null {
  let best: Brand | null = null;
  for (const [label, n] of domains) {
    const compact = label.replace(/-/g, '');
    let count = 0;
    let first: { row: Row; token: Token } | null = null;
    for (const row of ctx.view.rows) {
      if (customerRows.has(row)) continue;
      for (const t of row.tokens) {
        if (/@|www\.|https?:|\//.test(t.norm)) continue;
        const w = t.norm.replace(/\.(com|net|org|[a-z]{2})$/, '').replace(/[^a-z0-9]/g, '');
        if (w.length >= 3 && (w === compact || (w.length >= 3 && compact.startsWith(w) && /^\p{Lu}+$/u.test(t.text.replace(/[^\p{L}]/gu, ''))))) {
          count++;
          first ??= { row, token: t };
        }
      }
    }
    if (!first) continue;
    const strength = Math.min(2, n - 1) + count;
    if (!best || strength > best.strength) {
      const text = first.token.text.replace(/\.(com|net|org|[a-z]{2})$/i, '').replace(/[^\p{L}\p{N}-]/gu, '');
      best = { text, norm: normalize(text), row: first.row, box: first.token.box, count, strength };
    }
  }
  return best;
}
