// Turns command-line paths into evidence files: directories are walked, ZIP archives are
// opened, and every file keeps a display name a user recognises.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveError, isZip, unzipEvidence } from '../pipeline/archive.ts';

export interface InputFile {
  /** What the user sees in output: the path as given, or `archive.zip/inner.pdf`. */
  name: string;
  load(): Promise<Uint8Array>;
  size: number;
}

export class UserError extends Error {
  override name = 'UserError';
}

const IGNORED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.') || IGNORED.has(e.name)) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

export async function expandPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new UserError(`${p}: no such file or directory`);
    }
    if (info.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** Files to process, with ZIP archives replaced by their entries. A broken archive is one failed input, not a crash. */
export async function inputFiles(paths: string[]): Promise<Array<InputFile | { name: string; error: string }>> {
  const out: Array<InputFile | { name: string; error: string }> = [];
  for (const p of await expandPaths(paths)) {
    const head = await readHead(p);
    if (isZip(head)) {
      try {
        for (const entry of unzipEvidence(await readFile(p))) {
          out.push({ name: `${p}/${entry.name}`, size: entry.bytes.length, load: async () => entry.bytes });
        }
      } catch (err) {
        if (!(err instanceof ArchiveError)) throw err;
        out.push({ name: p, error: err.message });
      }
    } else {
      const size = (await stat(p)).size;
      out.push({ name: p, size, load: () => readFile(p) });
    }
  }
  return out;
}

async function readHead(p: string): Promise<Uint8Array> {
  const fh = await open(p, 'r');
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await fh.read(buf, 0, 8, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
