// What a file really is, from its first bytes. Extensions lie (a text file named .pdf, a HEIC
// photo named .jpg), so readers are chosen by content only.

import type { FileType } from './types.ts';

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, bytes.length); i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Offset of the `%PDF-` header; readers accept it within the first KiB (some producers prepend junk). */
export function pdfHeaderOffset(bytes: Uint8Array): number {
  const limit = Math.min(bytes.length - 5, 1024);
  for (let i = 0; i <= limit; i++) {
    if (bytes[i] === 0x25 && bytes[i + 1] === 0x50 && bytes[i + 2] === 0x44 && bytes[i + 3] === 0x46 && bytes[i + 4] === 0x2d) {
      return i;
    }
  }
  return -1;
}

/** The supported type of a file from its content, or null when it is none of them. */
export function detectFileType(bytes: Uint8Array): FileType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  // BigTIFF
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (pdfHeaderOffset(bytes) >= 0) return 'pdf';
  return null;
}

/**
 * A short human description of content that is not a supported type, for error messages
 * ("a ZIP archive", "a HEIC image", "plain text", "an empty file").
 */
export function describeContent(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  const type = detectFileType(bytes);
  if (type) return `a ${type.toUpperCase()} file`;
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'a ZIP archive (or an Office document)';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(brand)) return 'a HEIC/HEIF image';
    if (/^avi[fs]$/.test(brand)) return 'an AVIF image';
    if (/^(qt  |isom|iso2|mp41|mp42|M4V |3gp)/.test(brand)) return 'a video';
    return `an ISO media file (${brand.trim()})`;
  }
  if (ascii(bytes, 0, 4) === 'GIF8') return 'a GIF image';
  if (ascii(bytes, 0, 2) === 'BM') return 'a BMP image';
  if (startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return 'a JPEG 2000 image';
  if (ascii(bytes, 0, 5) === '<?xml' || /<svg[\s>]/i.test(ascii(bytes, 0, 512))) return 'an XML/SVG document';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return 'a legacy Office document';
  if (ascii(bytes, 0, 5) === '{\\rtf') return 'an RTF document';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'a gzip archive';
  if (ascii(bytes, 0, 6) === 'Rar!\x1a\x07' || startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'a RAR/7z archive';
  if (looksLikeText(bytes)) return /^\s*<(!doctype|html)/i.test(ascii(bytes, 0, 64)) ? 'an HTML page' : 'plain text';
  return 'an unrecognised binary file';
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 2048);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0x80) printable++;
    else if (b === 0) return false;
  }
  return printable / n > 0.95;
}
