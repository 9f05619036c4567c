import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ArchiveError, isZip, unzipEvidence } from './archive.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('unzipEvidence', () => {
  it('returns files, drops folders and OS junk, and neutralises climbing paths', () => {
    const zip = zipSync({
      'a.pdf': enc('%PDF-1.4 a'),
      'sub/b.png': enc('b'),
      '__MACOSX/sub/._b.png': enc('junk'),
      '.DS_Store': enc('junk'),
      '../../etc/evil.txt': enc('x'),
    });
    expect(isZip(zip)).toBe(true);
    const entries = unzipEvidence(zip);
    expect(entries.map((e) => e.name)).toEqual(['a.pdf', 'etc/evil.txt', 'sub/b.png']);
    expect(new TextDecoder().decode(entries[0]!.bytes)).toBe('%PDF-1.4 a');
  });

  it('refuses archives over the limits before inflating them', () => {
    const zip = zipSync({ 'big.bin': new Uint8Array(2_000_000) });
    expect(() => unzipEvidence(zip, { maxTotalBytes: 1_000_000 })).toThrow(ArchiveError);
    const many = zipSync(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.pdf`, enc('x')])));
    expect(() => unzipEvidence(many, { maxEntries: 4 })).toThrow(/more than 4 files/);
  });

  it('gives a clear error for a broken archive', () => {
    const zip = zipSync({ 'a.pdf': enc('hello world hello world') });
    expect(() => unzipEvidence(zip.slice(0, zip.length - 30))).toThrow(ArchiveError);
    expect(isZip(enc('%PDF'))).toBe(false);
  });
});
