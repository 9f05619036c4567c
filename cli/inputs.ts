// Turns command-line paths into evidence files: directories are walked, ZIP archives are
// unpacked (streaming, into a private temporary folder, under one budget for the whole run), and
// every file keeps a display name a user recognises.
//
// Paths are kept as the bytes the file system gave (a name that is not UTF-8 still opens);
// display names are decoded for people. Anything that is not a regular file or a folder (a
// symlink, a FIFO, a device, a folder that cannot be listed) is skipped with its reason.
import { constants, open as openFd } from 'node:fs';
import { lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { ArchiveBudget, ArchiveError, extractZip, isZip, type ZipEntryResult } from '../pipeline/archive.ts';
import { describeFileKind, FileInputError, readHead, readRegularFile } from '../pipeline/file-input.ts';
import { MAX_FILE_BYTES } from '../pipeline/process.ts';
import { decodeFileName } from '../pipeline/safe-text.ts';
import type { DocumentErrorCode } from '../pipeline/types.ts';

export interface InputFile {
  /** What the user sees in output: the path as given, or `archive.zip/inner.pdf`. */
  name: string;
  load(): Promise<Uint8Array>;
  size: number;
}

export interface FailedInput {
  name: string;
  code: DocumentErrorCode;
  error: string;
}

export type Input = InputFile | FailedInput;

export interface SkippedPath {
  path: string;
  reason: string;
}

export class UserError extends Error {
  override name = 'UserError';
}

/** A file found on disk: the path to open (bytes) and the name to show. */
export interface FoundFile {
  fsPath: Buffer;
  name: string;
}

const IGNORED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);
const SEP = Buffer.from(path.sep);

function join(dir: Buffer, name: Buffer): Buffer {
  return dir.length > 0 && dir[dir.length - 1] === SEP[0] ? Buffer.concat([dir, name]) : Buffer.concat([dir, SEP, name]);
}

async function walk(dir: Buffer, display: string, skipped: SkippedPath[]): Promise<FoundFile[]> {
  let names: Buffer[];
  try {
    names = await readdir(dir, { encoding: 'buffer' });
  } catch (err) {
    skipped.push({ path: display, reason: `the folder cannot be listed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
    return [];
  }
  const entries = names.map((raw) => ({ raw, name: decodeFileName(raw) })).sort((a, b) => a.name.localeCompare(b.name));
  const out: FoundFile[] = [];
  for (const { raw, name } of entries) {
    if (name.startsWith('.') || IGNORED.has(name)) continue;
    const full = join(dir, raw);
    const shown = path.join(display, name);
    let info;
    try {
      info = await lstat(full);
    } catch (err) {
      skipped.push({ path: shown, reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      continue;
    }
    if (info.isDirectory()) out.push(...(await walk(full, shown, skipped)));
    else if (info.isFile()) out.push({ fsPath: full, name: shown });
    // Links are not followed: evidence is what is inside the folder, and a link can point anywhere (another claim's files, /etc).
    else if (info.isSymbolicLink()) skipped.push({ path: shown, reason: 'a symbolic link (links are not followed: evidence must be a file inside the folder)' });
    else skipped.push({ path: shown, reason: `${describeFileKind(info)}, not a regular file` });
  }
  return out;
}

/**
 * The files named by `paths`: a folder is walked (what cannot be used is added to `skipped`),
 * anything else is kept as given, even a FIFO or a device, so that reading it fails with a
 * clear message instead of it silently vanishing.
 */
export async function expandPaths(paths: string[], skipped: SkippedPath[] = []): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new UserError(`${p}: no such file or directory`);
    }
    if (info.isDirectory()) out.push(...(await walk(Buffer.from(p), p, skipped)));
    else out.push({ fsPath: Buffer.from(p), name: p });
  }
  return out;
}

/** What one run shares across its inputs: the archive budget and the folder archives are unpacked into. */
export interface InputContext {
  budget: ArchiveBudget;
  /** A private temporary folder the caller creates and removes after the run. */
  workDir: string;
}

let archiveCount = 0;

/** Files to process, with ZIP archives replaced by their entries. A broken archive or file is one failed input, not a crash. */
export async function inputFiles(files: FoundFile[], ctx: InputContext): Promise<Input[]> {
  const out: Input[] = [];
  for (const f of files) {
    let head: Uint8Array;
    let size: number;
    try {
      // No size limit here: a large ZIP is fine (its entries are budgeted), a large file fails when loaded.
      ({ head, size } = await readHead(f.fsPath, 8, Number.MAX_SAFE_INTEGER));
    } catch (err) {
      if (!(err instanceof FileInputError)) throw err;
      out.push({ name: f.name, code: err.code, error: err.message });
      continue;
    }
    if (isZip(head)) {
      out.push(...(await archiveInputs(f, ctx)));
    } else {
      out.push({ name: f.name, size, load: () => readRegularFile(f.fsPath, MAX_FILE_BYTES) });
    }
  }
  return out;
}

async function archiveInputs(f: FoundFile, ctx: InputContext): Promise<Input[]> {
  const dir = path.join(ctx.workDir, String(++archiveCount));
  await mkdir(dir);
  const toInput = (r: ZipEntryResult): Input => {
    const name = `${f.name}/${r.name}`;
    if ('error' in r) return { name, code: r.code, error: r.error };
    return { name, size: r.size, load: () => readRegularFile(r.path, MAX_FILE_BYTES) };
  };
  // Opened by descriptor: the path is bytes (it may not be UTF-8), and it is the file readHead just checked.
  let fd: number;
  try {
    fd = await promisify(openFd)(f.fsPath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return [{ name: f.name, code: 'READ_ERROR', error: `cannot be opened (${(err as NodeJS.ErrnoException).code})` }];
  }
  try {
    return (await extractZip({ fd }, dir, ctx.budget)).map(toInput);
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    const failed: FailedInput = err.entry ? { name: `${f.name}/${err.entry}`, code: err.code, error: err.message } : { name: f.name, code: err.code, error: err.message };
    return [...err.entries.map(toInput), failed];
  }
}
