// Reading a file named by a user without trusting it to be one: a FIFO blocks a plain open()
// until someone writes to it, /dev/zero never ends, and a 3 GB file read whole crashes Node
// (buffers stop at 2 GiB) before any size check can run. So a file is opened without blocking,
// asked what it is (fstat on the open descriptor, so it cannot be swapped after the check), and
// read only up to the limit.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { DocumentErrorCode } from './types.ts';

export class FileInputError extends Error {
  override name = 'FileInputError';
  constructor(
    readonly code: Extract<DocumentErrorCode, 'TOO_LARGE' | 'UNSUPPORTED' | 'READ_ERROR'>,
    message: string,
  ) {
    super(message);
  }
}

/** What a non-regular file is, in words: "a FIFO (named pipe)", "a character device", … */
export function describeFileKind(info: Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'>): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a directory';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

export function formatSize(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * Opens `file` for reading if it is a regular file of at most `maxBytes` (a FileInputError
 * otherwise, without reading it). The caller closes the handle.
 */
export async function openRegularFile(file: string | Buffer, maxBytes: number): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; on a regular
    // file it changes nothing.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A socket cannot be opened at all; say what it is rather than "ENXIO".
    if (code === 'ENXIO' || code === 'EOPNOTSUPP') throw new FileInputError('UNSUPPORTED', 'is a socket, not a regular file');
    if (code === 'ENOENT') throw new FileInputError('READ_ERROR', 'no such file');
    if (code === 'EACCES' || code === 'EPERM') throw new FileInputError('READ_ERROR', 'permission denied');
    if (code === 'EISDIR') throw new FileInputError('UNSUPPORTED', 'is a directory, not a file');
    throw new FileInputError('READ_ERROR', `cannot be opened (${code ?? (err as Error).message})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileInputError('UNSUPPORTED', `is ${describeFileKind(info)}, not a regular file`);
    if (info.size > maxBytes) throw new FileInputError('TOO_LARGE', `the file is ${formatSize(info.size)}, more than the limit of ${formatSize(maxBytes)}`);
    return { handle, size: info.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The first `n` bytes of a regular file (fewer when it is shorter). */
export async function readHead(file: string | Buffer, n: number, maxBytes: number): Promise<{ head: Uint8Array; size: number }> {
  const { handle, size } = await openRegularFile(file, maxBytes);
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return { head: buf.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/**
 * The whole content of a regular file of at most `maxBytes`. Never reads more than
 * `maxBytes + 1` bytes, so a file that grows after the check is refused too.
 */
export async function readRegularFile(file: string | Buffer, maxBytes: number): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(file, maxBytes);
  try {
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(size, 64 * 1024)));
    let used = 0;
    while (true) {
      if (used === buf.length) {
        if (buf.length > maxBytes) throw new FileInputError('TOO_LARGE', `the file grew past the limit of ${formatSize(maxBytes)} while it was read`);
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, used);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, used, buf.length - used, used);
      if (bytesRead === 0) break;
      used += bytesRead;
    }
    if (used > maxBytes) throw new FileInputError('TOO_LARGE', `the file grew past the limit of ${formatSize(maxBytes)} while it was read`);
    return new Uint8Array(buf.buffer, buf.byteOffset, used);
  } catch (err) {
    if (err instanceof FileInputError) throw err;
    throw new FileInputError('READ_ERROR', `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  } finally {
    await handle.close();
  }
}
