// Currency markers (symbols, local abbreviations, ISO codes, words) and the country cues that
// settle an ambiguous "$" or an unmarked receipt.
import { currencyExponent, isCurrencyCode } from '../money.ts';
import type { Box } from '../types.ts';
import type { DocContext } from './context.ts';
import type { MoneyMention } from './money-scan.ts';
import { spanBox, type Row } from './text.ts';

/** Symbols and abbreviations that name one currency. Longest first when matching. */
export const CURRENCY_MARKERS: Record<string, string> = {
  'US$': 'USD',
  'U$S': 'USD',
  'USD$': 'USD',
  'CA$': 'CAD',
  'C$': 'CAD',
  'A$': 'AUD',
  'AU$': 'AUD',
  'NZ$': 'NZD',
  'S$': 'SGD',
  'SG$': 'SGD',
  'HK$': 'HKD',
  'R$': 'BRL',
  'MX$': 'MXN',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '￥': 'JPY',
  '₹': 'INR',
  '₩': 'KRW',
  '₽': 'RUB',
  '₺': 'TRY',
  '₱': 'PHP',
  '฿': 'THB',
  '₫': 'VND',
  '₪': 'ILS',
  '₦': 'NGN',
  'zł': 'PLN',
  'Kč': 'CZK',
  RM: 'MYR',
  Rs: 'INR',
  'Rs.': 'INR',
  Rp: 'IDR',
  RMB: 'CNY',
  '元': 'CNY',
  Ft: 'HUF',
  Fr: 'CHF',
  'Fr.': 'CHF',
  '$': '$',
};

/** Dollar-like currencies "$" may stand for. */
export const DOLLAR_CODES = new Set(['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN', 'TWD', 'BND', 'FJD', 'JMD', 'TTD', 'BSD', 'BBD', 'XCD', 'LRD', 'NAD', 'GYD', 'SRD']);

/** Codes that are also ordinary words in upper-case text; trusted only next to a number. */
const WORDLIKE_CODES = new Set(['ALL', 'TOP', 'CUP', 'MOP', 'PEN', 'MAD', 'SOS', 'BAM', 'AMD', 'BOB', 'CVE', 'DOP', 'GEL', 'LAK', 'MDL', 'MRU', 'NIO', 'PAB', 'STN', 'SYP', 'TND', 'TRY', 'UAH', 'XAF', 'XOF', 'BIF', 'KES', 'BHD', 'SVC', 'SHP', 'MUR', 'RON', 'ANG', 'ERN', 'NAD', 'LSL', 'GIP', 'XSU', 'XDR', 'CUC', 'SLE', 'VES', 'YER', 'PGK', 'MGA']);

/** Currency names in words. */
const CURRENCY_WORDS: [RegExp, string][] = [
  [/\bus ?dollars?\b|\bu\.s\. dollars?\b|\bunited states dollars?\b/, 'USD'],
  [/\bsingapore dollars?\b/, 'SGD'],
  [/\baustralian dollars?\b/, 'AUD'],
  [/\bcanadian dollars?\b/, 'CAD'],
  [/\bhong kong dollars?\b/, 'HKD'],
  [/\bnew zealand dollars?\b/, 'NZD'],
  [/\beuros?\b/, 'EUR'],
  [/\bringgit\b/, 'MYR'],
  [/\brupees?\b/, 'INR'],
  [/\bpounds? sterling\b|\bsterling\b/, 'GBP'],
  [/\bswiss francs?\b/, 'CHF'],
  [/\byen\b/, 'JPY'],
  [/\byuan\b|\brenminbi\b/, 'CNY'],
  [/\bbaht\b/, 'THB'],
  [/\brupiah\b/, 'IDR'],
];

export function markerToCode(marker: string): string | null {
  const m = CURRENCY_MARKERS[marker];
  if (m) return m;
  const up = marker.toUpperCase();
  if (CURRENCY_MARKERS[up]) return CURRENCY_MARKERS[up]!;
  if (/^[A-Z]{3}$/.test(marker) && isCurrencyCode(marker)) return marker;
  return null;
}

export function isWordlikeCode(code: string): boolean {
  return WORDLIKE_CODES.has(code);
}

export function currencyWords(norm: string): string[] {
  const out: string[] = [];
  for (const [re, code] of CURRENCY_WORDS) if (re.test(norm)) out.push(code);
  return out;
}

/**
 * Country cues with their currency. Each cue is a regex on normalised text and a weight;
 * the sums decide a country when no marker does. Cues are legal forms, tax ids, states and
 * address words a document of that country prints.
 */
const COUNTRY_CUES: { currency: string; cues: [RegExp, number][] }[] = [
  {
    currency: 'MYR',
    cues: [
      [/\bmalaysia\b/, 3],
      [/\bs[dco0i]n\.? ?bh?d\b|\bsdn\b|\bbhd\b/, 3],
      [/\bs\/b\b/, 1],
      [/\b(johor|selangor|kuala lumpur|pulau pinang|penang|perak|kedah|melaka|malacca|negeri sembilan|pahang|terengganu|kelantan|sabah|sarawak|putrajaya|labuan|petaling jaya|shah alam|klang|puchong|cheras|kepong)\b/, 2],
      [/\b(jalan|jln|taman|lorong|bandar|persiaran|kawasan perindustrian)\b/, 1.5],
      [/\brm ?\d/, 3],
      [/\bgst (reg|id)\b/, 0.5],
    ],
  },
  {
    currency: 'INR',
    cues: [
      [/\bindia\b/, 3],
      [/\bgstin\b/, 3],
      [/\bpvt\.? ?ltd\b|\bprivate limited\b/, 2],
      [/\b(cin|pan)\s*:?\s*[a-z0-9]{10}/, 1],
      [/\b(karnataka|maharashtra|tamil nadu|uttar pradesh|delhi|gujarat|kerala|telangana|haryana|rajasthan|west bengal|bangalore|bengaluru|mumbai|chennai|hyderabad|kolkata|pune|gurgaon|gurugram|noida|lucknow)\b/, 2],
      [/\brs\.? ?\d/, 3],
    ],
  },
  {
    currency: 'SGD',
    cues: [
      [/\bsingapore\b/, 3],
      [/\bpte\.? ?ltd\b/, 2.5],
      [/\buen\b/, 1],
    ],
  },
  {
    currency: 'AUD',
    cues: [
      [/\baustralia\b/, 3],
      [/\bpty\.? ?ltd\b/, 2.5],
      [/\babn\b/, 2],
      [/\b(nsw|vic|qld|tas)\s+\d{4}\b/, 2],
    ],
  },
  {
    currency: 'NZD',
    cues: [
      [/\bnew zealand\b/, 3],
      [/\bnzbn\b/, 2],
    ],
  },
  {
    currency: 'CAD',
    cues: [
      [/\bcanada\b/, 3],
      [/\bhst\b/, 1.5],
      [/\b(ON|QC|BC|AB|MB|SK|NS|NB|NL|PE)\s+[A-Z]\d[A-Z] ?\d[A-Z]\d\b/, 3],
    ],
  },
  {
    currency: 'USD',
    cues: [
      [/\bunited states\b|\busa\b|\bu\.s\.a\.?\b/, 3],
      [/\b(AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC)\s+\d{5}(-\d{4})?\b/, 2.5],
      [/\bsales tax\b/, 1],
      [/\b(inc|llc)\b/, 0.5],
      // The US employer identification number, printed where others print a VAT number.
      [/\b(ein|fein|tax id)\s*:?\s*\d{2}-\d{7}\b/, 1.5],
    ],
  },
  {
    currency: 'HKD',
    cues: [[/\bhong kong\b/, 2]],
  },
  {
    currency: 'GBP',
    cues: [
      [/\bunited kingdom\b|\bengland\b|\bscotland\b|\bwales\b/, 3],
      [/\bvat reg(istration)? no\b/, 1],
      [/\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b/, 0.5],
      [vatOrIban(['gb']), 3],
    ],
  },
  {
    currency: 'EUR',
    cues: [
      [/\b(gmbh|b\.v\.|bv|n\.v\.|sarl|s\.a\.r\.l\.|sas|s\.a\.s\.|s\.p\.a\.|s\.r\.l\.|s\.l\.|e\.k\.|ag|ug)\b/, 1],
      [/\b(btw|mwst|ust-?idnr|tva|iva|kvk|siret|rcs|ttc)\b/, 1.5],
      [/\b(deutschland|germany|france|nederland|netherlands|belgie|belgique|espana|spain|italia|italy|osterreich|austria|portugal|ireland|finland|luxembourg|greece|ellada)\b/, 2],
      // The language of a euro country (French, German, Spanish, Italian, Dutch, Greek invoices).
      [/\b(facture|montant|rechnung|gesamtbetrag|betrag|factura|importe|fattura|totale|factuur|totaal|bedrag)\b|τιμολογιο|συνολο|φπα/, 1.5],
      // VAT numbers and IBANs of euro countries.
      [vatOrIban(['de', 'fr', 'es', 'it', 'nl', 'be', 'at', 'ie', 'pt', 'fi', 'lu', 'el', 'gr', 'sk', 'si', 'ee', 'lv', 'lt', 'cy', 'mt', 'hr']), 3],
    ],
  },
  {
    currency: 'CHF',
    cues: [
      [/\b(schweiz|suisse|svizzera|switzerland)\b|\bche-?\d{3}/, 3],
      [vatOrIban(['ch', 'li']), 3],
    ],
  },
  {
    currency: 'SEK',
    cues: [
      [/\b(sverige|sweden)\b/, 3],
      [/\b(moms|att betala|summa att betala|kvitto|momsreg|org\.? ?nr)\b/, 1.5],
      [vatOrIban(['se']), 3],
    ],
  },
  {
    currency: 'PLN',
    cues: [
      [/\b(polska|poland)\b/, 3],
      [/\b(razem|do zap[lł]aty|faktura vat|nip|sprzedawca|nabywca)\b/, 1.5],
      [vatOrIban(['pl']), 3],
    ],
  },
  {
    currency: 'CZK',
    cues: [
      [/\b(cesko|ceska republika|czech republic|czechia)\b/, 3],
      [/\b(celkem|k uhrade|dph|ico|dic|danovy doklad)\b/, 1.5],
      [vatOrIban(['cz']), 3],
    ],
  },
  {
    currency: 'CNY',
    cues: [
      [/\b(china|prc)\b|中国|人民币/, 3],
      [/合计|发票|金额|价税合计/, 1.5],
    ],
  },
];

/**
 * A VAT number or an IBAN of one of `countries` (ISO 3166 codes, lower case, as normalised text
 * prints them): "DE123456789", "FR 12 345678901", "GB 123 4567 89", "DE89 3704 0044 0532 0130 00".
 */
function vatOrIban(countries: string[]): RegExp {
  const cc = countries.join('|');
  return new RegExp(`(?<![a-z0-9])(?:${cc})(?:\\d{2}(?: ?[a-z0-9]{4}){3,7}(?: ?[a-z0-9]{1,4})?|(?: ?[a-z]?\\d){8,12})(?![a-z0-9])`);
}

export interface CountryGuess {
  currency: string;
  score: number;
  runnerUp: number;
}

/**
 * Country-implied currency from the document's text, or null. Cues written in capitals (state
 * codes, postcodes) are matched on the text as printed, the others on the normalised text.
 */
export function guessCountryCurrency(text: string, norm: string): CountryGuess | null {
  const scores = COUNTRY_CUES.map(({ currency, cues }) => {
    let s = 0;
    for (const [re, w] of cues) {
      const g = new RegExp(re.source, 'g');
      const onRaw = /[A-Z]/.test(re.source.replace(/\\[a-zA-Z]/g, ''));
      const n = Math.min(3, ((onRaw ? text : norm).match(g) ?? []).length);
      s += w * (n > 0 ? 1 + 0.25 * (n - 1) : 0);
    }
    return { currency, score: s };
  }).sort((a, b) => b.score - a.score);
  const best = scores[0]!;
  if (best.score < 1.5) return null;
  return { currency: best.currency, score: best.score, runnerUp: scores[1]?.score ?? 0 };
}

/** Day-first or month-first habit of a currency's home. */
export function dateOrderForCurrency(code: string | null): 'dmy' | 'mdy' | null {
  if (!code) return null;
  if (code === 'USD') return 'mdy';
  if (['CAD', 'PHP'].includes(code)) return null;
  return 'dmy';
}

export interface CurrencyPick {
  value: string;
  confidence: number;
  page: number | null;
  box: Box | null;
  raw?: string;
  note: string;
}

interface Sighting {
  code: string;
  row: Row;
  box: Box | null;
  raw: string;
  /** Printed right next to a number. */
  attached: boolean;
}

/** Every currency named on the document: markers on amounts and ISO codes standing alone. */
function sightings(ctx: DocContext): Sighting[] {
  const out: Sighting[] = [];
  for (const m of ctx.money) {
    if (!m.code) continue;
    out.push({ code: m.code, row: m.row, box: spanBox(m.span), raw: m.raw, attached: true });
  }
  for (const row of ctx.view.rows) {
    row.tokens.forEach((t, i) => {
      if (ctx.moneyOn(row).some((m) => i >= m.span.start && i < m.span.end)) return;
      // A code or a local marker standing alone ("EUR", "Amount (RM)"), not glued to other
      // letters or digits ("JMD195388" is a registration number).
      const bare = /^[^A-Za-z0-9$€£¥₹]*([A-Za-z$€£¥₹.]{1,4})[^A-Za-z0-9$€£¥₹]*$/.exec(t.text)?.[1];
      if (!bare) return;
      const iso = /^[A-Z]{3}$/.test(bare) && isCurrencyCode(bare) && !isWordlikeCode(bare) ? bare : null;
      const local = !iso && /^(RM|Rs\.?|€|£|₹|Rp|RMB)$/.test(bare) ? markerToCode(bare) : null;
      const code = iso ?? local;
      if (code) out.push({ code, row, box: t.box, raw: t.text, attached: false });
    });
  }
  return out;
}

/**
 * The currency of the total: the marker printed with it, else the currency named on its row or
 * column, else the one the document names most (nearest first); a bare "$" is settled by an ISO
 * code or currency name anywhere, then by country cues, then read as USD with low confidence.
 */
export function pickCurrency(ctx: DocContext, total: { mention: MoneyMention; labelCurrency: string | null } | null): CurrencyPick | null {
  const seen = sightings(ctx);
  const words = currencyWords(ctx.norm);
  const country = guessCountryCurrency(ctx.text, ctx.norm);
  const dollarCodes = [...new Set([...seen.map((s) => s.code), ...words].filter((c) => DOLLAR_CODES.has(c)))];

  const resolveDollar = (s: Sighting | null, base: number): CurrencyPick => {
    const at = { page: s?.row.page ?? null, box: s?.box ?? null, ...(s ? { raw: s.raw } : {}) };
    if (dollarCodes.length === 1) return { value: dollarCodes[0]!, confidence: base, ...at, note: `"$" read as ${dollarCodes[0]} named on the document` };
    if (country && DOLLAR_CODES.has(country.currency)) {
      return { value: country.currency, confidence: base * 0.85, ...at, note: `"$" read as ${country.currency} from country cues` };
    }
    if (country && country.score >= 3) {
      // A "$" on a receipt from a country whose own currency has no "$" (MYR receipts print "$8.20").
      return { value: country.currency, confidence: base * 0.7, ...at, note: `"$" printed, read as ${country.currency} from country cues` };
    }
    return { value: 'USD', confidence: Math.min(base, 0.5), ...at, note: '"$" with nothing naming the dollar: USD assumed' };
  };
  const fromSighting = (s: Sighting, confidence: number, note: string): CurrencyPick => {
    if (s.code === '$') return resolveDollar(s, confidence);
    // "¥" is the yen in Japan and the yuan in China: a Chinese document means yuan.
    if (s.code === 'JPY' && /[¥￥]/.test(s.raw) && country?.currency === 'CNY') {
      return { value: 'CNY', confidence: confidence * 0.9, page: s.row.page, box: s.box, raw: s.raw, note: `"${s.raw}" on a Chinese document: yuan` };
    }
    // OCR turns "RM" or "$" into "£", "¥", "€" now and then: a lone symbol read by OCR does not
    // outweigh clear country cues for another currency.
    if (s.row.method === 'ocr' && !/[A-Za-z]{2}/.test(s.raw) && country && country.score >= 4 && country.currency !== s.code) {
      return { value: country.currency, confidence: 0.55, page: s.row.page, box: s.box, raw: s.raw, note: `OCR read "${s.raw}"; ${country.currency} from country cues` };
    }
    return { value: s.code, confidence, page: s.row.page, box: s.box, raw: s.raw, note };
  };

  if (total) {
    const tm = total.mention;
    const own = seen.find((s) => s.attached && s.row === tm.row && s.raw === tm.raw && s.code === tm.code);
    if (own && own.code !== '$') return fromSighting(own, 0.95, 'printed with the total');
    if (total.labelCurrency) {
      const s = seen.find((x) => x.row === tm.row && x.code === total.labelCurrency) ?? seen.find((x) => x.code === total.labelCurrency);
      if (s) return fromSighting(s, 0.9, 'named on the total\'s row or column');
    }
    const sameRow = seen.filter((s) => s.row === tm.row && s.code !== '$');
    if (sameRow.length) return fromSighting(sameRow[0]!, 0.9, "named on the total's row");
    if (own) {
      // "$" printed with the total: if the document names exactly one real code, that is it.
      const codes = [...new Set(seen.map((s) => s.code).filter((c) => c !== '$'))];
      if (codes.length === 1 && DOLLAR_CODES.has(codes[0]!)) {
        const s = seen.find((x) => x.code === codes[0])!;
        return { value: s.code, confidence: 0.9, page: s.row.page, box: s.box, raw: s.raw, note: `"$" with ${s.code} named on the document` };
      }
      return resolveDollar(own, 0.85);
    }
  }
  if (seen.length) {
    // Most named, nearest to the total first; a currency that agrees with the country cues and
    // with the decimals the total is printed with gets ahead of a stray code.
    const anchor = total?.mention.row.index ?? 0;
    const totalDecimals = total?.mention.fractionDigits ?? null;
    const weights = new Map<string, number>();
    for (const s of seen) {
      const near = 1 / (1 + Math.abs(s.row.index - anchor) / 3);
      weights.set(s.code, (weights.get(s.code) ?? 0) + (s.attached ? 1 : 0.7) * (0.5 + near));
    }
    for (const [code, w] of weights) {
      let v = w;
      if (country?.currency === code) v += 2;
      if (code !== '$' && totalDecimals !== null && totalDecimals > 0 && currencyExponent(code) !== totalDecimals) v *= 0.3;
      weights.set(code, v);
    }
    const ranked = [...weights.entries()].sort((a, b) => b[1] - a[1]);
    const [code, weight] = ranked[0]!;
    if (country && country.score >= 4 && code !== country.currency && code !== '$' && weight < 1.5) {
      // A lone symbol read by OCR ("¥" for a quantity's "1") says less than a printed code: the
      // cues count as much as they do on a page that names no currency at all.
      const strayGlyph = seen.every((x) => x.code !== code || (x.row.method === 'ocr' && !/[A-Za-z]{2}/.test(x.raw)));
      const conf = strayGlyph ? countryConfidence(country) : 0.55;
      return { value: country.currency, confidence: conf, page: null, box: null, note: `no currency printed with the total; ${country.currency} from country cues (a stray ${code} ignored)` };
    }
    const s = seen.filter((x) => x.code === code).sort((a, b) => Math.abs(a.row.index - anchor) - Math.abs(b.row.index - anchor))[0]!;
    const share = weight / ranked.reduce((a, [, n]) => a + n, 0);
    return fromSighting(s, 0.55 + 0.3 * share, ranked.length > 1 ? `most named on the document (also ${ranked.slice(1).map(([c]) => c).join(', ')})` : 'named on the document');
  }
  if (words.length === 1) return { value: words[0]!, confidence: 0.7, page: null, box: null, note: 'currency named in words' };
  if (country) return { value: country.currency, confidence: countryConfidence(country), page: null, box: null, note: `no currency printed; ${country.currency} from country cues` };
  return null;
}

/** How sure country cues alone make a currency: clear and unopposed cues, or only some. */
function countryConfidence(country: { score: number; runnerUp: number }): number {
  return country.score >= 4 && country.score > 2 * country.runnerUp ? 0.65 : 0.5;
}
