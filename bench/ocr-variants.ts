// Which image preprocessing gives the extractor the best OCR text, measured end to end:
//
//   npx tsx bench/ocr-variants.ts <corpus-dir> [--variants reader,raw,gray2x,...] [--limit N]
//
// For each variant every image of <dir>/truth.jsonl is OCR'd through the shared pool (cached
// under .cache/ocr/variants/<set>/<variant>/), then scored two ways: the share of documents whose
// OCR text contains the true total / date at all (the ceiling for any extractor), and what
// `extract` gets right. "best:a+b" combines two cached variants per field by extraction
// confidence, the cost of a second pass on every page.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { extract, mergeExtractions } from '../pipeline/extract/index.ts';
import { FAINT_TEXT_THRESHOLD, ocrImage, ocrScore, prepareForOcr } from '../pipeline/image.ts';
import { alnumCount } from '../pipeline/lines.ts';
import { createOcrPool, type OcrEngine, type OcrPage, type OcrPool } from '../pipeline/ocr.ts';
import type { Extraction, ReadDocument } from '../pipeline/types.ts';
import { readTruths, vendorMatchesTruth, type Truth } from './accuracy.ts';

type Variant = ((engine: OcrEngine, bytes: Buffer) => Promise<OcrPage>) & { params?: Record<string, string> };

/** A variant read by a pool whose workers carry other tesseract parameters. */
function withParams(params: Record<string, string>, v: Variant): Variant {
  return Object.assign((e: OcrEngine, b: Buffer) => v(e, b), { params });
}

async function grayScaled(bytes: Buffer, factor: number, extra?: (s: Sharp) => Sharp): Promise<Buffer> {
  const meta = await sharp(bytes).metadata();
  let img = sharp(bytes).autoOrient().flatten({ background: '#ffffff' }).greyscale();
  if (factor !== 1) img = img.resize({ width: Math.round(meta.width! * factor), kernel: 'cubic' });
  if (extra) img = extra(img);
  return img.png({ compressionLevel: 1 }).toBuffer();
}

const VARIANTS: Record<string, Variant> = {
  /** What the product does today (pipeline/image.ts ocrImage). */
  reader: (e, b) => ocrImage(e, b),
  /** The same, cached separately when image.ts changes (copy .cache/ocr/<set>/ from bench:accuracy --cache). */
  'reader-now': (e, b) => ocrImage(e, b),
  /** The original file bytes, tesseract's own binarisation. */
  raw: (e, b) => e.recognize(b),
  gray: async (e, b) => e.recognize(await grayScaled(b, 1)),
  gray2x: async (e, b) => e.recognize(await grayScaled(b, 2)),
  'gray1.5x': async (e, b) => e.recognize(await grayScaled(b, 1.5)),
  'gray2x-psm6': async (e, b) => e.recognize(await grayScaled(b, 2), { psm: 6 }),
  'gray2x-psm4': async (e, b) => e.recognize(await grayScaled(b, 2), { psm: 4 }),
  'gray2x-sharpen': async (e, b) => e.recognize(await grayScaled(b, 2, (s) => s.sharpen())),
  'clahe2x': async (e, b) => e.recognize(await grayScaled(b, 2, (s) => s.clahe({ width: 48, height: 48, maxSlope: 3 }))),
  /** Tesseract's API default segmentation (one uniform block), which tesseract.js uses when none is set. */
  'raw-psm6': (e, b) => e.recognize(b, { psm: 6 }),
  /** The reader's preprocessing and faint-page fallback, read as one block. */
  'reader-psm6': async (e, b) => {
    const plain = await prepareForOcr(b, { variant: 'plain' });
    const first = await e.recognize(plain.png, { psm: 6, ...(plain.dpi ? { dpi: plain.dpi } : {}) });
    if (alnumCount(first.text) >= FAINT_TEXT_THRESHOLD) return first;
    const contrast = await prepareForOcr(b, { variant: 'contrast' });
    const second = await e.recognize(contrast.png, { psm: 6, ...(contrast.dpi ? { dpi: contrast.dpi } : {}) });
    return ocrScore(second) > ocrScore(first) ? second : first;
  },
  /** The reader as it is now (ocrImage, every step of it), each page segmented as one block. */
  'ocrimage-psm6': (e, b) => ocrImage({ recognize: (img, o) => e.recognize(img, { ...o, psm: 6 }), close: () => e.close() }, b),
  /** Tesseract's default inverted-text pass back on (the pool turns it off). */
  'reader-invert': withParams({ tessedit_do_invert: '1' }, (e, b) => ocrImage(e, b)),
  'raw-invert': withParams({ tessedit_do_invert: '1' }, (e, b) => e.recognize(b)),
  'gray2x-psm6-invert': withParams({ tessedit_do_invert: '1' }, async (e, b) => e.recognize(await grayScaled(b, 2), { psm: 6 })),
};

function toDoc(page: OcrPage, width: number, height: number): ReadDocument {
  return { fileType: 'jpeg', method: 'ocr', pages: [{ number: 1, method: 'ocr', width, height, lines: page.lines }] };
}

function text(doc: ReadDocument): string {
  return doc.pages.map((p) => p.lines.map((l) => l.text).join('\n')).join('\n');
}

interface Score {
  amountIn: number;
  dateIn: number;
  amount: number;
  date: number;
  vendor: number;
  n: number;
}

function score(truths: Truth[], get: (t: Truth) => { doc: ReadDocument | null; ex: Extraction | null }): Score {
  const s: Score = { amountIn: 0, dateIn: 0, amount: 0, date: 0, vendor: 0, n: 0 };
  for (const t of truths) {
    const { doc, ex } = get(t);
    s.n++;
    if (!doc || !ex) continue;
    const tx = text(doc);
    if (t.amount !== null && tx.includes(t.amount.toFixed(2))) s.amountIn++;
    if (t.dateRaw && tx.includes(t.dateRaw)) s.dateIn++;
    if (t.amount === null || ex.fields.amount?.value === Math.round(t.amount * 100)) s.amount++;
    if (ex.fields.date?.value === t.date) s.date++;
    if (vendorMatchesTruth(ex.fields.vendor?.value, t)) s.vendor++;
  }
  return s;
}

function pct(a: number, n: number): string {
  return `${((100 * a) / Math.max(1, n)).toFixed(1)} %`.padStart(8);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a, i) => !a.startsWith('--') && !['--variants', '--limit'].includes(args[i - 1] ?? ''));
  if (!dir) {
    console.error('usage: npx tsx bench/ocr-variants.ts <corpus-dir> [--variants a,b] [--limit N]');
    process.exit(2);
  }
  const vi = args.indexOf('--variants');
  const names = vi >= 0 ? args[vi + 1]!.split(',') : ['reader', 'raw', 'gray2x'];
  const li = args.indexOf('--limit');
  const limit = li >= 0 ? Number(args[li + 1]) : Infinity;
  const truths = readTruths(path.join(dir, 'truth.jsonl'))
    // A set of PDFs with image renderings (invoice2data): the images are what OCR reads.
    .flatMap((t) => (/\.pdf$/i.test(t.file) ? (t.image ? [{ ...t, file: t.image }] : []) : [t]))
    .slice(0, limit);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const base = path.join(root, '.cache', 'ocr', 'variants', path.basename(path.resolve(dir)));
  const pools = new Map<string, OcrPool>();
  const poolFor = (params: Record<string, string> | undefined): OcrPool => {
    const key = JSON.stringify(params ?? {});
    if (!pools.has(key)) pools.set(key, createOcrPool(params ? { params } : {}));
    return pools.get(key)!;
  };
  const docs = new Map<string, Map<string, ReadDocument | null>>();
  const seconds = new Map<string, number>();
  try {
    for (const name of [...new Set(names.flatMap((n) => (n.includes(':') ? n.slice(n.indexOf(':') + 1).split('+') : [n])))]) {
      const variant = VARIANTS[name];
      if (!variant) throw new Error(`unknown variant ${name} (known: ${Object.keys(VARIANTS).join(', ')})`);
      const vdir = path.join(base, name);
      mkdirSync(vdir, { recursive: true });
      const got = new Map<string, ReadDocument | null>();
      let next = 0;
      let spent = 0;
      let ran = 0;
      await Promise.all(
        Array.from({ length: 2 }, async () => {
          while (next < truths.length) {
            const t = truths[next++]!;
            const cache = path.join(vdir, t.file + '.json');
            if (existsSync(cache)) {
              got.set(t.file, JSON.parse(readFileSync(cache, 'utf8')) as ReadDocument);
              continue;
            }
            const bytes = readFileSync(path.join(dir, t.file));
            const meta = await sharp(bytes).metadata();
            const t0 = performance.now();
            try {
              const page = await variant(poolFor(variant.params), bytes);
              const doc = toDoc(page, meta.width!, meta.height!);
              got.set(t.file, doc);
              writeFileSync(cache, JSON.stringify(doc));
            } catch (err) {
              console.error(`${name} ${t.file}: ${err instanceof Error ? err.message : err}`);
              got.set(t.file, null);
            }
            spent += (performance.now() - t0) / 1000;
            ran++;
          }
        }),
      );
      docs.set(name, got);
      if (ran) seconds.set(name, spent / ran);
    }
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
  const exCache = new Map<string, Extraction | null>();
  const exOf = (name: string, file: string): Extraction | null => {
    const key = `${name}/${file}`;
    if (!exCache.has(key)) {
      const doc = docs.get(name)?.get(file) ?? null;
      exCache.set(key, doc ? extract(doc) : null);
    }
    return exCache.get(key)!;
  };
  console.log(`${truths.length} documents; "in text" = the true value appears in the OCR text at all`);
  console.log(`${'variant'.padEnd(30)}${'total in text'.padStart(14)}${'date in text'.padStart(14)}${'amount'.padStart(10)}${'date'.padStart(10)}${'vendor'.padStart(10)}   s/page`);
  for (const name of names) {
    let s: Score;
    if (name.startsWith('best:')) {
      const [a, b] = name.slice(5).split('+') as [string, string];
      s = score(truths, (t) => {
        const ea = exOf(a, t.file);
        const eb = exOf(b, t.file);
        const doc = docs.get(a)?.get(t.file) ?? docs.get(b)?.get(t.file) ?? null;
        const merged: ReadDocument | null = doc ? { ...doc, pages: [{ ...doc.pages[0]!, lines: [...(docs.get(a)?.get(t.file)?.pages[0]?.lines ?? []), ...(docs.get(b)?.get(t.file)?.pages[0]?.lines ?? [])] }] } : null;
        return { doc: merged, ex: ea && eb ? mergeExtractions([ea, eb]) : (ea ?? eb) };
      });
    } else if (name.startsWith('cond:')) {
      // The second reading only when the first leaves the total or the date unsure.
      const [a, b] = name.slice(5).split('+') as [string, string];
      let second = 0;
      s = score(truths, (t) => {
        const ea = exOf(a, t.file);
        const da = docs.get(a)?.get(t.file) ?? null;
        const unsure = !ea || !ea.fields.amount || !ea.fields.date || ea.fields.amount.confidence < 0.6 || ea.fields.date.confidence < 0.6;
        if (!unsure) return { doc: da, ex: ea };
        second++;
        const eb = exOf(b, t.file);
        const db = docs.get(b)?.get(t.file) ?? null;
        const merged: ReadDocument | null = da && db ? { ...da, pages: [{ ...da.pages[0]!, lines: [...da.pages[0]!.lines, ...db.pages[0]!.lines] }] } : (da ?? db);
        return { doc: merged, ex: ea && eb ? mergeExtractions([ea, eb]) : (ea ?? eb) };
      });
      seconds.set(name, -second);
    } else {
      s = score(truths, (t) => ({ doc: docs.get(name)?.get(t.file) ?? null, ex: exOf(name, t.file) }));
    }
    const sec = seconds.get(name);
    const timing = sec === undefined ? '(cached)' : sec < 0 ? `second pass on ${-sec}/${s.n}` : sec.toFixed(2);
    console.log(`${name.padEnd(30)}${pct(s.amountIn, s.n).padStart(14)}${pct(s.dateIn, s.n).padStart(14)}${pct(s.amount, s.n).padStart(10)}${pct(s.date, s.n).padStart(10)}${pct(s.vendor, s.n).padStart(10)}   ${timing}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
