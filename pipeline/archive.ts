// ZIP archives are how partners upload evidence in bulk. Entries are returned as plain files;
// folders, OS junk and nested paths that try to climb out are dropped or flattened.
import { unzipSync } from 'fflate';

export interface ArchiveEntry {
  name: string;
  bytes: Uint8Array;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

export interface ArchiveLimits {
  maxEntries: number;
  maxTotalBytes: number;
}

const DEFAULT_LIMITS: ArchiveLimits = { maxEntries: 5000, maxTotalBytes: 1024 * 1024 * 1024 };

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

function isJunk(name: string): boolean {
  const base = name.split('/').pop() ?? '';
  return name.endsWith('/') || name.startsWith('__MACOSX/') || base.startsWith('._') || base === '.DS_Store' || base === 'Thumbs.db' || base === '';
}

export function unzipEvidence(bytes: Uint8Array, limits: Partial<ArchiveLimits> = {}): ArchiveEntry[] {
  const { maxEntries, maxTotalBytes } = { ...DEFAULT_LIMITS, ...limits };
  let declared = 0;
  let count = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      // The declared sizes are checked before anything is inflated, so a zip bomb is refused
      // without allocating its contents.
      filter(file) {
        if (isJunk(file.name)) return false;
        count += 1;
        declared += file.originalSize;
        if (count > maxEntries) throw new ArchiveError(`the archive has more than ${maxEntries} files`);
        if (declared > maxTotalBytes) throw new ArchiveError(`the archive unpacks to more than ${Math.round(maxTotalBytes / 1048576)} MB`);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`not a readable ZIP archive (${(err as Error).message})`);
  }
  return Object.entries(files)
    .map(([name, data]) => ({ name: name.split('/').filter((p) => p && p !== '..' && p !== '.').join('/'), bytes: data }))
    .filter((e) => e.name !== '')
    .sort((a, b) => a.name.localeCompare(b.name));
}
