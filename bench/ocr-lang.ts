// What reading with more language models than English costs and gains, measured on generated
// invoice scans in French, German, Spanish and English (test/fixtures/evidence.ts):
//
//   npx tsx bench/ocr-lang.ts [--per-lang N] [--configs eng,all,oracle,detect] [--medium scan|photo]
//
// Per configuration: seconds per page (one worker per core, pages two at a time per worker), the
// accented words printed that come back exactly and their character accuracy (best matching
// token), the share of all printed words read back, and the fields `extract` gets right (vendor,
// total, date, invoice number). Timings on a shared machine move with the load: compare rows of
// one run. Tesseract.js only: it reads page scans first; Paddle reads receipts and photos.
import os from 'node:os';
import { extract } from '../pipeline/extract/index.ts';
import { createOcrPool, type OcrEngine, type OcrPool } from '../pipeline/ocr.ts';
import { TESSERACT_LANGUAGES, withLanguageChoice } from '../pipeline/ocr-lang.ts';
import { pageText, readDocument } from '../pipeline/read.ts';
import { makeInvoiceSpec, pagesOf, renderDoc, type InvoiceSpec, type Lang } from '../test/fixtures/evidence.ts';
import { vendorMatches } from './accuracy.ts';
import { stringSimilarity } from '../pipeline/vendor.ts';
import { arg, mapLimit } from './util.ts';

const PER_LANG = Number(arg('per-lang') ?? 6);
const CONFIGS = (arg('configs') || 'eng,all,oracle,detect').split(',');
const MEDIUM = (arg('medium') || 'scan') as 'scan' | 'photo';
const LANGS: Lang[] = ['fr', 'de', 'es', 'en'];
const TESS: Record<Lang, string> = { en: 'eng', fr: 'fra', de: 'deu', es: 'spa' };
const CORES = Math.max(1, os.availableParallelism());

interface Sample {
  spec: InvoiceSpec;
  bytes: Uint8Array;
  words: string[];
}

const ACCENTED = /[^\x00-\x7f]/u;
const tokens = (text: string) => text.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}€$£]+|[^\p{L}\p{N}€$£]+$/gu, '')).filter(Boolean);

/** Best similarity of `word` to any token read, 0..1. */
function bestSimilarity(word: string, read: string[]): number {
  let best = 0;
  for (const t of read) {
    if (Math.abs(t.length - word.length) > word.length / 2) continue;
    best = Math.max(best, stringSimilarity(t, word));
    if (best === 1) break;
  }
  return best;
}

interface Score {
  pages: number;
  seconds: number;
  accentedOk: number;
  accented: number;
  accentChars: number;
  wordsOk: number;
  words: number;
  fields: number;
  fieldsMax: number;
  rereads: number;
}

function emptyScore(): Score {
  return { pages: 0, seconds: 0, accentedOk: 0, accented: 0, accentChars: 0, wordsOk: 0, words: 0, fields: 0, fieldsMax: 0, rereads: 0 };
}

async function main(): Promise<void> {
  const samples: Record<Lang, Sample[]> = { fr: [], de: [], es: [], en: [] };
  for (const lang of LANGS) {
    for (let i = 0; i < PER_LANG; i++) {
      const seed = 9100 + LANGS.indexOf(lang) * 100 + i;
      const spec = makeInvoiceSpec(seed, { lang });
      // One-page A4 layouts: a multi-page invoice is the same words in a PDF, and a receipt drawn
      // on an A4 page costs tesseract a minute (image.ts's small-print pass), drowning the rest.
      if (spec.layout === 'multi-page' || spec.layout === 'receipt') spec.layout = 'classic';
      const { bytes } = await renderDoc(spec, MEDIUM, seed);
      const words = pagesOf(spec).flat().flatMap((l) => tokens(typeof l === 'string' ? l : l.text));
      samples[lang].push({ spec, bytes, words });
    }
  }
  console.log(`ocr-lang: ${PER_LANG} ${MEDIUM}s per language (${LANGS.join(', ')}), ${CORES} core(s), load ${os.loadavg()[0]!.toFixed(1)}`);

  const pools = new Map<string, OcrPool>();
  const poolOf = (langs: readonly string[]) => {
    const key = langs.join('+');
    let p = pools.get(key);
    if (!p) pools.set(key, (p = createOcrPool({ languages: langs })));
    return p;
  };
  const all = [...TESSERACT_LANGUAGES];
  const engines: Record<string, (lang: Lang) => OcrEngine> = {
    eng: () => poolOf(['eng']),
    all: () => poolOf(all),
    // The page's own language first, English second: the best a language choice can do.
    oracle: (lang) => fixed(poolOf(all), lang === 'en' ? ['eng'] : [TESS[lang], 'eng']),
    detect: () => withLanguageChoice(poolOf(all)),
  };
  const recognised = () => [...pools.values()].reduce((n, p) => n + p.stats().pagesDone, 0);
  const results = new Map<string, Record<Lang, Score>>();
  for (const name of CONFIGS) {
    const make = engines[name];
    if (!make) throw new Error(`unknown config ${name}`);
    // Worker start (model load) is paid once per process, not per page.
    await readDocument(samples.en[0]!.bytes, { ocr: make('en') }).catch(() => null);
    const byLang = { fr: emptyScore(), de: emptyScore(), es: emptyScore(), en: emptyScore() };
    for (const lang of LANGS) {
      const engine = make(lang);
      const s = byLang[lang];
      const before = recognised();
      const t0 = performance.now();
      const docs = await mapLimit(samples[lang], CORES * 2, (x) => readDocument(x.bytes, { ocr: engine }).catch(() => null));
      s.seconds += (performance.now() - t0) / 1000;
      // Recognitions beyond one per page: language re-reads and image.ts's small-print/faint passes.
      s.rereads += recognised() - before - samples[lang].length;
      samples[lang].forEach((x, i) => {
        const doc = docs[i];
        s.pages++;
        const text = doc ? doc.pages.map(pageText).join('\n') : '';
        const read = tokens(text);
        const readSet = new Set(read);
        const accented = x.words.filter((w) => ACCENTED.test(w) && /\p{L}/u.test(w));
        s.accented += accented.length;
        for (const w of accented) {
          if (readSet.has(w)) s.accentedOk++;
          s.accentChars += bestSimilarity(w, read);
        }
        s.words += x.words.length;
        s.wordsOk += x.words.filter((w) => readSet.has(w)).length;
        s.fieldsMax += 4;
        if (doc) {
          const f = extract(doc).fields;
          if (vendorMatches(f.vendor?.value, x.spec.vendor.name)) s.fields++;
          if (f.amount?.value === x.spec.totalMinor) s.fields++;
          if (f.date?.value === x.spec.date) s.fields++;
          if (f.invoiceNumber?.value?.replace(/\s+/g, '') === x.spec.number) s.fields++;
        }
      });
    }
    results.set(name, byLang);
    const rss = process.memoryUsage().rss;
    console.log(`  ${name} done, RSS ${Math.round(rss / 1048576)} MB`);
  }
  for (const p of pools.values()) await p.close();

  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
  console.log('\nconfig  lang  s/page  accented exact  accent chars  words read  fields  re-reads');
  for (const [name, byLang] of results) {
    const total = emptyScore();
    for (const lang of LANGS) {
      const s = byLang[lang];
      for (const k of Object.keys(total) as (keyof Score)[]) total[k] += s[k];
      console.log(row(name, lang, s));
    }
    console.log(row(name, 'all', total));
  }
  function row(name: string, lang: string, s: Score): string {
    return [
      name.padEnd(6),
      lang.padEnd(4),
      (s.seconds / s.pages).toFixed(2).padStart(6),
      `${s.accentedOk}/${s.accented} ${pct(s.accentedOk, s.accented)}`.padStart(15),
      pct(s.accentChars, s.accented).padStart(13),
      pct(s.wordsOk, s.words).padStart(11),
      `${s.fields}/${s.fieldsMax}`.padStart(7),
      String(s.rereads).padStart(9),
    ].join('  ');
  }
}

/** `engine` always asked for `languages`. */
function fixed(engine: OcrEngine, languages: string[]): OcrEngine {
  return { recognize: (img, o) => engine.recognize(img, { ...o, languages }), close: () => engine.close() };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
