// Pages scanned sideways or upside down, read with and without the orientation step
// (pipeline/orientation.ts), on generated invoice scans turned 0/90/180/270 degrees:
//
//   npx tsx bench/ocr-rotation.ts [--per-lang N] [--engine tesseract|paddle] [--medium scan|photo] [--osd-only] [--turns 0,90,...]
//
// Per turn: fields `extract` gets right (vendor, total, date, invoice number), seconds per page,
// how many pages were doubtful (OSD asked) and how many were read turned. Upright pages must
// never be read turned (the decoy).
import os from 'node:os';
import sharp from 'sharp';
import { extract } from '../pipeline/extract/index.ts';
import { createOcrPool, type OcrEngine, type Orientation } from '../pipeline/ocr.ts';
import { createPaddlePool } from '../pipeline/paddle.ts';
import { readDocument } from '../pipeline/read.ts';
import { vendorMatches } from './accuracy.ts';
import { makeInvoiceSpec, renderDoc, type InvoiceSpec, type Lang } from '../test/fixtures/evidence.ts';
import { arg, mapLimit } from './util.ts';

const PER_LANG = Number(arg('per-lang') ?? 3);
const ENGINE = arg('engine') || 'tesseract';
const MEDIUM = (arg('medium') || 'scan') as 'scan' | 'photo';
const LANGS: Lang[] = ['en', 'fr', 'de', 'es'];
const TURNS = (arg('turns') || '0,90,180,270').split(',').map(Number) as Array<0 | 90 | 180 | 270>;
// Without the orientation step a turned page costs ~50 s (every re-read pass of image.ts fires).
const OSD_ONLY = arg('osd-only') !== undefined;
const CORES = Math.max(1, os.availableParallelism());

async function main(): Promise<void> {
  const samples: { spec: InvoiceSpec; bytes: Buffer }[] = [];
  for (const lang of LANGS) {
    for (let i = 0; i < PER_LANG; i++) {
      const seed = 9700 + LANGS.indexOf(lang) * 100 + i;
      const spec = makeInvoiceSpec(seed, { lang });
      // One-page A4 layouts: a multi-page invoice is the same words in a PDF, and a receipt drawn
      // on an A4 page costs tesseract a minute (image.ts's small-print pass), drowning the rest.
      if (spec.layout === 'multi-page' || spec.layout === 'receipt') spec.layout = 'classic';
      samples.push({ spec, bytes: Buffer.from((await renderDoc(spec, MEDIUM, seed)).bytes) });
    }
  }
  console.log(`ocr-rotation: ${samples.length} ${MEDIUM}s x ${TURNS.length} turns, engine ${ENGINE}, load ${os.loadavg()[0]!.toFixed(1)}`);
  const base = ENGINE === 'paddle' ? createPaddlePool() : createOcrPool();
  const osd = createOcrPool({ size: 1, languages: ['osd'] });
  const counts = { asked: 0, turned: 0 };
  const withOsd: OcrEngine = {
    ...(base.singlePass ? { singlePass: true } : {}),
    recognize: (img, o) => base.recognize(img, o),
    detectOrientation: async (img) => {
      counts.asked++;
      const o: Orientation | null = await osd.detectOrientation!(img);
      if (o && o.degrees !== 0) counts.turned++;
      return o;
    },
    close: async () => {},
  };
  const without: OcrEngine = { ...(base.singlePass ? { singlePass: true } : {}), recognize: (img, o) => base.recognize(img, o), close: async () => {} };
  await readDocument(samples[0]!.bytes, { ocr: withOsd }); // model loads
  console.log('\nconfig       turn  s/page  fields   OSD asked  OSD said turned');
  const configs = OSD_ONLY ? ([['with OSD', withOsd]] as const) : ([['without OSD', without], ['with OSD', withOsd]] as const);
  for (const [name, engine] of configs) {
    for (const turn of TURNS) {
      const inputs = await Promise.all(samples.map((s) => (turn ? sharp(s.bytes).rotate(turn).jpeg({ quality: 90 }).toBuffer() : s.bytes)));
      counts.asked = 0;
      counts.turned = 0;
      const t0 = performance.now();
      const docs = await mapLimit(inputs, CORES * 2, (b) => readDocument(b, { ocr: engine }).catch(() => null));
      const seconds = (performance.now() - t0) / 1000;
      let fields = 0;
      docs.forEach((doc, i) => {
        if (!doc) return;
        const f = extract(doc).fields;
        const spec = samples[i]!.spec;
        if (vendorMatches(f.vendor?.value, spec.vendor.name)) fields++;
        if (f.amount?.value === spec.totalMinor) fields++;
        if (f.date?.value === spec.date) fields++;
        if (f.invoiceNumber?.value?.replace(/\s+/g, '') === spec.number) fields++;
      });
      console.log(
        [name.padEnd(11), String(turn).padStart(4), (seconds / samples.length).toFixed(2).padStart(6), `${fields}/${samples.length * 4}`.padStart(7), String(counts.asked).padStart(10), String(counts.turned).padStart(16)].join('  '),
      );
    }
  }
  await Promise.all([base.close(), osd.close()]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
