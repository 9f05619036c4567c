// Originals, content-addressed: a file is stored under its SHA-256 (`sha256/ab/cd/<hash>`), so the
// same bytes are kept once however often they are uploaded, and a key never changes meaning.
// Writes go to a temporary file that is fsynced and renamed, so a crash never leaves half a file
// under a real name. Everything is streamed: no whole file is held in memory here.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatSize as formatBytes } from '../pipeline/file-input.ts';

export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
  /** False when the same bytes were already stored (nothing was written). */
  created: boolean;
}

export class StorageError extends Error {
  constructor(
    readonly code: 'TOO_LARGE' | 'NOT_FOUND' | 'UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** Where originals live. The disk store is the default; an S3-compatible one can implement the same. */
export interface Storage {
  /** Streams `source` in, hashing as it goes; refuses (and keeps nothing) past `maxBytes`. */
  put(source: Readable, opts?: { maxBytes?: number }): Promise<StoredObject>;
  /** Moves a file already on this machine (e.g. an upload's temporary file) into the store. */
  putFile(filePath: string, sha256: string): Promise<StoredObject>;
  openRead(key: string): Promise<Readable>;
  readBytes(key: string): Promise<Buffer>;
  size(key: string): Promise<number | null>;
  /** True when something was removed. */
  remove(key: string): Promise<boolean>;
  /** A directory for temporary files on the same file system as the store (so renames are atomic). */
  tempDir(): string;
  /** The local path of a key, for readers that need a file (null for remote stores). */
  localPath(key: string): string | null;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function keyFor(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** Counts and hashes bytes as they pass, and stops the stream past a limit. */
export class HashingCounter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(new StorageError('TOO_LARGE', `the file is larger than the ${formatBytes(this.maxBytes)} limit`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

async function fsyncFile(filePath: string): Promise<void> {
  const handle = await open(filePath, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Not every platform can open a directory for fsync; the rename is still atomic there.
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync().catch(() => {});
  } finally {
    await handle.close();
  }
}

export function createDiskStorage(root: string): Storage {
  const base = path.resolve(root);
  const tmp = path.join(base, 'tmp');
  const pathOf = (key: string): string => {
    // Keys are ours (keyFor); anything else is refused so no request can reach another path.
    const m = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(key);
    if (!m || key !== keyFor(m[1]!)) throw new StorageError('NOT_FOUND', `not a storage key: ${key}`);
    return path.join(base, key);
  };

  async function commit(tempPath: string, sha256: string, size: number): Promise<StoredObject> {
    const key = keyFor(sha256);
    const final = pathOf(key);
    if (await stat(final).catch(() => null)) {
      await unlink(tempPath).catch(() => {});
      return { key, sha256, size, created: false };
    }
    await mkdir(path.dirname(final), { recursive: true });
    await fsyncFile(tempPath);
    await rename(tempPath, final);
    await fsyncDir(path.dirname(final));
    return { key, sha256, size, created: true };
  }

  return {
    tempDir: () => tmp,
    localPath: (key) => pathOf(key),
    async put(source, opts = {}) {
      await mkdir(tmp, { recursive: true });
      const tempPath = path.join(tmp, `${randomUUID()}.part`);
      const counter = new HashingCounter(opts.maxBytes);
      try {
        await pipeline(source, counter, createWriteStream(tempPath, { flags: 'wx' }));
      } catch (error) {
        await rm(tempPath, { force: true });
        throw error;
      }
      return commit(tempPath, counter.digest(), counter.bytes);
    },
    async putFile(filePath, sha256) {
      const info = await stat(filePath);
      return commit(filePath, sha256, info.size);
    },
    async openRead(key): Promise<ReadStream> {
      const p = pathOf(key);
      if (!(await stat(p).catch(() => null))) throw new StorageError('NOT_FOUND', `no stored file for ${key}`);
      return createReadStream(p);
    },
    async readBytes(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageError('NOT_FOUND', `no stored file for ${key}`);
        throw error;
      }
    },
    async size(key) {
      const info = await stat(pathOf(key)).catch(() => null);
      return info ? info.size : null;
    },
    async remove(key) {
      const p = pathOf(key);
      try {
        await unlink(p);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
  };
}
