// Every CSV the project writes goes through here, so no export can forget the formula-injection
// rule. A spreadsheet runs a cell that starts with = + - @ (and some also tab or CR) as a
// formula, so a vendor named "=HYPERLINK(...)" in a claims file would run on the reviewer's
// machine (OWASP "CSV Injection"). Such cells get a leading apostrophe, which spreadsheets show
// as text and do not evaluate; csv-stringify then quotes whatever needs quoting.
import { stringify } from 'csv-stringify/sync';

/** Characters that make a spreadsheet read a cell as a formula when it starts with one. */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * A plain number ("-5", "-1250.00") is not a formula in any spreadsheet and cannot carry one;
 * leaving it alone keeps negative days and amounts numeric. "-2+3" or "-1e5" are not plain.
 */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/** The text of one CSV cell, made safe to open in a spreadsheet. */
export function escapeCsvCell(value: string): string {
  if (!FORMULA_START.test(value) || PLAIN_NUMBER.test(value)) return value;
  return `'${value}`;
}

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<K extends string = string> {
  key: K;
  header: string;
}

export interface CsvOptions {
  /**
   * Start with a UTF-8 byte order mark (default true): Excel reads a CSV without one in the
   * machine's legacy code page, which garbles every non-ASCII vendor or partner name.
   */
  bom?: boolean;
}

function cellText(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  return escapeCsvCell(String(value));
}

/**
 * Rows to CSV text with a header line, RFC 4180 quoting and CRLF line ends (what spreadsheets
 * expect). Every cell, header included, goes through `escapeCsvCell`.
 */
export function writeCsv<K extends string>(columns: ReadonlyArray<CsvColumn<K>>, rows: ReadonlyArray<Partial<Record<K, CsvValue>>>, options: CsvOptions = {}): string {
  const header = columns.map((c) => cellText(c.header));
  const body = rows.map((r) => columns.map((c) => cellText(r[c.key])));
  return stringify([header, ...body], { bom: options.bom ?? true, record_delimiter: 'windows', quoted_match: /^\s|\s$/ });
}
