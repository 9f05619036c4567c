// Vendor names as a partner types them ("Acme") against names as printed and read from a page
// ("ACME, Inc.", "ACME lNC", "Acme Holdings Inc."). The comparison ignores legal forms, case,
// diacritics, punctuation and word order, forgives a little OCR noise, and accepts a name that
// is wholly contained in the other when the shared words are distinctive.

/**
 * Two names with a similarity at or above this are the same vendor. Chosen so that legal forms,
 * OCR slips of one or two letters per word and a claimed short name inside the printed full name
 * pass, while two companies sharing only a generic word ("Alpha Consulting" / "Beta Consulting",
 * about 0.7) do not.
 */
export const VENDOR_MATCH_THRESHOLD = 0.8;

/** Legal forms and company-type words, compared after punctuation is removed ("B.V." → "bv"). */
const LEGAL_SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'ltda', 'lda', 'plc', 'pvt', 'private', 'pty', 'pte',
  'corp', 'corporation', 'co', 'company', 'cie', 'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'gbr', 'ev',
  'bv', 'bvba', 'nv', 'vof', 'sa', 'sas', 'sasu', 'sarl', 'eurl', 'sl', 'slu', 'srl', 'spa', 'sro', 'as', 'asa',
  'ab', 'oy', 'oyj', 'aps', 'kk', 'bhd', 'sdn', 'sb', 'tbk', 'cv', 'se', 'kft', 'zrt', 'sp', 'zoo', 'oo', 'com',
]);
/** Legal forms written before the name (Indonesian PT, Russian OOO...). */
const LEGAL_PREFIXES = new Set(['pt', 'ooo', 'oao', 'zao', 'ao', 'the']);
/** Joining words that are left dangling once a trailing legal form is cut ("GmbH & Co. KG"). */
const CONNECTORS = new Set(['and', 'de', 'und', 'et', 'y', 'z']);

/**
 * Words too common to identify a vendor on their own: a name that is contained in the other only
 * through these ("Hotel" in "Hilton Hotel") is not a containment match.
 */
const GENERIC_WORDS = new Set([
  'and', 'of', 'the', 'services', 'service', 'marketing', 'consulting', 'solutions', 'group', 'international',
  'holdings', 'holding', 'trading', 'enterprise', 'enterprises', 'systems', 'technologies', 'technology', 'media',
  'agency', 'global', 'restaurant', 'hotel', 'hotels', 'store', 'stores', 'shop', 'supermarket', 'mart', 'retail',
  'events', 'event', 'design', 'digital', 'studio', 'print', 'printing', 'communications', 'partners', 'associates',
  'industries', 'products', 'management', 'network', 'networks', 'software', 'logistics', 'travel', 'center',
  'centre', 'sales', 'supply', 'supplies', 'foods', 'food', 'cafe', 'bar', 'online', 'web', 'world', 'new',
]);

const SPECIAL_LETTERS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

function foldText(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => SPECIAL_LETTERS[c] ?? c);
}

/** Tokens of a name without legal forms; the basis of every comparison here. */
export function vendorTokens(name: string): string[] {
  const s = foldText(name)
    .replace(/&/g, ' and ')
    .replace(/['’`´]/g, '')
    // Abbreviations written with dots or slashes stay one word: "B.V." → "bv", "S/B" → "sb".
    .replace(/\b([a-z])[./](?=[a-z]\b)/g, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (s === '') return [];
  const tokens = s.split(' ');
  // Runs of single letters ("b v", "s a") are one abbreviation spelt with spaces.
  const merged: string[] = [];
  let lastWasInitials = false;
  for (const t of tokens) {
    const initial = t.length === 1 && /\p{L}/u.test(t);
    if (initial && lastWasInitials) {
      merged[merged.length - 1] += t;
    } else {
      merged.push(t);
    }
    lastWasInitials = initial;
  }
  while (merged.length > 1 && LEGAL_PREFIXES.has(merged[0]!)) merged.shift();
  let cut = false;
  while (merged.length > 1) {
    const last = merged[merged.length - 1]!;
    if (LEGAL_SUFFIXES.has(last) || (cut && CONNECTORS.has(last))) {
      merged.pop();
      cut = true;
    } else {
      break;
    }
  }
  return merged;
}

/** The comparable form of a vendor name: lower case, ASCII-folded, no punctuation or legal form. */
export function normalizeVendor(name: string): string {
  return vendorTokens(name).join(' ');
}

// Pairs an OCR engine confuses; substituting one for the other costs less than a real typo.
const OCR_CONFUSIONS = new Set(['0o', '1l', '1i', 'il', '5s', '8b', '2z', '6g', '9g', 'ce']);
function substitutionCost(a: string, b: string): number {
  if (a === b) return 0;
  return OCR_CONFUSIONS.has(a < b ? a + b : b + a) ? 0.4 : 1;
}

/** Edit distance with cheap OCR confusions, and "rn"↔"m", "vv"↔"w" as one cheap edit. */
function ocrDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rolling rows: the "rn" → "m" step looks two rows back.
  let back2 = new Array<number>(m + 1).fill(0);
  let back1 = Array.from({ length: m + 1 }, (_, j) => j);
  let row = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    row[0] = i;
    const ai = a[i - 1]!;
    const aPair = i >= 2 ? a[i - 2]! + ai : '';
    for (let j = 1; j <= m; j++) {
      const bj = b[j - 1]!;
      let best = Math.min(back1[j]! + 1, row[j - 1]! + 1, back1[j - 1]! + substitutionCost(ai, bj));
      if (i >= 2 && ((aPair === 'rn' && bj === 'm') || (aPair === 'vv' && bj === 'w'))) best = Math.min(best, back2[j - 1]! + 0.4);
      if (j >= 2) {
        const bPair = b[j - 2]! + bj;
        if ((bPair === 'rn' && ai === 'm') || (bPair === 'vv' && ai === 'w')) best = Math.min(best, back1[j - 2]! + 0.4);
      }
      row[j] = best;
    }
    [back2, back1, row] = [back1, row, back2];
  }
  return back1[m]!;
}

/** 1 for equal strings, 0 for nothing in common. */
export function stringSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const len = Math.max(a.length, b.length);
  if (len === 0) return 1;
  return Math.max(0, 1 - ocrDistance(a, b) / len);
}

function tokenSimilarity(a: string, b: string): number {
  const s = stringSimilarity(a, b);
  // Short words ("ab", "xyz") carry too little to forgive a wrong letter.
  if (Math.min(a.length, b.length) <= 3) return s >= 0.85 ? s : 0;
  return s >= 0.75 ? s : 0;
}

interface Alignment {
  /** Σ similarity × mean length of the aligned token pairs. */
  weight: number;
  matchedA: boolean[];
  matchedB: boolean[];
}

function alignTokens(a: string[], b: string[]): Alignment {
  const pairs: Array<{ i: number; j: number; s: number }> = [];
  a.forEach((x, i) => b.forEach((y, j) => {
    const s = tokenSimilarity(x, y);
    if (s > 0) pairs.push({ i, j, s });
  }));
  // Names are a handful of words; best-first pairing is exact enough and stable.
  pairs.sort((p, q) => q.s - p.s || p.i - q.i || p.j - q.j);
  const matchedA = a.map(() => false);
  const matchedB = b.map(() => false);
  let weight = 0;
  for (const p of pairs) {
    if (matchedA[p.i] || matchedB[p.j]) continue;
    matchedA[p.i] = true;
    matchedB[p.j] = true;
    weight += (p.s * (a[p.i]!.length + b[p.j]!.length)) / 2;
  }
  return { weight, matchedA, matchedB };
}

const chars = (tokens: string[]) => tokens.reduce((n, t) => n + t.length, 0);

/**
 * Similarity of two vendor names in 0..1, symmetric. The best of: the names with spaces
 * removed (catches "Cool Blue" / "Coolblue"), the same with words sorted (reordering), word-by-
 * word alignment weighted by length, containment of one name in the other through distinctive
 * words, and an acronym ("AWS" for "Amazon Web Services").
 */
export function vendorSimilarity(a: string, b: string): number {
  // Matching compares every document with every expense, and names repeat: remember results.
  const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
  const known = similarityCache.get(key);
  if (known !== undefined) return known;
  if (similarityCache.size >= SIMILARITY_CACHE_SIZE) similarityCache.clear();
  const s = a < b ? computeSimilarity(a, b) : computeSimilarity(b, a);
  similarityCache.set(key, s);
  return s;
}

const SIMILARITY_CACHE_SIZE = 20_000;
const similarityCache = new Map<string, number>();

function computeSimilarity(a: string, b: string): number {
  const ta = vendorTokens(a);
  const tb = vendorTokens(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  const ja = ta.join(' ');
  const jb = tb.join(' ');
  if (ja === jb) return 1;

  const compact = stringSimilarity(ta.join(''), tb.join(''));
  const sorted = stringSimilarity([...ta].sort().join(''), [...tb].sort().join(''));

  const al = alignTokens(ta, tb);
  const total = chars(ta) + chars(tb);
  const dice = (2 * al.weight) / total;

  let contained = 0;
  const [short, shortMatched, longMatched] = chars(ta) <= chars(tb) ? [ta, al.matchedA, al.matchedB] : [tb, al.matchedB, al.matchedA];
  // Containment is about extra words on one side; same words misspelt are judged by `dice`.
  if (shortMatched.every(Boolean) && !longMatched.every(Boolean) && short.some((t) => t.length >= 3 && !GENERIC_WORDS.has(t) && !/^\d+$/.test(t))) {
    contained = 0.82 + 0.18 * dice;
  }

  let acronym = 0;
  for (const [one, many] of [[ta, tb], [tb, ta]] as const) {
    const significant = many.filter((t) => t !== 'and' && t !== 'of');
    if (one.length === 1 && one[0]!.length >= 2 && significant.length >= 2 && one[0] === significant.map((t) => t[0]).join('')) {
      acronym = 0.85;
    }
  }

  return round3(Math.min(1, Math.max(compact, sorted, dice, contained, acronym)));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Same vendor when `vendorSimilarity` reaches `VENDOR_MATCH_THRESHOLD` (0.8). */
export function vendorsMatch(a: string, b: string, threshold = VENDOR_MATCH_THRESHOLD): boolean {
  return vendorSimilarity(a, b) >= threshold;
}

// ---------------------------------------------------------------------------------------------
// Free-text search with OCR tolerance, for brand texts on proof-of-execution documents.

/** Lower case, ASCII-folded, every run of non-letters/digits a single space. */
export function foldForSearch(text: string): string {
  return foldText(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Whether `needle` occurs in `haystack` allowing about one wrong character in ten (OCR), after
 * folding case, diacritics and punctuation. Approximate substring search (Sellers' algorithm).
 */
export function containsFuzzy(haystack: string, needle: string): boolean {
  const h = foldForSearch(haystack);
  const n = foldForSearch(needle);
  if (n === '') return true;
  if (h.includes(n)) return true;
  const k = Math.floor(n.length / 10);
  if (k === 0) return false;
  const m = n.length;
  let prev = Array.from({ length: m + 1 }, (_, i) => i);
  let cur = new Array<number>(m + 1).fill(0);
  for (let j = 1; j <= h.length; j++) {
    cur[0] = 0;
    const c = h[j - 1]!;
    for (let i = 1; i <= m; i++) {
      cur[i] = Math.min(prev[i]! + 1, cur[i - 1]! + 1, prev[i - 1]! + (n[i - 1] === c ? 0 : 1));
    }
    if (cur[m]! <= k) return true;
    [prev, cur] = [cur, prev];
  }
  return false;
}
