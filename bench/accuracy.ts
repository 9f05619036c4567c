// Extraction accuracy against a corpus with ground truth (corpus/README.md):
//
//   npm run bench:accuracy -- <corpus-dir> [--images] [--cache] [--verbose] [--only <name>]
//   npm run bench:accuracy -- <claims-dir> [--cache] [--verbose]
//
// A <claims-dir> (claims.json, evidence/, expected.json: see bench/generate.ts) is checked end to
// end: kinds as a confusion matrix, flags with precision/recall/F1 per code, tuning and untouched
// parts apart (bench/claims-accuracy.ts).
//
// Reads every file of <dir>/truth.jsonl the way the product does (readDocument with a shared
// OCR pool, then extract), compares field by field and prints per-field accuracy, seconds per
// document and, with --verbose, every miss. --images runs the PNG renderings instead of the PDFs.
// --cache keeps each ReadDocument as JSON under .cache/ocr/<set>/ (git-ignored) and reuses it,
// so extraction rules can be tuned without re-running OCR; seconds then count extraction only.
// On the product path (no --engine) both engines' readings are cached and the product's own
// decision (first engine, second reading when doubtful, merge and vote) runs on them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from '../pipeline/extract/index.ts';
import { isClaimsFolder, runClaimsBench } from './claims-accuracy.ts';
import { currencyExponent } from '../pipeline/money.ts';
import { createOcrPool } from '../pipeline/ocr.ts';
import { createPaddlePool } from '../pipeline/paddle.ts';
import { createOcrEngines } from '../pipeline/engines.ts';
import { processBytes } from '../pipeline/process.ts';
import { readDocument } from '../pipeline/read.ts';
import type { Extraction, ReadDocument } from '../pipeline/types.ts';

/** One line of a corpus's truth.jsonl (corpus/README.md). */
export interface Truth {
  file: string;
  image?: string;
  vendor: string | null;
  vendorAlt?: string;
  amount: number | null;
  currency: string | null;
  date: string | null;
  invoiceNumber?: string | null;
  /** The date as printed, where the corpus records it. */
  dateRaw?: string;
}

export function readTruths(file: string): Truth[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Truth);
}

type FieldName = 'amount' | 'currency' | 'date' | 'vendor' | 'invoiceNumber';
const FIELDS: FieldName[] = ['amount', 'currency', 'date', 'vendor', 'invoiceNumber'];

const LEGAL = /\b(sdn|bhd|s b|pvt|private|ltd|limited|llc|inc|incorporated|corp|corporation|co|company|gmbh|bv|b v|nv|n v|ag|sa|sas|sarl|plc|llp|pte|pty|the|m)\b/g;

function normalizeVendor(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(LEGAL, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Case/punctuation/legal-form-insensitive containment, or similarity ≥ 0.8. */
export function vendorMatches(got: string | null | undefined, expected: string): boolean {
  if (!got) return false;
  const a = normalizeVendor(got);
  const b = normalizeVendor(expected);
  if (!a || !b) return false;
  const contains = (x: string, y: string) => y.length >= 3 && ` ${x} `.includes(` ${y} `);
  if (contains(a, b) || contains(b, a)) return true;
  return 1 - levenshtein(a, b) / Math.max(a.length, b.length) >= 0.8;
}

/** The extracted vendor against the truth's name or its alternative spelling. */
export function vendorMatchesTruth(got: string | null | undefined, t: Truth): boolean {
  return !!t.vendor && (vendorMatches(got, t.vendor) || (!!t.vendorAlt && vendorMatches(got, t.vendorAlt)));
}

function invoiceNumberMatches(got: string | null | undefined, expected: string): boolean {
  if (!got) return false;
  const n = (s: string) => s.replace(/\s+/g, '').replace(/^#/, '').toLowerCase();
  return n(got) === n(expected);
}

function compare(field: FieldName, ex: Extraction, t: Truth): { counted: boolean; ok: boolean; expected: string; got: string } {
  const f = ex.fields;
  switch (field) {
    case 'amount': {
      if (t.amount === null) return { counted: false, ok: false, expected: '', got: '' };
      const exp = currencyExponent(t.currency);
      const expectedMinor = Math.round(t.amount * 10 ** exp);
      const got = f.amount?.value ?? null;
      return { counted: true, ok: got === expectedMinor, expected: String(t.amount), got: got === null ? 'null' : String(got / 10 ** exp) };
    }
    case 'currency':
      if (t.currency === null) return { counted: false, ok: false, expected: '', got: '' };
      return { counted: true, ok: f.currency?.value === t.currency, expected: t.currency, got: f.currency?.value ?? 'null' };
    case 'date':
      if (t.date === null) return { counted: false, ok: false, expected: '', got: '' };
      return { counted: true, ok: f.date?.value === t.date, expected: t.date, got: f.date ? `${f.date.value}${f.date.alternatives ? ` (alt ${f.date.alternatives.join(',')})` : ''}` : 'null' };
    case 'vendor': {
      if (t.vendor === null) return { counted: false, ok: false, expected: '', got: '' };
      const got = f.vendor?.value ?? null;
      return { counted: true, ok: vendorMatchesTruth(got, t), expected: t.vendor + (t.vendorAlt ? ` | ${t.vendorAlt}` : ''), got: got ?? 'null' };
    }
    case 'invoiceNumber':
      if (t.invoiceNumber === undefined || t.invoiceNumber === null) return { counted: false, ok: false, expected: '', got: '' };
      return { counted: true, ok: invoiceNumberMatches(f.invoiceNumber?.value, t.invoiceNumber), expected: t.invoiceNumber, got: f.invoiceNumber?.value ?? 'null' };
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
  const dir = args.find((a, i) => !a.startsWith('--') && !['--only', '--engine', '--psm'].includes(args[i - 1]!));
  if (!dir) {
    console.error('usage: npm run bench:accuracy -- <corpus-dir> [--images] [--cache] [--verbose] [--only <file>] [--engine tesseract|paddle]');
    process.exit(2);
  }
  if (isClaimsFolder(dir)) {
    await runClaimsBench(dir, { cache: flags.has('--cache'), verbose: flags.has('--verbose') });
    return;
  }
  const truthPath = path.join(dir, 'truth.jsonl');
  if (!existsSync(truthPath)) {
    console.error(`${truthPath}: not found`);
    process.exit(2);
  }
  const images = flags.has('--images');
  const useCache = flags.has('--cache');
  const verbose = flags.has('--verbose');
  const truths = readTruths(truthPath)
    .filter((t) => (images ? !!t.image : true))
    .filter((t) => !only || t.file.includes(only) || (t.image ?? '').includes(only));

  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const engineArg = args.indexOf('--engine');
  // Default: the product's engines (Paddle first, tesseract.js for doubtful documents);
  // `--engine tesseract|paddle` reads with that one engine alone (its own second reading).
  const engine = engineArg >= 0 ? args[engineArg + 1] : 'product';
  const cacheDir = path.join(root, '.cache', 'ocr', path.basename(path.resolve(dir)) + (images ? '-images' : '') + (engine === 'tesseract' ? '' : engine === 'product' ? '-product-first' : `-${engine}`));
  if (useCache) mkdirSync(cacheDir, { recursive: true });
  const psmArg = args.indexOf('--psm');
  const psm = psmArg >= 0 ? Number(args[psmArg + 1]) : undefined;
  const engines = engine === 'product' ? createOcrEngines() : null;
  const pool = engines ? engines.first : engine === 'paddle' ? createPaddlePool() : createOcrPool(psm ? { psm } : {});
  const processOpts = engines ? { ocr: engines.first, secondOcr: engines.second, pageScansFirst: true } : { ocr: pool };
  // --cache on the product path: each engine's reading is kept apart, in folders of its own (the
  // product's engines choose languages and turn pages, which `--engine paddle|tesseract` do not),
  // and processBytes decides from them exactly as it does live, second reading included.
  const secondCacheDir = cacheDir.replace(/-first$/, '-second');
  if (useCache && engines) mkdirSync(secondCacheDir, { recursive: true });
  const cachedRead =
    (name: string) =>
    async (bytes: Uint8Array, ro: Parameters<typeof readDocument>[1]): Promise<ReadDocument> => {
      const folder = ro.ocr === engines?.first ? cacheDir : secondCacheDir;
      const file = path.join(folder, name + '.json');
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ReadDocument;
      const doc = await readDocument(bytes, ro);
      writeFileSync(file, JSON.stringify(doc));
      return doc;
    };
  const tally = new Map<FieldName, { ok: number; n: number }>(FIELDS.map((f) => [f, { ok: 0, n: 0 }]));
  const misses: string[] = [];
  let readSeconds = 0;
  let extractSeconds = 0;
  let read = 0;
  const started = Date.now();
  try {
    let next = 0;
    const results: { t: Truth; name: string; ex: Extraction | null; error?: string }[] = [];
    const workers = Array.from({ length: 2 }, async () => {
      while (next < truths.length) {
        const t = truths[next++]!;
        const name = images ? t.image! : t.file;
        const cachePath = path.join(cacheDir, name + '.json');
        if (!useCache || engines) {
          // The product's own path (pipeline/process.ts), second reading included.
          const t0 = performance.now();
          const p = await processBytes(name, new Uint8Array(readFileSync(path.join(dir, name))), useCache && engines ? { ...processOpts, read: cachedRead(name) } : processOpts);
          readSeconds += (performance.now() - t0) / 1000;
          read++;
          if (p.status === 'failed' || !p.extraction) results.push({ t, name, ex: null, error: p.error?.message ?? 'no extraction' });
          else results.push({ t, name, ex: p.extraction });
          continue;
        }
        let doc: ReadDocument;
        try {
          if (existsSync(cachePath)) {
            doc = JSON.parse(readFileSync(cachePath, 'utf8')) as ReadDocument;
          } else {
            const t0 = performance.now();
            doc = await readDocument(new Uint8Array(readFileSync(path.join(dir, name))), { ocr: pool });
            readSeconds += (performance.now() - t0) / 1000;
            read++;
            writeFileSync(cachePath, JSON.stringify(doc));
          }
        } catch (err) {
          results.push({ t, name, ex: null, error: err instanceof Error ? err.message : String(err) });
          continue;
        }
        const t1 = performance.now();
        const ex = extract(doc);
        extractSeconds += (performance.now() - t1) / 1000;
        results.push({ t, name, ex });
      }
    });
    await Promise.all(workers);
    results.sort((a, b) => a.name.localeCompare(b.name));
    for (const { t, name, ex, error } of results) {
      for (const field of FIELDS) {
        if (!ex) {
          const c = compare(field, { kind: 'other', kindConfidence: 0, fields: { vendor: null, amount: null, currency: null, date: null, invoiceNumber: null }, csr: null }, t);
          if (!c.counted) continue;
          tally.get(field)!.n++;
          misses.push(`${name}\t${field}\texpected ${c.expected}\tgot nothing (${error})`);
          continue;
        }
        const c = compare(field, ex, t);
        if (!c.counted) continue;
        const s = tally.get(field)!;
        s.n++;
        if (c.ok) s.ok++;
        else {
          const fld = ex.fields[field];
          misses.push(`${name}\t${field}\texpected ${c.expected}\tgot ${c.got}${fld ? `\t(conf ${fld.confidence}${fld.note ? `; ${fld.note}` : ''})` : ''}`);
        }
      }
    }
  } finally {
    await (engines ?? pool).close();
  }
  const wall = (Date.now() - started) / 1000;
  console.log(`${dir}${images ? ' (images)' : ''}: ${truths.length} documents`);
  for (const field of FIELDS) {
    const s = tally.get(field)!;
    if (s.n === 0) continue;
    console.log(`  ${field.padEnd(14)} ${((100 * s.ok) / s.n).toFixed(1).padStart(5)} %  (${s.ok}/${s.n})`);
  }
  if (useCache) {
    if (read > 0) console.log(`  reading: ${(readSeconds / read).toFixed(2)} s/document (2 in parallel)`);
    console.log(`  extraction: ${((1000 * extractSeconds) / Math.max(1, truths.length)).toFixed(1)} ms/document`);
  } else {
    console.log(`  read + extract: ${(readSeconds / Math.max(1, read)).toFixed(2)} s/document (2 in parallel; wall ${(wall / truths.length).toFixed(2)} s/document)`);
  }
  if (verbose && misses.length) {
    console.log('misses (file, field, expected, got):');
    for (const m of misses) console.log('  ' + m);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
