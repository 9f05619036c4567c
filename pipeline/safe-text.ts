// Text that came from outside (file names, ZIP entry names, claims cells, PDF text) is printed to
// terminals, written to logs and put into HTTP headers. Raw, an ESC or a C1 control in it can
// move the cursor, rewrite earlier lines or set the window title, a new line can forge a log
// line, and a bidi override can make "invoice‮fdp.exe" read as something else. Everything
// shown goes through here: control and format characters become visible escapes, and long
// names are shortened in the middle (the start says where, the end says what kind of file).

/**
 * C0 controls (with tab and new line), DEL, C1 controls, the line and paragraph separators, the
 * bidi embedding/override/isolate marks, zero-width and BOM characters, and lone surrogates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1b': '\\e' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface SafeTextOptions {
  /** Longest result in characters (code points); longer text keeps its start and end around "…". Default: no limit. */
  maxLength?: number;
  /** Escape everything outside printable ASCII too (HTTP header values). */
  ascii?: boolean;
}

/**
 * `text` made safe to show on one line of a terminal, a log or a header: never contains a
 * control or format character, never more than `maxLength` characters. Escapes are visible
 * (`\e[31m`, `\n`, `\x07`, `\u202e`): what was there can be seen, nothing in it is acted on.
 */
export function safeText(text: string, opts: SafeTextOptions = {}): string {
  let out = String(text).replace(UNSAFE, escapeChar);
  if (opts.ascii) out = out.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return opts.maxLength !== undefined ? shorten(out, opts.maxLength) : out;
}

/** Longest file name shown in full; a 1,000-character name becomes its first and last parts. */
export const MAX_DISPLAY_NAME = 120;

/** A file or entry name for display: safeText, at most MAX_DISPLAY_NAME characters. */
export function displayName(name: string, maxLength = MAX_DISPLAY_NAME): string {
  return safeText(name, { maxLength });
}

function shorten(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 1) return '…'.slice(0, max);
  // More of the end than the start: the extension and the last folder are what identify a file.
  const tail = Math.ceil((max - 1) * 0.6);
  const head = max - 1 - tail;
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - tail).join('');
}

/**
 * JSON for a line of output: JSON.stringify already escapes C0 controls, but leaves DEL, C1
 * controls (U+009B is a CSI on many terminals), U+2028/2029 and bidi marks raw. These are
 * escaped as `\uXXXX`: still the same JSON value, nothing a terminal acts on.
 */
export function safeJson(value: unknown, space?: number): string {
  // C0 controls inside strings are already escaped; the ones left are the layout's own new lines.
  return JSON.stringify(value, null, space).replace(UNSAFE, (c) => (c < '\x20' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * A file name as the file system gave it (bytes) to text: UTF-8 where it is UTF-8, each byte
 * that is not as `\xNN`, so a name in Latin-1 or Shift-JIS is shown, and two names stay apart.
 */
export function decodeFileName(raw: Buffer): string {
  const text = raw.toString('utf8');
  if (!text.includes('\ufffd') || Buffer.from(text, 'utf8').equals(raw)) return text;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const b = raw[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    const piece = len ? raw.subarray(i, i + len) : null;
    const decoded = piece && piece.length === len ? piece.toString('utf8') : null;
    if (decoded && !decoded.includes('\ufffd') && Buffer.from(decoded, 'utf8').equals(piece!)) {
      out += decoded;
      i += len;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}
