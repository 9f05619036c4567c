// Writes a generated set of claims with evidence and the flags they must raise:
//
//   npm run bench:generate -- [--out .cache/generated] [--claims 30] [--tuning N] [--as-of 2026-12-20]
//
// Two parts from disjoint seeds: `tuning` (seeds 1…N, N = --tuning, default --claims), the one
// rules may be tuned on, and `untouched` (seeds 5001…5000+M, M = --claims), reported apart and
// never looked at while tuning. Output:
// <out>/claims.json (the JSON claims form of SPEC.md), <out>/evidence/<claim_id>/…, and
// <out>/expected.json ({asOf, brandText, parts, documents, flags}) that `bench:accuracy` reads.
// Deterministic: the same arguments write the same bytes.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BRAND_TEXT, generateClaim, type GeneratedClaim } from '../test/fixtures/claims.ts';
import { renderDoc } from '../test/fixtures/evidence.ts';

export const PARTS = { tuning: 1, untouched: 5001 } as const;
export type Part = keyof typeof PARTS;

export interface ExpectedFile {
  asOf: string;
  brandText: Record<string, string[]>;
  parts: Record<string, Part>;
  documents: { claimId: string; file: string; kind: string | null; truth?: GeneratedClaim['documents'][number]['truth']; medium: string; spec: string }[];
  flags: GeneratedClaim['flags'];
}

export function generateSet(counts: Record<Part, number>, asOf: string): { part: Part; g: GeneratedClaim }[] {
  const out: { part: Part; g: GeneratedClaim }[] = [];
  for (const [part, first] of Object.entries(PARTS) as [Part, number][]) {
    for (let i = 0; i < counts[part]; i++) out.push({ part, g: generateClaim(first + i, asOf) });
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, dflt: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.resolve(arg('--out', path.join(root, '.cache', 'generated')));
  const n = Number(arg('--claims', '30'));
  const tuning = Number(arg('--tuning', String(n)));
  const asOf = arg('--as-of', '2026-12-20');
  const set = generateSet({ tuning, untouched: n }, asOf);
  // Old evidence goes; the reading cache (.read-cache, by content hash) stays.
  await rm(path.join(out, 'evidence'), { recursive: true, force: true });
  await mkdir(path.join(out, 'evidence'), { recursive: true });
  const expected: ExpectedFile = { asOf, brandText: BRAND_TEXT, parts: {}, documents: [], flags: [] };
  let files = 0;
  for (const { part, g } of set) {
    expected.parts[g.claim.claimId] = part;
    const dir = path.join(out, 'evidence', g.claim.claimId);
    await mkdir(dir, { recursive: true });
    for (const d of g.documents) {
      const { bytes } = await renderDoc(d.spec, d.medium, d.seed);
      await writeFile(path.join(dir, d.name), bytes);
      files++;
      const spec = d.spec.kind === 'invoice' ? `invoice/${d.spec.layout}/${d.spec.lang}/${d.spec.currency}/${d.spec.show}` : d.spec.kind === 'other' ? `other/${d.spec.type}/${d.spec.lang}` : d.spec.kind === 'poe' ? `poe/${d.spec.type}` : d.spec.kind === 'csr' ? `csr/${d.spec.unit}` : `blank/${d.spec.variant}`;
      expected.documents.push({ claimId: d.claimId, file: d.name, kind: d.kind, ...(d.truth ? { truth: d.truth } : {}), medium: d.medium, spec });
    }
    expected.flags.push(...g.flags);
  }
  await writeFile(path.join(out, 'claims.json'), JSON.stringify(set.map(({ g }) => g.claim), null, 1));
  await writeFile(path.join(out, 'expected.json'), JSON.stringify(expected, null, 1));
  console.log(`${out}: ${set.length} claims (${tuning} tuning, ${n} untouched), ${files} files, ${expected.flags.length} expected flags`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
