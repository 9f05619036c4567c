// `bench:accuracy` on a folder of claims with expected flags (bench/generate.ts writes one):
// every file read and extracted as the product does, the checks run, then per part (tuning,
// untouched) a confusion matrix of document kinds, the precision, recall and F1 of each flag
// code, and field accuracy on the invoices. --verbose lists the misses of the tuning part only.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseClaimsJson } from '../pipeline/claims-input.ts';
import { checkClaims, toEvidenceDocument, type EvidenceDocument } from '../pipeline/checks.ts';
import { createOcrEngines } from '../pipeline/engines.ts';
import { processBytes, sha256 } from '../pipeline/process.ts';
import { DocumentReadError, readDocument } from '../pipeline/read.ts';
import type { DocKind, DocumentErrorCode, FlagCode, ProcessedDocument, ReadDocument } from '../pipeline/types.ts';
import { vendorMatches } from './accuracy.ts';
import { flagKey } from '../test/fixtures/claims.ts';
import type { ExpectedFile } from './generate.ts';

const KINDS: (DocKind | 'unread')[] = ['invoice', 'csr', 'poe', 'other', 'unread'];

export function isClaimsFolder(dir: string): boolean {
  return existsSync(path.join(dir, 'expected.json')) && existsSync(path.join(dir, 'claims.json'));
}

export interface PartScores {
  kinds: Map<string, number>;
  flags: Map<FlagCode, { tp: number; fp: number; fn: number }>;
  fields: Map<string, { ok: number; n: number }>;
  misses: string[];
}

function emptyScores(): PartScores {
  return { kinds: new Map(), flags: new Map(), fields: new Map(), misses: [] };
}

async function readAll(dir: string, expected: ExpectedFile, opts: { cache: boolean }): Promise<Map<string, ProcessedDocument>> {
  // The product's engines and decision (services/documents.ts ingest): Paddle first for receipts
  // and photos, tesseract.js first for page scans, the other engine for doubtful readings, the
  // scanner's own layer as one more vote.
  const engines = createOcrEngines();
  const cacheDir = path.join(dir, '.read-cache');
  const folders = { first: path.join(cacheDir, 'first'), second: path.join(cacheDir, 'second') };
  if (opts.cache) for (const f of Object.values(folders)) mkdirSync(f, { recursive: true });
  // --cache: each engine's reading is kept by content hash; processBytes decides from them
  // exactly as it does live, so extraction and checks re-run on every call, OCR only once.
  const cachedRead =
    (hash: string) =>
    async (bytes: Uint8Array, ro: Parameters<typeof readDocument>[1]): Promise<ReadDocument> => {
      const file = path.join(ro.ocr === engines.first ? folders.first : folders.second, hash + '.json');
      if (existsSync(file)) {
        const cached = JSON.parse(readFileSync(file, 'utf8')) as ReadDocument | { error: { code: DocumentErrorCode; message: string } };
        if ('error' in cached) throw new DocumentReadError(cached.error.code, cached.error.message);
        return cached;
      }
      try {
        const doc = await readDocument(bytes, ro);
        writeFileSync(file, JSON.stringify(doc));
        return doc;
      } catch (err) {
        if (err instanceof DocumentReadError) writeFileSync(file, JSON.stringify({ error: { code: err.code, message: err.message } }));
        throw err;
      }
    };
  const out = new Map<string, ProcessedDocument>();
  const files = [...new Set(expected.documents.map((d) => `${d.claimId}/${d.file}`))];
  // Files the generator did not list (none expected) are read too: the checks see the folder.
  for (const c of readdirSync(path.join(dir, 'evidence'))) for (const f of readdirSync(path.join(dir, 'evidence', c))) if (!files.includes(`${c}/${f}`)) files.push(`${c}/${f}`);
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        while (next < files.length) {
          const rel = files[next++]!;
          const bytes = new Uint8Array(readFileSync(path.join(dir, 'evidence', rel)));
          const options = { ocr: engines.first, secondOcr: engines.second, pageScansFirst: true };
          out.set(rel, await processBytes(rel, bytes, opts.cache ? { ...options, read: cachedRead(sha256(bytes)) } : options));
          done++;
          if (done % 20 === 0) process.stderr.write(`  ${done}/${files.length} files\n`);
        }
      }),
    );
  } finally {
    await engines.close();
  }
  return out;
}

export async function runClaimsBench(dir: string, opts: { cache: boolean; verbose: boolean }): Promise<void> {
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as ExpectedFile;
  const claims = parseClaimsJson(readFileSync(path.join(dir, 'claims.json'), 'utf8'), 'claims.json');
  const started = Date.now();
  const processed = await readAll(dir, expected, opts);
  const seconds = (Date.now() - started) / 1000;
  const docs: EvidenceDocument[] = [...processed.entries()].map(([rel, p]) => toEvidenceDocument(p, rel.split('/')[0]!, rel));
  const reports = checkClaims({ claims, documents: docs, asOf: expected.asOf, config: { brandText: expected.brandText } });

  const parts = new Map<string, PartScores>();
  const scoresOf = (claimId: string) => {
    const part = expected.parts[claimId] ?? 'tuning';
    if (!parts.has(part)) parts.set(part, emptyScores());
    return parts.get(part)!;
  };
  // Kinds and fields
  for (const d of expected.documents) {
    const s = scoresOf(d.claimId);
    const p = processed.get(`${d.claimId}/${d.file}`);
    const got = !p || p.status === 'failed' ? 'unread' : (p.extraction?.kind ?? 'unread');
    const want = d.kind ?? 'unread';
    s.kinds.set(`${want}>${got}`, (s.kinds.get(`${want}>${got}`) ?? 0) + 1);
    if (want !== got) s.misses.push(`kind\t${d.claimId}/${d.file}\t(${d.spec}, ${d.medium})\texpected ${want}, got ${got}${p?.extraction ? '' : p?.error ? ` (${p.error.message})` : ''}`);
    if (d.truth && p?.extraction) {
      const f = p.extraction.fields;
      const t = d.truth;
      const checks: [string, boolean, string, string][] = [
        ['amount', f.amount?.value === t.amountMinor, String(t.amountMinor), String(f.amount?.value ?? null)],
        ['currency', (f.currency?.value ?? null) === t.currency, String(t.currency), String(f.currency?.value ?? null)],
        ['date', f.date?.value === t.date, t.date, String(f.date?.value ?? null)],
        ['vendor', vendorMatches(f.vendor?.value, t.vendor), t.vendor, String(f.vendor?.value ?? null)],
        ['invoiceNumber', (f.invoiceNumber?.value ?? '').replace(/\s/g, '') === t.invoiceNumber, t.invoiceNumber, String(f.invoiceNumber?.value ?? null)],
      ];
      for (const [field, ok, want2, got2] of checks) {
        const c = s.fields.get(field) ?? { ok: 0, n: 0 };
        c.n++;
        if (ok) c.ok++;
        else s.misses.push(`field\t${d.claimId}/${d.file}\t(${d.spec}, ${d.medium})\t${field}: expected ${want2}, got ${got2}`);
        s.fields.set(field, c);
      }
    }
  }
  // Flags
  const expectedKeys = new Map<string, Set<string>>();
  for (const f of expected.flags) {
    const set = expectedKeys.get(f.claimId) ?? new Set<string>();
    set.add(flagKey(f.claimId, f.code, f.expenseId, f.file));
    expectedKeys.set(f.claimId, set);
  }
  for (const r of reports) {
    const s = scoresOf(r.claimId);
    const want = expectedKeys.get(r.claimId) ?? new Set<string>();
    const got = new Map<string, string>();
    for (const f of r.flags) got.set(flagKey(r.claimId, f.code, f.expenseId, f.file), f.message);
    const tally = (code: FlagCode) => {
      if (!s.flags.has(code)) s.flags.set(code, { tp: 0, fp: 0, fn: 0 });
      return s.flags.get(code)!;
    };
    for (const [k, message] of got) {
      const code = k.split('|')[1] as FlagCode;
      if (want.has(k)) tally(code).tp++;
      else {
        tally(code).fp++;
        s.misses.push(`flag+\t${k}\t${message}`);
      }
    }
    for (const k of want) {
      if (got.has(k)) continue;
      tally(k.split('|')[1] as FlagCode).fn++;
      s.misses.push(`flag-\t${k}\tnot raised`);
    }
  }

  console.log(`${dir}: ${claims.length} claims, ${processed.size} files, ${seconds.toFixed(0)} s reading${opts.cache ? ' (cached readings)' : ''}`);
  const order = ['tuning', 'untouched', ...[...parts.keys()].filter((k) => k !== 'tuning' && k !== 'untouched')];
  for (const part of order) {
    const s = parts.get(part);
    if (!s) continue;
    console.log(`\n== ${part} ==`);
    printKinds(s);
    printFlags(s);
    printFields(s);
    // Misses are listed for the tuning part only: the untouched part is read for its figures,
    // never for its cases, or it would stop being untouched.
    if (opts.verbose && part !== 'untouched' && s.misses.length) {
      console.log('misses:');
      for (const m of s.misses) console.log('  ' + m);
    }
  }
}

function printKinds(s: PartScores): void {
  console.log('kinds (rows expected, columns read):');
  console.log('  ' + ''.padEnd(9) + KINDS.map((k) => k.padStart(8)).join(''));
  let ok = 0;
  let n = 0;
  for (const want of KINDS) {
    const row = KINDS.map((got) => s.kinds.get(`${want}>${got}`) ?? 0);
    if (row.every((x) => x === 0)) continue;
    ok += s.kinds.get(`${want}>${want}`) ?? 0;
    n += row.reduce((a, b) => a + b, 0);
    console.log('  ' + want.padEnd(9) + row.map((x) => String(x).padStart(8)).join(''));
  }
  console.log(`  kind accuracy ${pct(ok, n)} (${ok}/${n})`);
}

function printFlags(s: PartScores): void {
  console.log('flags:            P       R      F1   (tp fp fn)');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [code, c] of [...s.flags.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
    console.log(`  ${code.padEnd(22)} ${f1Row(c.tp, c.fp, c.fn)}`);
  }
  console.log(`  ${'all (micro)'.padEnd(22)} ${f1Row(tp, fp, fn)}`);
}

function f1Row(tp: number, fp: number, fn: number): string {
  const p = tp + fp ? tp / (tp + fp) : 1;
  const r = tp + fn ? tp / (tp + fn) : 1;
  const f = p + r ? (2 * p * r) / (p + r) : 0;
  return `${p.toFixed(2).padStart(5)}   ${r.toFixed(2).padStart(5)}   ${f.toFixed(2).padStart(5)}   (${tp} ${fp} ${fn})`;
}

function printFields(s: PartScores): void {
  if (s.fields.size === 0) return;
  console.log('invoice fields:');
  for (const [field, c] of s.fields) console.log(`  ${field.padEnd(14)} ${pct(c.ok, c.n).padStart(7)}  (${c.ok}/${c.n})`);
}

function pct(ok: number, n: number): string {
  return n ? `${((100 * ok) / n).toFixed(1)} %` : '—';
}
