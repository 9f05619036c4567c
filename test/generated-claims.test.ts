// Generated claims end to end (read, extract, check) against the flags written down when they
// were made: one claim per fault, documents as text-layer PDFs and pictures. OCR is a fake that
// finds no words, so photos and screenshots are judged by their look alone and blank scans must
// come out unreadable; the full set with real OCR is `npm run bench:generate` + `bench:accuracy`.
import { describe, expect, it } from 'vitest';
import { checkClaims, toEvidenceDocument } from '../pipeline/checks.ts';
import { parseClaimsJson } from '../pipeline/claims-input.ts';
import type { OcrEngine } from '../pipeline/ocr.ts';
import { processBytes } from '../pipeline/process.ts';
import { BRAND_TEXT, FAULTS, flagKey, generateClaim } from './fixtures/claims.ts';
import { renderDoc } from './fixtures/evidence.ts';

const AS_OF = '2026-12-20';
const seesNothing: OcrEngine = {
  recognize: async () => ({ width: 1, height: 1, lines: [], text: '', confidence: 0 }),
  close: async () => {},
};

describe('generated claims raise the flags they were made with', () => {
  it.each(FAULTS.map((f, i) => [f, 900 + i] as const))('%s', async (fault, seed) => {
    const g = generateClaim(seed, AS_OF, [fault], { medium: 'pdf' });
    const documents = [];
    for (const d of g.documents) {
      const { bytes } = await renderDoc(d.spec, d.medium, d.seed);
      const file = `${g.claim.claimId}/${d.name}`;
      const p = await processBytes(file, bytes, { ocr: seesNothing });
      if (d.kind) expect(p.extraction?.kind, `${file} (${d.spec.kind})`).toBe(d.kind);
      documents.push(toEvidenceDocument(p, g.claim.claimId, file));
    }
    const claims = parseClaimsJson(JSON.stringify([g.claim]), 'claims.json');
    const [report] = checkClaims({ claims, documents, asOf: AS_OF, config: { brandText: BRAND_TEXT } });
    const got = report!.flags.map((f) => flagKey(g.claim.claimId, f.code, f.expenseId, f.file)).sort();
    const want = g.flags.map((f) => flagKey(f.claimId, f.code, f.expenseId, f.file)).sort();
    expect(got, report!.flags.map((f) => `${f.code}: ${f.message}`).join('\n')).toEqual(want);
  });
});

describe('unreadable is judged by words and the picture, not by how much OCR returned', () => {
  // OCR that makes confident-looking speckle out of any page: 40 short "words" of noise.
  const speckle: OcrEngine = {
    recognize: async () => {
      const words = Array.from({ length: 40 }, (_, i) => ({ text: ['EE', 'Sh', 'TT', 'Rk', 'ii', '~~', 'LRphRe', 'Tzkrv'][i % 8]!, confidence: 0.6, box: { x: (i % 8) / 8, y: Math.floor(i / 8) / 5, w: 0.05, h: 0.02 } }));
      const lines = Array.from({ length: 5 }, (_, k) => {
        const ws = words.slice(k * 8, k * 8 + 8);
        return { text: ws.map((w) => w.text).join(' '), words: ws, box: { x: 0, y: k / 5, w: 1, h: 0.02 }, confidence: 0.6 };
      });
      return { width: 1000, height: 1400, lines, text: lines.map((l) => l.text).join('\n'), confidence: 0.6 };
    },
    close: async () => {},
  };
  it('a blank scan full of OCR speckle is unreadable', async () => {
    for (const variant of ['blank', 'grey'] as const) {
      const { bytes } = await renderDoc({ kind: 'blank', seed: 4, variant }, 'scan', 4);
      const p = await processBytes(`blank.${variant}`, bytes, { ocr: speckle });
      expect(p.status, variant).toBe('failed');
      expect(p.error?.code).toBe('NO_TEXT');
    }
  });
  it('decoy: a booth photo with the same speckle is proof of execution', async () => {
    const { bytes } = await renderDoc({ kind: 'poe', type: 'booth-photo', brand: 'Contoso Cloud', event: 'Partner Summit', date: '2026-11-01', seed: 5 }, 'pdf', 5);
    const p = await processBytes('booth.jpg', bytes, { ocr: speckle });
    expect(p.status).toBe('done');
    expect(p.extraction?.kind).toBe('poe');
  });
});
