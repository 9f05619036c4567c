// Claims files (CSV or JSON) into `Claim[]`. All or nothing: every problem in the file is
// collected with its place (line and column for CSV, JSON path for JSON) and the import fails
// as a whole, because a half-imported claim would later look like missing evidence.
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { EXPENSE_TYPES } from './enums.ts';
import { isIsoDate, LAST_INPUT_DATE } from './dates.ts';
import { safeText } from './safe-text.ts';
import { currencyExponent, decimalToMinor, isCurrencyCode } from './money.ts';
import type { Claim, Expense, ExpenseType } from './types.ts';

export interface ClaimsInputIssue {
  file: string;
  /** CSV: 1-based physical line (the header is line 1). JSON: the path, e.g. `[0].expenses[2].amount`. null when the whole file is at fault. */
  line: number | string | null;
  /** CSV column name or JSON key; null when the problem is not about one value. */
  column: string | null;
  message: string;
}

export class ClaimsInputError extends Error {
  override name = 'ClaimsInputError';
  readonly issues: ClaimsInputIssue[];

  constructor(issues: ClaimsInputIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    super((first ? formatIssue(first) : 'claims file is invalid') + more);
    this.issues = issues;
  }
}

/** `claims.csv:4: column "amount": "-12.00" is negative`; `claims.json: [0].expenses[2].amount: -12 is negative`. */
export function formatIssue(issue: ClaimsInputIssue): string {
  return safeText(rawIssue(issue));
}

/** One line whatever the file held: names, keys and values are the file's own text. */
function rawIssue(issue: ClaimsInputIssue): string {
  if (typeof issue.line === 'number') {
    const col = issue.column ? ` column "${issue.column}":` : '';
    return `${issue.file}:${issue.line}:${col} ${issue.message}`;
  }
  if (typeof issue.line === 'string' && issue.line !== '') return `${issue.file}: ${issue.line}: ${issue.message}`;
  return `${issue.file}: ${issue.message}`;
}

export const CLAIM_COLUMNS = ['claim_id', 'partner', 'program', 'activity', 'usage_start', 'usage_end'] as const;
export const EXPENSE_COLUMNS = ['expense_id', 'expense_type', 'vendor', 'amount', 'currency', 'expense_date', 'description'] as const;
export const CSV_COLUMNS = [...CLAIM_COLUMNS, ...EXPENSE_COLUMNS] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
/** `description` may be left out of the header altogether, not only left empty. */
const OPTIONAL_COLUMNS: ReadonlySet<CsvColumn> = new Set(['description']);


// ---------------------------------------------------------------------------------------------
// Value checks shared by both forms. Each returns the parsed value or an error message; the
// caller knows where the value came from.

type Checked<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T>(message: string): Checked<T> => ({ ok: false, message });

function quote(v: string): string {
  return JSON.stringify(v);
}

function checkText(v: string): Checked<string> {
  const t = v.trim();
  return t === '' ? bad('is empty') : ok(t);
}

function checkDate(v: string): Checked<string> {
  const t = v.trim();
  if (t === '') return bad('is empty');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t)) return bad(`${quote(t)} is not a date in YYYY-MM-DD form`);
  if (!isIsoDate(t)) return bad(`${quote(t)} is not a real calendar date`);
  // A deadline (+45 days) and a retention date (+24 months) must still be four-digit years.
  if (t > LAST_INPUT_DATE) return bad(`${quote(t)} is too far in the future (the last date accepted is ${LAST_INPUT_DATE})`);
  return ok(t);
}

function checkExpenseType(v: string): Checked<ExpenseType> {
  const t = v.trim();
  if (t === '') return bad('is empty');
  if ((EXPENSE_TYPES as readonly string[]).includes(t)) return ok(t as ExpenseType);
  const hint = EXPENSE_TYPES.find((e) => e === t.toLowerCase().replace(/[\s-]+/g, '_'));
  return bad(`${quote(t)} is not an expense type (use third_party or in_house${hint ? `; did you mean ${hint}?` : ''})`);
}

function checkCurrency(v: string): Checked<string> {
  const t = v.trim();
  if (t === '') return bad('is empty');
  // Lower case is a harmless slip ("eur"); anything that is not an ISO 4217 code is not.
  const code = t.toUpperCase();
  return isCurrencyCode(code) ? ok(code) : bad(`${quote(t)} is not an ISO 4217 currency code`);
}

/** `currency` is the already checked code, or null when it was bad (then decimals are not judged). */
function checkAmount(v: string, currency: string | null): Checked<number> {
  const t = v.trim();
  if (t === '') return bad('is empty');
  if (/^[-+]?(infinity|nan)$/i.test(t)) return bad(`${quote(t)} is not a finite amount`);
  if (/^-\s*\d/.test(t)) return bad(`${quote(t)} is negative`);
  if (!/^\d+(\.\d+)?$/.test(t)) {
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) return bad(`${quote(t)} has a thousands separator; write it as ${t.replace(/,/g, '')}`);
    if (/^\d+,\d+$/.test(t)) return bad(`${quote(t)} uses a decimal comma; write it as ${t.replace(',', '.')}`);
    if (/^\d+(\.\d+)?e[-+]?\d+$/i.test(t)) return bad(`${quote(t)} is in exponent notation; write the amount out in digits`);
    return bad(`${quote(t)} is not a decimal amount like 1234.56`);
  }
  const exp = currencyExponent(currency);
  try {
    return ok(decimalToMinor(t, currency ?? null));
  } catch {
    const decimals = t.split('.')[1]?.length ?? 0;
    if (currency && decimals > exp) return bad(`${quote(t)} has ${decimals} decimals but ${currency} allows ${exp}`);
    return bad(`${quote(t)} is too large (at most ${Number.MAX_SAFE_INTEGER} minor units)`);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

interface CsvRow {
  line: number;
  values: Record<CsvColumn, string>;
}

/**
 * One row per expense; rows sharing a `claim_id` form one claim and must agree on the claim
 * columns. Lines are physical lines of the file, so a quoted field that spans lines still
 * points the user at the line where its row starts.
 */
export function parseClaimsCsv(text: string, fileName: string): Claim[] {
  const issues: ClaimsInputIssue[] = [];
  const at = (line: number | null, column: string | null, message: string) => issues.push({ file: fileName, line, column, message });

  if (text.replace(/^\uFEFF/, '').trim() === '') {
    at(null, null, 'the file is empty (expected a header line and one row per expense)');
    throw new ClaimsInputError(issues);
  }

  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      // `Acme "Best" Inc` unquoted is unambiguous; keep its quotes rather than refuse the file.
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    if (err instanceof CsvError) {
      const line = typeof err.lines === 'number' ? err.lines : null;
      at(line, null, `not valid CSV: ${csvErrorText(err)}`);
      throw new ClaimsInputError(issues);
    }
    throw err;
  }

  const rows = records.map((r) => ({ fields: r.record, line: startLine(r.record, r.info.lines) }));
  const header = rows.shift();
  if (!header) {
    at(null, null, 'the file has no header line');
    throw new ClaimsInputError(issues);
  }

  const names = header.fields.map((h) => h.trim());
  const known = new Set<string>(CSV_COLUMNS);
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') {
      at(header.line, null, `column ${i + 1} of the header has no name`);
    } else if (!known.has(name)) {
      const guess = CSV_COLUMNS.find((c) => c === name.toLowerCase().replace(/[\s-]+/g, '_'));
      at(header.line, name, `unknown column${guess ? ` (did you mean "${guess}"?)` : ''}; expected ${CSV_COLUMNS.join(',')}`);
    } else if (seen.has(name)) {
      at(header.line, name, `column appears twice in the header (positions ${seen.get(name)! + 1} and ${i + 1})`);
    }
    if (!seen.has(name)) seen.set(name, i);
  });
  for (const col of CSV_COLUMNS) {
    if (!seen.has(col) && !OPTIONAL_COLUMNS.has(col)) at(header.line, col, 'missing column in the header');
  }
  if (issues.length > 0) throw new ClaimsInputError(issues);
  if (rows.length === 0) {
    at(header.line, null, 'the file has a header but no expense rows');
    throw new ClaimsInputError(issues);
  }

  const csvRows: CsvRow[] = [];
  for (const row of rows) {
    if (row.fields.length !== names.length) {
      at(row.line, null, `the row has ${row.fields.length} field${row.fields.length === 1 ? '' : 's'} but the header has ${names.length} (a value with a comma needs "quotes")`);
      continue;
    }
    const values = {} as Record<CsvColumn, string>;
    for (const col of CSV_COLUMNS) {
      const idx = seen.get(col);
      values[col] = idx === undefined ? '' : (row.fields[idx] ?? '');
    }
    csvRows.push({ line: row.line, values });
  }

  const claims = new Map<string, { claim: Claim; line: number; firstLines: Partial<Record<CsvColumn, number>> }>();
  const expenseLines = new Map<string, Map<string, number>>();
  for (const { line, values } of csvRows) {
    let rowOk = true;
    const take = <T>(column: CsvColumn, c: Checked<T>): T | null => {
      if (c.ok) return c.value;
      at(line, column, c.message);
      rowOk = false;
      return null;
    };
    const claimId = take('claim_id', checkText(values.claim_id));
    const partner = take('partner', checkText(values.partner));
    const program = take('program', checkText(values.program));
    const activity = take('activity', checkText(values.activity));
    const usageStart = take('usage_start', checkDate(values.usage_start));
    const usageEnd = take('usage_end', checkDate(values.usage_end));
    if (usageStart && usageEnd && usageEnd < usageStart) {
      at(line, 'usage_end', `${quote(usageEnd)} is before usage_start ${quote(usageStart)}`);
      rowOk = false;
    }
    const expenseId = take('expense_id', checkText(values.expense_id));
    const type = take('expense_type', checkExpenseType(values.expense_type));
    const vendor = take('vendor', checkText(values.vendor));
    const currency = take('currency', checkCurrency(values.currency));
    const amountMinor = take('amount', checkAmount(values.amount, currency));
    const date = take('expense_date', checkDate(values.expense_date));
    const description = values.description.trim() === '' ? null : values.description.trim();

    if (claimId === null) continue;
    // This row's claim columns: the CSV column, the Claim key, the checked value.
    const claimValues: Array<[CsvColumn, 'partner' | 'program' | 'activity' | 'usageStart' | 'usageEnd', string | null]> = [
      ['partner', 'partner', partner],
      ['program', 'program', program],
      ['activity', 'activity', activity],
      ['usage_start', 'usageStart', usageStart],
      ['usage_end', 'usageEnd', usageEnd],
    ];
    const existing = claims.get(claimId);
    if (existing) {
      // Claim columns repeat on every row; a disagreement means one of the rows is wrong and
      // there is no way to know which.
      for (const [col, key, mine] of claimValues) {
        const theirs = existing.claim[key];
        if (mine !== null && theirs !== '' && mine !== theirs) {
          at(line, col, `${quote(mine)} differs from ${quote(theirs)} on line ${existing.firstLines[col] ?? existing.line} for claim ${quote(claimId)}`);
          rowOk = false;
        }
      }
    }
    if (expenseId !== null) {
      let byId = expenseLines.get(claimId);
      if (!byId) expenseLines.set(claimId, (byId = new Map()));
      const first = byId.get(expenseId);
      if (first !== undefined) {
        at(line, 'expense_id', `${quote(expenseId)} is already used on line ${first} in claim ${quote(claimId)}`);
        rowOk = false;
      } else {
        byId.set(expenseId, line);
      }
    }
    let entry = existing;
    if (!entry) {
      entry = {
        claim: {
          claimId,
          partner: partner ?? '',
          program: program ?? '',
          activity: activity ?? '',
          usageStart: usageStart ?? '',
          usageEnd: usageEnd ?? '',
          expenses: [],
        },
        line,
        firstLines: {},
      };
      claims.set(claimId, entry);
    }
    // A claim column that was bad on the first row is taken from the first row that has it.
    for (const [col, key, v] of claimValues) {
      if (entry.claim[key] === '' && v !== null) {
        entry.claim[key] = v;
        entry.firstLines[col] = line;
      }
    }
    if (rowOk && expenseId && type && vendor && amountMinor !== null && currency && date) {
      entry.claim.expenses.push({ expenseId, type, vendor, amountMinor, currency, date, description });
    }
  }

  if (issues.length > 0) throw new ClaimsInputError(sortIssues(issues, names));
  return [...claims.values()].map((e) => e.claim);
}

function csvErrorText(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed (a " is missing)';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text follows a closing quote; a " inside a quoted field must be doubled ("")';
    default:
      return err.message.replace(/\s*at line \d+.*$/, '').replace(/^[^:]*:\s*/, '');
  }
}

/** csv-parse reports the line a record ends on; newlines inside quoted fields move the start up. */
function startLine(fields: string[], endLine: number): number {
  let inner = 0;
  for (const f of fields) inner += (f.match(/\r\n|\r|\n/g) ?? []).length;
  return endLine - inner;
}

// ---------------------------------------------------------------------------------------------
// JSON

const idSchema = z.union([z.string(), z.number().int()], { error: 'must be a string' }).transform(String);
const strSchema = z.string({ error: 'must be a string' });

// Shapes only; values are judged by the same checks as CSV cells. Unknown keys are looked for
// separately so that one stray key does not hide the real problems of the same object.
const expenseShape = {
  expenseId: idSchema,
  type: strSchema,
  vendor: strSchema,
  // Any number, even 1e309 (Infinity after JSON.parse): the amount check says what is wrong with it.
  amount: z.custom<number | string>((v) => typeof v === 'number' || typeof v === 'string', { error: 'must be a number or a decimal string' }),
  currency: strSchema,
  date: strSchema,
  description: z.string({ error: 'must be a string or null' }).nullable().optional(),
};
const claimShape = {
  claimId: idSchema,
  partner: strSchema,
  program: strSchema,
  activity: strSchema,
  usageStart: strSchema,
  usageEnd: strSchema,
  expenses: z.array(z.unknown(), { error: 'must be an array of expenses' }),
};
const expenseSchema = z.object(expenseShape);
const claimSchema = z.object(claimShape);

/** `[0].expenses[2].amount` */
function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/**
 * The spec's JSON form: an array of claims with camelCase keys and nested expenses. A single
 * claim object is accepted too. Keys outside the spec are refused, like unknown CSV columns,
 * so that a snake_case key is not silently ignored.
 */
export function parseClaimsJson(text: string, fileName: string): Claim[] {
  const issues: ClaimsInputIssue[] = [];
  const at = (line: string | number | null, column: string | null, message: string) => issues.push({ file: fileName, line, column, message });
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    at(null, null, 'the file is empty (expected a JSON array of claims)');
    throw new ClaimsInputError(issues);
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? body.slice(0, Number(pos[1])).split('\n').length : null;
    // V8 quotes the start of the input in its message; the line number says where.
    at(line, null, `not valid JSON: ${msg.replace(/^JSON\.parse:\s*/, '').replace(/,? ".*" is not valid JSON$/s, '')}`);
    throw new ClaimsInputError(issues);
  }

  const single = isPlainObject(data);
  const list: unknown = single ? [data] : data;
  // Paths in messages follow what the user wrote: no `[0]` for a single object.
  const where = (path: ReadonlyArray<PropertyKey>) => jsonPath(single ? path.slice(1) : path);
  if (!Array.isArray(list)) {
    at(null, null, 'expected a JSON array of claims');
    throw new ClaimsInputError(issues);
  }
  if (list.length === 0) {
    at(null, null, 'the array holds no claims');
    throw new ClaimsInputError(issues);
  }

  const shapeIssues = (err: z.ZodError, base: PropertyKey[]) => {
    for (const iss of err.issues) {
      const path = [...base, ...iss.path];
      const last = path[path.length - 1];
      const column = typeof last === 'string' ? last : null;
      const missing = iss.code === 'invalid_type' && (iss as { input?: unknown }).input === undefined;
      at(where(path), column, missing ? 'is missing' : iss.message);
    }
  };
  const unknownKeys = (value: unknown, allowed: object, base: PropertyKey[]) => {
    if (!isPlainObject(value)) return;
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(allowed, key)) at(where([...base, key]), key, `unknown key ${quote(key)} (expected ${Object.keys(allowed).join(', ')})`);
    }
  };

  const claims: Claim[] = [];
  const claimIndex = new Map<string, number>();
  list.forEach((item: unknown, i) => {
    const p = (...rest: PropertyKey[]) => where([i, ...rest]);
    if (!isPlainObject(item)) {
      at(p(), null, 'must be a claim object');
      return;
    }
    unknownKeys(item, claimShape, [i]);
    const r = claimSchema.safeParse(item);
    if (!r.success) shapeIssues(r.error, [i]);
    const c = r.success ? r.data : null;
    let claimOk = r.success;
    const take = <T>(key: string, c2: Checked<T>, path: PropertyKey[]): T | null => {
      if (c2.ok) return c2.value;
      at(p(...path), key, c2.message);
      claimOk = false;
      return null;
    };

    const expenses: Expense[] = [];
    const rawExpenses = Array.isArray(item['expenses']) ? (item['expenses'] as unknown[]) : [];
    if (Array.isArray(item['expenses']) && rawExpenses.length === 0) {
      at(p('expenses'), 'expenses', 'a claim needs at least one expense');
      claimOk = false;
    }
    const firstIndex = new Map<string, number>();
    rawExpenses.forEach((raw, j) => {
      const ep = ['expenses', j];
      if (!isPlainObject(raw)) {
        at(p(...ep), null, 'must be an expense object');
        claimOk = false;
        return;
      }
      unknownKeys(raw, expenseShape, [i, ...ep]);
      const er = expenseSchema.safeParse(raw);
      if (!er.success) {
        shapeIssues(er.error, [i, ...ep]);
        claimOk = false;
        return;
      }
      const e = er.data;
      const expenseId = take('expenseId', checkText(e.expenseId), [...ep, 'expenseId']);
      const type = take('type', checkExpenseType(e.type), [...ep, 'type']);
      const vendor = take('vendor', checkText(e.vendor), [...ep, 'vendor']);
      const currency = take('currency', checkCurrency(e.currency), [...ep, 'currency']);
      const amountText = typeof e.amount === 'number' ? (e.amount < 0 ? `-${String(-e.amount)}` : String(e.amount)) : e.amount;
      const amountMinor = take('amount', checkAmount(amountText, currency), [...ep, 'amount']);
      const date = take('date', checkDate(e.date), [...ep, 'date']);
      const description = e.description == null || e.description.trim() === '' ? null : e.description.trim();
      if (expenseId !== null) {
        const first = firstIndex.get(expenseId);
        if (first !== undefined) {
          at(p(...ep, 'expenseId'), 'expenseId', `${quote(expenseId)} is already used by ${p('expenses', first)}`);
          claimOk = false;
        } else {
          firstIndex.set(expenseId, j);
        }
      }
      if (expenseId && type && vendor && amountMinor !== null && currency && date) {
        expenses.push({ expenseId, type, vendor, amountMinor, currency, date, description });
      }
    });
    if (!c) return;

    const claimId = take('claimId', checkText(c.claimId), ['claimId']);
    const partner = take('partner', checkText(c.partner), ['partner']);
    const program = take('program', checkText(c.program), ['program']);
    const activity = take('activity', checkText(c.activity), ['activity']);
    const usageStart = take('usageStart', checkDate(c.usageStart), ['usageStart']);
    const usageEnd = take('usageEnd', checkDate(c.usageEnd), ['usageEnd']);
    if (usageStart && usageEnd && usageEnd < usageStart) {
      at(p('usageEnd'), 'usageEnd', `${quote(usageEnd)} is before usageStart ${quote(usageStart)}`);
      claimOk = false;
    }
    if (claimId !== null) {
      const first = claimIndex.get(claimId);
      if (first !== undefined) {
        at(p('claimId'), 'claimId', `${quote(claimId)} is already used by ${where([first]) || 'the first claim'} (put all of a claim's expenses in one object)`);
        claimOk = false;
      } else {
        claimIndex.set(claimId, i);
      }
    }
    if (claimOk && claimId && partner && program && activity && usageStart && usageEnd) {
      claims.push({ claimId, partner, program, activity, usageStart, usageEnd, expenses });
    }
  });

  if (issues.length > 0) throw new ClaimsInputError(sortIssues(issues));
  return claims;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** File order: by line (JSON: by path, numerically), then by position of the column. */
function sortIssues(issues: ClaimsInputIssue[], columnOrder: readonly string[] = []): ClaimsInputIssue[] {
  const lineKey = (l: ClaimsInputIssue['line']) =>
    l === null ? [-1] : typeof l === 'number' ? [l] : (l.match(/\d+/g) ?? []).map(Number);
  const colKey = (c: string | null) => (c === null ? -1 : columnOrder.indexOf(c));
  return issues
    .map((issue, n) => ({ issue, n }))
    .sort((a, b) => {
      const ka = lineKey(a.issue.line);
      const kb = lineKey(b.issue.line);
      for (let k = 0; k < Math.max(ka.length, kb.length); k++) {
        const d = (ka[k] ?? -1) - (kb[k] ?? -1);
        if (d !== 0) return d;
      }
      return colKey(a.issue.column) - colKey(b.issue.column) || a.n - b.n;
    })
    .map((x) => x.issue);
}

// ---------------------------------------------------------------------------------------------
// Bytes to text

/** Claims files larger than this are refused unread (100,000 rows are about 15 MB). */
export const MAX_CLAIMS_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The text of a claims file. UTF-8 (with or without a BOM) and UTF-16 (by its BOM, or by the
 * NULs every other byte that ASCII text in UTF-16 has) are decoded. Anything else is refused
 * with the line and byte where it stops being UTF-8: guessing between Latin-1, Windows-1252 and
 * the rest would silently change vendor names that are matched against invoices.
 */
export function decodeClaimsText(bytes: Uint8Array, fileName: string): string {
  const fail = (line: number | null, message: string): never => {
    throw new ClaimsInputError([{ file: fileName, line, column: null, message }]);
  };
  const b = bytes;
  if ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) || (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)) {
    fail(null, 'the file is UTF-32; save it as UTF-8');
  }
  const utf16 = b[0] === 0xff && b[1] === 0xfe ? 'utf-16le' : b[0] === 0xfe && b[1] === 0xff ? 'utf-16be' : guessUtf16(b);
  if (utf16) {
    try {
      return new TextDecoder(utf16, { fatal: true, ignoreBOM: false }).decode(b);
    } catch {
      fail(null, `the file looks like ${utf16.toUpperCase()} but is not valid ${utf16.toUpperCase()}; save it as UTF-8`);
    }
  }
  const body = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
  const bad = firstInvalidUtf8(body);
  if (bad >= 0) {
    const line = lineAt(body, bad);
    const hint = body[bad]! >= 0xa0 ? ` (in Latin-1/Windows-1252 that byte is "${String.fromCharCode(body[bad]!)}")` : '';
    fail(line, `the file is not UTF-8: byte 0x${body[bad]!.toString(16).padStart(2, '0')} at column ${bad - lineStart(body, bad) + 1}${hint}; save the file as UTF-8`);
  }
  const nul = body.indexOf(0);
  if (nul >= 0) fail(lineAt(body, nul), 'the file contains a NUL byte: it is not a text file');
  return new TextDecoder('utf-8').decode(body);
}

/** UTF-16 without a BOM: in its first KB, most odd (LE) or even (BE) bytes are NUL and the others are not. */
function guessUtf16(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length, 1024) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.6 && evenNul < pairs * 0.1) return 'utf-16le';
  if (evenNul > pairs * 0.6 && oddNul < pairs * 0.1) return 'utf-16be';
  return null;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  if (isUtf8(b)) return -1;
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length || !isUtf8(b.subarray(i, i + len))) return i;
    i += len;
  }
  return -1;
}

function lineStart(b: Uint8Array, at: number): number {
  return b.lastIndexOf(0x0a, at - 1) + 1;
}

function lineAt(b: Uint8Array, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (b[i] === 0x0a) line++;
  return line;
}

/** A claims file as bytes (what a file or an upload gives): decoded (see decodeClaimsText), then parsed. */
export function parseClaimsBytes(bytes: Uint8Array, fileName: string): Claim[] {
  return parseClaimsFile(decodeClaimsText(bytes, fileName), fileName);
}

/** By extension (.json / .csv), else by content: JSON starts with `[` or `{`. */
export function parseClaimsFile(text: string, fileName: string): Claim[] {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return parseClaimsJson(text, fileName);
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return parseClaimsCsv(text, fileName);
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  return first === '[' || first === '{' ? parseClaimsJson(text, fileName) : parseClaimsCsv(text, fileName);
}
