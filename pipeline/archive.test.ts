import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { zipSync, type Zippable } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveBudget, ArchiveError, extractZip, isZip, zipEntries, type ZipEntryFile, type ZipEntryRefused } from './archive.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const MB = 1024 * 1024;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-zip-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Offsets of every local header (PK\3\4) and central-directory header (PK\1\2) of a ZIP. */
function headers(zip: Uint8Array): { local: number[]; central: number[] } {
  const local: number[] = [];
  const central: number[] = [];
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = v.getUint32(i, true);
    if (sig === 0x04034b50) local.push(i);
    else if (sig === 0x02014b50) central.push(i);
  }
  return { local, central };
}

/** Rewrites a field in both headers of the first entry: what a crafted archive does. */
function patch(zip: Uint8Array, field: 'flags' | 'uncompressed' | 'crc', value: number): Uint8Array {
  const out = zip.slice();
  const v = new DataView(out.buffer);
  const { local, central } = headers(out);
  const at = { flags: [6, 8], crc: [14, 16], uncompressed: [22, 24] }[field];
  if (field === 'flags') {
    v.setUint16(local[0]! + at[0]!, value, true);
    v.setUint16(central[0]! + at[1]!, value, true);
  } else {
    v.setUint32(local[0]! + at[0]!, value >>> 0, true);
    v.setUint32(central[0]! + at[1]!, value >>> 0, true);
  }
  return out;
}

const files = (r: Array<ZipEntryFile | ZipEntryRefused>) => r.filter((e): e is ZipEntryFile => !('error' in e));
const refused = (r: Array<ZipEntryFile | ZipEntryRefused>) => r.filter((e): e is ZipEntryRefused => 'error' in e);

describe('extractZip', () => {
  it('writes each entry under a generated name with its sha256, drops folders and OS junk, and refuses names that climb or are absolute', async () => {
    const a = enc('%PDF-1.4 a');
    const zip = zipSync({
      'a.pdf': a,
      'sub/b.png': enc('b'),
      '__MACOSX/sub/._b.png': enc('junk'),
      '.DS_Store': enc('junk'),
      '../../etc/evil.txt': enc('x'),
      '/abs/path.pdf': enc('x'),
      'C:/Windows/x.pdf': enc('x'),
    });
    expect(isZip(zip)).toBe(true);
    const results = await extractZip({ bytes: zip }, dir, new ArchiveBudget());
    expect(files(results).map((e) => e.name)).toEqual(['a.pdf', 'sub/b.png']);
    const first = files(results)[0]!;
    expect(path.dirname(first.path)).toBe(dir);
    expect(path.basename(first.path)).toMatch(/^\d{6}-[0-9a-f]{8}\.bin$/);
    expect(first.sha256).toBe(sha(a));
    expect(new Uint8Array(await readFile(first.path))).toEqual(a);
    const bad = refused(results);
    expect(bad.map((e) => e.name)).toEqual(['../../etc/evil.txt', '/abs/path.pdf', 'C:/Windows/x.pdf']);
    expect(bad.map((e) => e.error)).toEqual([expect.stringMatching(/climbs out/), expect.stringMatching(/absolute path/), expect.stringMatching(/drive letter/)]);
    // Nothing is written outside the target folder, and only the two files inside it.
    expect((await readdir(dir)).length).toBe(2);
  });

  it('refuses a ZIP bomb by its declared ratio without inflating it', async () => {
    const bomb = zipSync({ 'zeros.pdf': new Uint8Array(30 * MB) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    const budget = new ArchiveBudget();
    const results = await extractZip({ bytes: bomb }, dir, budget);
    expect(refused(results)).toEqual([{ name: 'zeros.pdf', code: 'TOO_LARGE', error: expect.stringMatching(/would expand \d+ times/) }]);
    expect(budget.bytes).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('counts the bytes actually inflated: an entry whose declared size lies is cut off and removed', async () => {
    // 3 MB that compress about 4:1, declared as 1,000 bytes: under every declared limit.
    const data = new Uint8Array(3 * MB).map((_, i) => (i * 2654435761) % 7 === 0 ? i & 0xff : 0x41);
    const liar = patch(zipSync({ 'invoice.pdf': data, 'ok.pdf': enc('fine') }), 'uncompressed', 1000);
    const budget = new ArchiveBudget();
    const results = await extractZip({ bytes: liar }, dir, budget);
    expect(refused(results)).toEqual([{ name: 'invoice.pdf', code: 'CORRUPT', error: expect.stringMatching(/more bytes than|declared|too many bytes/) }]);
    expect(files(results).map((e) => e.name)).toEqual(['ok.pdf']);
    // Stopped within one chunk of the lie, not after 3 MB.
    expect(budget.bytes).toBeLessThan(200_000);
    expect((await readdir(dir)).length).toBe(1);
  });

  it('keeps one budget across archives: the run stops taking entries once it is spent', async () => {
    const noise = (n: number, seed: number) => new Uint8Array(n).map((_, i) => ((i + seed) * 2654435761) >>> 24);
    const budget = new ArchiveBudget({ maxTotalBytes: 2.5 * MB });
    const one = zipSync({ 'a.pdf': noise(MB, 1) });
    expect(files(await extractZip({ bytes: one }, dir, budget))).toHaveLength(1);
    expect(files(await extractZip({ bytes: zipSync({ 'b.pdf': noise(MB, 2) }) }, dir, budget))).toHaveLength(1);
    const third = extractZip({ bytes: zipSync({ 'c.pdf': noise(MB, 3) }) }, dir, budget);
    await expect(third).rejects.toMatchObject({ name: 'ArchiveError', code: 'TOO_LARGE', entry: 'c.pdf', message: expect.stringMatching(/archives of this run unpack to more than 2\.5 MB/) });
    expect(budget.bytes).toBeLessThanOrEqual(2.5 * MB);
  });

  it('refuses too many entries for the run as an archive error', async () => {
    const many: Zippable = {};
    for (let i = 0; i < 10; i++) many[`f${i}.pdf`] = enc(String(i));
    const err = await extractZip({ bytes: zipSync(many) }, dir, new ArchiveBudget({ maxEntries: 4 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).message).toMatch(/more than 4 entries/);
    expect((err as ArchiveError).entries).toHaveLength(4);
  });

  it('refuses a nested ZIP, an encrypted entry and a damaged one, each by name, and reads the rest', async () => {
    const inner = zipSync({ 'x.pdf': enc('%PDF-1.4') });
    const nested = await extractZip({ bytes: zipSync({ 'inner.zip': inner, 'ok.pdf': enc('%PDF-1.4 ok') }) }, dir, new ArchiveBudget());
    expect(refused(nested)).toEqual([{ name: 'inner.zip', code: 'UNSUPPORTED', error: expect.stringMatching(/ZIP inside the ZIP/) }]);
    expect(files(nested).map((e) => e.name)).toEqual(['ok.pdf']);

    const encrypted = patch(zipSync({ 'secret.pdf': enc('%PDF-1.4 secret') }), 'flags', 0x0001);
    expect(refused(await extractZip({ bytes: encrypted }, dir, new ArchiveBudget()))).toEqual([{ name: 'secret.pdf', code: 'UNSUPPORTED', error: expect.stringMatching(/encrypted/) }]);

    const damaged = patch(zipSync({ 'broken.pdf': enc('%PDF-1.4 broken') }), 'crc', 0x12345678);
    expect(refused(await extractZip({ bytes: damaged }, dir, new ArchiveBudget()))).toEqual([{ name: 'broken.pdf', code: 'CORRUPT', error: expect.stringMatching(/CRC-32/) }]);
  });

  it('reads from a path on disk, and a truncated archive or a non-ZIP is an ArchiveError', async () => {
    const zip = zipSync({ 'a.pdf': enc('%PDF-1.4 a') });
    const file = path.join(dir, 'upload.tmp');
    await writeFile(file, zip);
    const out = path.join(dir, 'out');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    expect(files(await extractZip(file, out, new ArchiveBudget())).map((e) => e.name)).toEqual(['a.pdf']);
    await expect(extractZip({ bytes: zip.slice(0, zip.length - 30) }, out, new ArchiveBudget())).rejects.toBeInstanceOf(ArchiveError);
    await expect(extractZip({ bytes: enc('%PDF-1.4 not a zip') }, out, new ArchiveBudget())).rejects.toMatchObject({ code: 'CORRUPT' });
    expect(isZip(enc('%PDF'))).toBe(false);
  });

  it('hands out entries one at a time as streams (zipEntries)', async () => {
    const zip = zipSync({ 'a.pdf': enc('aaa'), 'b.pdf': enc('bbbb') });
    const seen: Array<[string, number]> = [];
    for await (const e of zipEntries({ bytes: zip }, new ArchiveBudget())) {
      if ('error' in e) throw new Error(e.error);
      let n = 0;
      for await (const chunk of await e.open()) n += (chunk as Buffer).length;
      seen.push([e.name, n]);
    }
    expect(seen).toEqual([
      ['a.pdf', 3],
      ['b.pdf', 4],
    ]);
  });
});

describe('extractZip fuzzed', () => {
  const valid = zipSync({ 'a.pdf': enc('%PDF-1.4 hello hello hello'), 'dir/b.png': new Uint8Array(300).fill(7), 'c.txt': enc('text') });

  it('random bytes and mutated archives give results or an ArchiveError, never another exception', async () => {
    const mutated = fc
      .array(fc.record({ at: fc.nat({ max: valid.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 })
      .map((edits) => {
        const b = valid.slice();
        for (const e of edits) b[e.at] = e.byte;
        return b;
      });
    const truncated = fc.nat({ max: valid.length }).map((n) => valid.slice(0, n));
    const random = fc.uint8Array({ maxLength: 400 }).map((b) => {
      const out = new Uint8Array(b.length + 4);
      out.set([0x50, 0x4b, 0x03, 0x04]);
      out.set(b, 4);
      return out;
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, truncated, random), async (bytes) => {
        const out = await mkdtemp(path.join(dir, 'f-'));
        try {
          const results = await extractZip({ bytes }, out, new ArchiveBudget({ maxTotalBytes: 4 * MB }));
          for (const r of results) expect(typeof r.name).toBe('string');
        } catch (err) {
          if (!(err instanceof ArchiveError)) throw err;
        }
      }),
      { numRuns: 300, seed: 10 },
    );
  }, 60_000);
});
