// ZIP archives are how partners upload evidence in bulk, and the easiest way to attack a reader:
// a 40 KB file that inflates to gigabytes, entries that lie about their size, names that climb
// out of the target folder, archives inside archives. So entries are never held in memory:
// they are streamed one by one (yauzl, reading the central directory from disk) to files with
// generated names, with a sha256 taken on the way, and every byte actually inflated is charged
// to one ArchiveBudget shared by all the archives of a run or an upload request. A refusal that
// concerns one entry is a result for that entry (the others are still read); one that concerns
// the archive or the budget as a whole is an ArchiveError.
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';

/** How a refusal is filed: the same codes as a document that cannot be read. */
export type ArchiveErrorCode = 'TOO_LARGE' | 'UNSUPPORTED' | 'CORRUPT';

/**
 * A refusal. The message says what is wrong and never repeats the archive's name (the caller
 * knows it); `entry` names the entry it concerns, null when it is about the archive as a whole.
 */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
    readonly entry: string | null = null,
    /** Entries already read from this archive when it failed (files stay on disk; the caller owns them). */
    readonly entries: ZipEntryResult[] = [],
  ) {
    super(message);
  }
}

/** Where a ZIP comes from: a path, an open descriptor (closed when done), or bytes in memory. */
export type ZipSource = string | { fd: number } | { bytes: Uint8Array };

export interface ArchiveLimits {
  /** Entries of all archives together, folders and OS junk included (each costs a read). */
  maxEntries: number;
  /** Bytes inflated from all archives together. */
  maxTotalBytes: number;
  /** Bytes of one entry, as declared and as inflated. */
  maxEntryBytes: number;
  /** Largest inflated/compressed ratio of one entry, judged only above ratioFloorBytes. */
  maxRatio: number;
  /** Entries smaller than this are not judged by ratio: they cannot hurt, and a blank page compresses well. */
  ratioFloorBytes: number;
}

/** Defaults: one file is at most the reader's 100 MB; a run or a request at most 1 GiB and 5,000 entries. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 5000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntryBytes: 100 * 1024 * 1024,
  maxRatio: 250,
  ratioFloorBytes: 1024 * 1024,
};

/**
 * What a whole run (or one upload request) may take out of archives. Create one, pass it to
 * every extractZip/zipEntries call of that run; it only ever grows, and once it is spent
 * every further archive fails with an ArchiveError.
 */
export class ArchiveBudget {
  readonly limits: ArchiveLimits;
  /** Central-directory records seen so far. */
  entries = 0;
  /** Bytes inflated so far. */
  bytes = 0;

  constructor(limits: Partial<ArchiveLimits> = {}) {
    this.limits = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  }

  /** Counts one central-directory record; throws (as an archive-level error) past maxEntries. */
  countEntry(): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveError('TOO_LARGE', `more than ${this.limits.maxEntries} entries in the archives of this run`);
    }
  }

  get remainingBytes(): number {
    return Math.max(0, this.limits.maxTotalBytes - this.bytes);
  }
}

export interface ZipEntryFile {
  /** The entry's path inside the archive, as written there (for display; never used as a path on disk). */
  name: string;
  /** Where it was written: a generated name inside the target folder. */
  path: string;
  size: number;
  sha256: string;
}

export interface ZipEntryRefused {
  name: string;
  code: ArchiveErrorCode;
  /** What is wrong with it, without its name: "it is encrypted (password-protected); …". */
  error: string;
}

export type ZipEntryResult = ZipEntryFile | ZipEntryRefused;

/** An entry that may be read, as handed out by zipEntries. */
export interface ZipEntry {
  name: string;
  /** The size the archive declares; the stream is cut off with an error if it delivers more. */
  declaredSize: number;
  /**
   * The inflated bytes. The stream errors (with an ArchiveError naming the entry) when the entry
   * is damaged, lies about its size, is a nested ZIP, or would overdraw the budget. Read it to
   * the end or destroy it before asking for the next entry.
   */
  open(): Promise<Readable>;
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

function isJunk(name: string): boolean {
  const base = name.split('/').pop() ?? '';
  return name.endsWith('/') || name.startsWith('__MACOSX/') || base.startsWith('._') || base === '.DS_Store' || base === 'Thumbs.db' || base === 'desktop.ini' || base === '';
}

/** Why an entry name cannot be used, or null. Names never reach the file system, but a name that climbs is a sign of a crafted archive. */
export function badEntryName(name: string): string | null {
  if (name.includes('\0')) return 'its name contains a NUL character';
  if (/^[a-zA-Z]:/.test(name)) return 'its name starts with a drive letter';
  if (name.startsWith('/')) return 'its name is an absolute path';
  if (name.split('/').includes('..')) return 'its name climbs out of the archive with ".."';
  return null;
}

const STRONG_ENCRYPTION = 0x40;
const ENCRYPTED = 0x01;

async function openZip(source: ZipSource): Promise<yauzl.ZipFile> {
  // decodeStrings off: a name that climbs must be one entry's refusal, not (as yauzl does) the
  // whole archive's. Names are decoded below with yauzl's own rules (UTF-8 flag, Info-ZIP
  // Unicode path, else CP437).
  const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true };
  try {
    if (typeof source === 'string') return await yauzl.openPromise(source, options);
    if ('fd' in source) return await yauzl.fromFdPromise(source.fd, options);
    const b = source.bytes;
    return await yauzl.fromBufferPromise(Buffer.from(b.buffer, b.byteOffset, b.byteLength), options);
  } catch (err) {
    if (typeof source === 'object' && 'fd' in source) closeSync(source.fd);
    throw new ArchiveError('CORRUPT', `not a readable ZIP archive (${errorText(err)})`);
  }
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
}

function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  // Non-strict: backslashes written by some Windows tools become the separators they meant.
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
}

/** What is wrong with an entry before reading it (its name, flags and declared sizes), or null. */
function declaredProblem(name: string, entry: yauzl.Entry, budget: ArchiveBudget): { code: ArchiveErrorCode; error: string } | null {
  const { maxEntryBytes, maxRatio, ratioFloorBytes } = budget.limits;
  const badName = badEntryName(name);
  if (badName) return { code: 'UNSUPPORTED', error: badName };
  if (entry.generalPurposeBitFlag & (ENCRYPTED | STRONG_ENCRYPTION)) return { code: 'UNSUPPORTED', error: 'it is encrypted (password-protected); add it to the ZIP again without a password' };
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) return { code: 'UNSUPPORTED', error: `it uses compression method ${entry.compressionMethod} (only stored and deflate are read)` };
  if (entry.uncompressedSize > maxEntryBytes) return { code: 'TOO_LARGE', error: `it unpacks to ${mb(entry.uncompressedSize)}, more than the ${mb(maxEntryBytes)} limit for one file` };
  if (entry.uncompressedSize >= ratioFloorBytes && entry.uncompressedSize > entry.compressedSize * maxRatio) {
    return { code: 'TOO_LARGE', error: `it would expand ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} times (a ZIP bomb?); the limit is ${maxRatio}` };
  }
  return null;
}

function mb(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * Counts what an entry really inflates to (its declared size may lie), charges it to the
 * budget, checks the ratio as bytes arrive, refuses a nested ZIP from its first bytes, and
 * checks the CRC-32 at the end (yauzl does not).
 */
class EntryGuard extends Transform {
  private seen = 0;
  private crc = 0;
  private head: Buffer | null = Buffer.alloc(0);

  constructor(
    private readonly name: string,
    private readonly entry: yauzl.Entry,
    private readonly budget: ArchiveBudget,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const { maxEntryBytes, maxRatio, ratioFloorBytes, maxTotalBytes } = this.budget.limits;
    const fail = (code: ArchiveErrorCode, msg: string) => done(new ArchiveError(code, msg, this.name));
    this.seen += chunk.length;
    this.budget.bytes += chunk.length;
    if (this.head) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, 4)]).subarray(0, 4);
      if (this.head.length === 4) {
        if (isZip(this.head)) return fail('UNSUPPORTED', NESTED);
        this.head = null;
      }
    }
    if (this.seen > maxEntryBytes) return fail('TOO_LARGE', `it unpacks to more than the ${mb(maxEntryBytes)} limit for one file`);
    if (this.seen > this.entry.uncompressedSize) return fail('CORRUPT', `it holds more bytes than its declared ${this.entry.uncompressedSize} (a forged size)`);
    if (this.seen >= ratioFloorBytes && this.seen > Math.max(1, this.entry.compressedSize) * maxRatio) return fail('TOO_LARGE', `it expands more than ${maxRatio} times (a ZIP bomb?)`);
    if (this.budget.bytes > maxTotalBytes) return fail('TOO_LARGE', overBudget(maxTotalBytes));
    this.crc = crc32(chunk, this.crc);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const fail = (code: ArchiveErrorCode, msg: string) => done(new ArchiveError(code, msg, this.name));
    if (this.head && this.head.length > 0 && isZip(this.head)) return fail('UNSUPPORTED', NESTED);
    if (this.seen !== this.entry.uncompressedSize) return fail('CORRUPT', `it holds ${this.seen} bytes, not the declared ${this.entry.uncompressedSize} (damaged or forged)`);
    if (this.crc >>> 0 !== this.entry.crc32 >>> 0) return fail('CORRUPT', 'it is damaged (its CRC-32 does not match)');
    done();
  }
}

const NESTED = 'a ZIP inside the ZIP is not opened (nested archives are refused); unpack it and add its files';
const overBudget = (max: number) => `the archives of this run unpack to more than ${mb(max)}`;

async function openEntryStream(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string, budget: ArchiveBudget): Promise<Readable> {
  let raw: Readable;
  try {
    raw = await zip.openReadStreamPromise(entry);
  } catch (err) {
    throw new ArchiveError('CORRUPT', `it cannot be read (${errorText(err)})`, name);
  }
  const guard = new EntryGuard(name, entry, budget);
  raw.on('error', (err) => guard.destroy(err instanceof ArchiveError ? err : new ArchiveError('CORRUPT', `it is damaged (${errorText(err)})`, name)));
  return raw.pipe(guard);
}

/**
 * The entries of a ZIP (a path on disk, or bytes), one at a time, in archive order. Folders and
 * OS junk (`__MACOSX/`, `._*`, `.DS_Store`, `Thumbs.db`) are passed over. An entry that is
 * refused before reading (bad name, encrypted, unsupported method, declared too large or too
 * compressed) comes as `{name, code, error}`. Throws ArchiveError when the archive cannot be read or
 * the budget is spent. Stop early with `break`; the file is closed either way.
 */
export async function* zipEntries(source: ZipSource, budget: ArchiveBudget): AsyncGenerator<ZipEntry | ZipEntryRefused> {
  const zip = await openZip(source);
  // yauzl emits errors as events; one emitted while no step is waiting must not crash the process.
  let failed: unknown = null;
  zip.on('error', (err) => (failed ??= err));
  try {
    while (true) {
      if (failed) throw new ArchiveError('CORRUPT', `not a readable ZIP archive (${errorText(failed)})`);
      const next = new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e));
        const onEnd = () => (cleanup(), resolve(null));
        const onError = (err: unknown) => (cleanup(), reject(new ArchiveError('CORRUPT', `not a readable ZIP archive (${errorText(err)})`)));
        const cleanup = () => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onError);
        };
        zip.on('entry', onEntry);
        zip.on('end', onEnd);
        zip.on('error', onError);
      });
      zip.readEntry();
      const entry = await next;
      if (!entry) return;
      budget.countEntry();
      const name = entryName(entry);
      if (isJunk(name)) continue;
      const problem = declaredProblem(name, entry, budget);
      if (problem) {
        yield { name, ...problem };
        continue;
      }
      if (entry.uncompressedSize > budget.remainingBytes) throw new ArchiveError('TOO_LARGE', overBudget(budget.limits.maxTotalBytes), name);
      yield { name, declaredSize: entry.uncompressedSize, open: () => openEntryStream(zip, entry, name, budget) };
    }
  } finally {
    zip.close();
  }
}

/**
 * Writes every entry of the ZIP at `source` into `destDir` (which must exist and belong to the
 * caller) under generated names (`000001-1f2e3d4c.bin`, …), computing each file's sha256 while writing.
 * Resolves with one result per file entry, in archive order: `{name, path, size, sha256}` or
 * `{name, code, error}` for a refused entry (its partial file is removed). Rejects with ArchiveError
 * when the archive as a whole is unreadable or the shared budget is spent; `err.entries` then
 * holds the results so far, whose files are still in destDir.
 */
export async function extractZip(source: ZipSource, destDir: string, budget: ArchiveBudget): Promise<ZipEntryResult[]> {
  const results: ZipEntryResult[] = [];
  try {
    for await (const entry of zipEntries(source, budget)) {
      if ('error' in entry) {
        results.push(entry);
        continue;
      }
      // Unique even when several archives share the folder; the entry's own name never touches the disk.
      const file = path.join(destDir, `${String(results.length + 1).padStart(6, '0')}-${randomUUID().slice(0, 8)}.bin`);
      const hash = createHash('sha256');
      let size = 0;
      try {
        const stream = await entry.open();
        const out = createWriteStream(file, { flags: 'wx' });
        await pipeline(
          stream,
          new Transform({
            transform(chunk: Buffer, _e, done) {
              hash.update(chunk);
              size += chunk.length;
              done(null, chunk);
            },
          }),
          out,
        );
        results.push({ name: entry.name, path: file, size, sha256: hash.digest('hex') });
      } catch (err) {
        await rm(file, { force: true });
        if (!(err instanceof ArchiveError)) throw err;
        // Past the run's budget nothing more can be taken: stop this archive.
        if (budget.bytes > budget.limits.maxTotalBytes) throw err;
        results.push({ name: entry.name, code: err.code, error: err.message });
      }
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw new ArchiveError(err.code, err.message, err.entry, results);
    throw err;
  }
  return results;
}
