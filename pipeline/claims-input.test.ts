import { describe, expect, it } from 'vitest';
import { thrown } from '../test/helpers/thrown.ts';
import { ClaimsInputError, parseClaimsCsv, parseClaimsFile, parseClaimsJson, type ClaimsInputIssue } from './claims-input.ts';

const HEADER = 'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description';
const ROW1 = 'C1,Partner One,MDF,Spring event,2026-03-01,2026-03-31,E1,third_party,Acme Inc.,1250.00,EUR,2026-03-04,Venue';
const ROW2 = 'C1,Partner One,MDF,Spring event,2026-03-01,2026-03-31,E2,in_house,Partner One,800,EUR,2026-03-20,';
/** The claim columns of ROW1 and ROW2, as a parsed claim (and the JSON form) has them. */
const CLAIM_FIELDS = { claimId: 'C1', partner: 'Partner One', program: 'MDF', activity: 'Spring event', usageStart: '2026-03-01', usageEnd: '2026-03-31' };

function csv(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

const failure = (fn: () => unknown) => thrown(fn, ClaimsInputError);

function only(err: ClaimsInputError): ClaimsInputIssue {
  expect(err.issues).toHaveLength(1);
  return err.issues[0]!;
}

describe('parseClaimsCsv: valid files', () => {
  it('groups rows into claims with amounts in minor units', () => {
    const claims = parseClaimsCsv(csv(HEADER, ROW1, ROW2), 'claims.csv');
    expect(claims).toEqual([
      {
        ...CLAIM_FIELDS,
        expenses: [
          { expenseId: 'E1', type: 'third_party', vendor: 'Acme Inc.', amountMinor: 125000, currency: 'EUR', date: '2026-03-04', description: 'Venue' },
          { expenseId: 'E2', type: 'in_house', vendor: 'Partner One', amountMinor: 80000, currency: 'EUR', date: '2026-03-20', description: null },
        ],
      },
    ]);
  });

  it('handles a BOM, CRLF, quoted commas and quotes, a multi-line field, and any column order', () => {
    const header = 'expense_id,claim_id,vendor,amount,currency,expense_type,expense_date,description,usage_end,usage_start,activity,program,partner';
    const text =
      '\uFEFF' +
      [
        header,
        'E1,C1,"Acme, Inc",1250.00,EUR,third_party,2026-03-04,"two\r\nlines",2026-03-31,2026-03-01,Event,MDF,"Partner ""One"""',
        'E2,C1,Beta,5,eur,third_party,2026-03-05,,2026-03-31,2026-03-01,Event,MDF,"Partner ""One"""',
      ].join('\r\n') +
      '\r\n';
    const [claim] = parseClaimsCsv(text, 'claims.csv');
    expect(claim!.claimId).toBe('C1');
    expect(claim!.partner).toBe('Partner "One"');
    expect(claim!.expenses[0]).toMatchObject({ vendor: 'Acme, Inc', amountMinor: 125000, description: 'two\r\nlines' });
    expect(claim!.expenses[1]).toMatchObject({ currency: 'EUR', amountMinor: 500 });
  });

  it('accepts a header without the optional description column, and interleaved claims', () => {
    const header = HEADER.replace(',description', '');
    const claims = parseClaimsCsv(
      csv(header, 'C1,P,M,A,2026-03-01,2026-03-31,E1,third_party,V,1,JPY,2026-03-02', 'C2,P,M,A,2026-04-01,2026-04-30,E1,in_house,P,2.5,EUR,2026-04-02', 'C1,P,M,A,2026-03-01,2026-03-31,E2,third_party,V,3,JPY,2026-03-03'),
      'c.csv',
    );
    expect(claims.map((c) => [c.claimId, c.expenses.map((e) => [e.expenseId, e.amountMinor, e.description])])).toEqual([
      ['C1', [['E1', 1, null], ['E2', 3, null]]],
      ['C2', [['E1', 250, null]]],
    ]);
  });

  it('accepts trailing zeros beyond the exponent and skips blank lines', () => {
    const [claim] = parseClaimsCsv(csv(HEADER, '', ROW1.replace('1250.00', '1250.000'), ''), 'claims.csv');
    expect(claim!.expenses[0]!.amountMinor).toBe(125000);
  });
});

describe('parseClaimsCsv: errors carry line and column', () => {
  const cases: Array<[string, string, number | null, string | null, RegExp]> = [
    ['negative amount', csv(HEADER, ROW1, ROW2.replace(',800,', ',-12.00,')), 3, 'amount', /"-12.00" is negative/],
    ['decimal comma', csv(HEADER, ROW1.replace('1250.00', '"1250,50"')), 2, 'amount', /decimal comma/],
    ['thousands separator', csv(HEADER, ROW1.replace('1250.00', '"1,250.00"')), 2, 'amount', /thousands separator/],
    ['malformed amount', csv(HEADER, ROW1.replace('1250.00', '12a')), 2, 'amount', /not a decimal amount/],
    ['too many decimals', csv(HEADER, ROW1.replace('1250.00', '1250.005')), 2, 'amount', /3 decimals but EUR allows 2/],
    ['decimals on JPY', csv(HEADER, ROW1.replace('1250.00,EUR', '1250.5,JPY')), 2, 'amount', /JPY allows 0/],
    ['empty amount', csv(HEADER, ROW1.replace('1250.00', '')), 2, 'amount', /is empty/],
    ['bad date form', csv(HEADER, ROW1.replace('2026-03-04', '04/03/2026')), 2, 'expense_date', /not a date in YYYY-MM-DD form/],
    ['impossible date', csv(HEADER, ROW1.replace('2026-03-04', '2026-02-30')), 2, 'expense_date', /not a real calendar date/],
    ['bad usage_start', csv(HEADER, ROW1.replace('2026-03-01', '2026-3-1')), 2, 'usage_start', /YYYY-MM-DD/],
    ['unknown type', csv(HEADER, ROW1.replace('third_party', 'third-party')), 2, 'expense_type', /not an expense type.*did you mean third_party/],
    ['unknown currency', csv(HEADER, ROW1.replace(',EUR,', ',EUX,')), 2, 'currency', /"EUX" is not an ISO 4217 currency code/],
    ['usage_end before usage_start', csv(HEADER, ROW1.replace('2026-03-31', '2026-02-28')), 2, 'usage_end', /before usage_start/],
    ['empty vendor', csv(HEADER, ROW1.replace('Acme Inc.', ' ')), 2, 'vendor', /is empty/],
    ['empty claim_id', csv(HEADER, ROW1.replace('C1,', ',')), 2, 'claim_id', /is empty/],
    ['duplicate expense_id', csv(HEADER, ROW1, ROW2, ROW1.replace('Venue', 'again')), 4, 'expense_id', /"E1" is already used on line 2/],
    ['claim columns disagree', csv(HEADER, ROW1, ROW2.replace('2026-03-31', '2026-04-30')), 3, 'usage_end', /"2026-04-30" differs from "2026-03-31" on line 2 for claim "C1"/],
    ['partner disagrees', csv(HEADER, ROW1, ROW2.replace(/^C1,Partner One/, 'C1,Partner Two')), 3, 'partner', /differs from "Partner One"/],
    ['too few fields', csv(HEADER, ROW1, 'C1,Partner One,MDF'), 3, null, /3 fields but the header has 13/],
    ['unquoted comma', csv(HEADER, ROW1.replace('Acme Inc.', 'Acme, Inc.')), 2, null, /14 fields.*quotes/],
    ['missing column', csv(HEADER.replace(',vendor', ''), ROW1.replace(',Acme Inc.', '')), 1, 'vendor', /missing column/],
    ['unknown column', csv(HEADER + ',notes', ROW1 + ',x'), 1, 'notes', /unknown column/],
    ['misspelt column', csv(HEADER.replace('usage_start', 'Usage Start'), ROW1), 1, 'Usage Start', /did you mean "usage_start"/],
    ['header only', csv(HEADER), 1, null, /no expense rows/],
    ['empty file', '\uFEFF  \n', null, null, /empty/],
    ['unclosed quote', csv(HEADER, ROW1, ROW2.replace('Partner One,800', '"Partner One,800')), 3, null, /never closed/],
  ];
  it.each(cases)('%s', (_name, text, line, column, message) => {
    const err = failure(() => parseClaimsCsv(text, 'claims.csv'));
    const issue = err.issues.find((i) => i.line === line && i.column === column);
    expect(issue, JSON.stringify(err.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
    expect(issue!.file).toBe('claims.csv');
    expect(err.message).not.toContain('\n');
  });

  it('reports a duplicate header column', () => {
    const err = failure(() => parseClaimsCsv(csv(HEADER + ',amount', ROW1 + ',1'), 'claims.csv'));
    expect(only(err)).toMatchObject({ line: 1, column: 'amount', message: expect.stringMatching(/twice/) });
  });

  it('formats the first issue as file:line: column "x": message', () => {
    const err = failure(() => parseClaimsCsv(csv(HEADER, ROW1, ROW1.replace('E1', 'E9').replace('1250.00', '-12.00')), 'claims.csv'));
    expect(err.message).toBe('claims.csv:3: column "amount": "-12.00" is negative');
  });

  it('lists every issue, in file order, and says how many more there are', () => {
    const text = csv(HEADER, ROW1.replace('EUR', 'EUX'), ROW2.replace('2026-03-20', '2026-03-32').replace(',800,', ',-1,'));
    const err = failure(() => parseClaimsCsv(text, 'claims.csv'));
    expect(err.issues.map((i) => [i.line, i.column])).toEqual([
      [2, 'currency'],
      [3, 'amount'],
      [3, 'expense_date'],
    ]);
    expect(err.message).toBe('claims.csv:2: column "currency": "EUX" is not an ISO 4217 currency code (and 2 more problems)');
  });

  it('counts physical lines after a multi-line quoted field', () => {
    const text = csv(HEADER, ROW1.replace('Venue', '"a\nb\nc"'), ROW2.replace('Partner One,800', 'Partner One,x'));
    const err = failure(() => parseClaimsCsv(text, 'claims.csv'));
    expect(only(err)).toMatchObject({ line: 5, column: 'amount' });
  });

  it('points at the starting line of a multi-line row', () => {
    const text = csv(HEADER, ROW1, ROW2.replace('Partner One,800', 'Partner One,-8').replace(/,$/, ',"note\nmore"'));
    const err = failure(() => parseClaimsCsv(text, 'claims.csv'));
    expect(only(err)).toMatchObject({ line: 3, column: 'amount' });
  });

  it('imports nothing when one row is bad (all or nothing)', () => {
    let result: unknown = 'not set';
    const err = failure(() => {
      result = parseClaimsCsv(csv(HEADER, ROW1, ROW2.replace('in_house', 'inhouse')), 'claims.csv');
    });
    expect(result).toBe('not set');
    expect(only(err)).toMatchObject({ line: 3, column: 'expense_type' });
  });
});

const CLAIM = {
  ...CLAIM_FIELDS,
  expenses: [
    { expenseId: 'E1', type: 'third_party', vendor: 'Acme Inc.', amount: 1250, currency: 'EUR', date: '2026-03-04', description: 'Venue' },
    { expenseId: 'E2', type: 'in_house', vendor: 'Partner One', amount: '800.50', currency: 'EUR', date: '2026-03-20' },
  ],
};
const json = (v: unknown) => JSON.stringify(v, null, 2);
function withExpense(i: number, patch: Record<string, unknown>) {
  return { ...CLAIM, expenses: CLAIM.expenses.map((e, j) => (j === i ? { ...e, ...patch } : e)) };
}

describe('parseClaimsJson', () => {
  it('reads the spec form, amounts as numbers or decimal strings', () => {
    const [claim] = parseClaimsJson(json([CLAIM]), 'claims.json');
    expect(claim!.expenses.map((e) => [e.expenseId, e.amountMinor, e.description])).toEqual([
      ['E1', 125000, 'Venue'],
      ['E2', 80050, null],
    ]);
    expect(claim!.usageEnd).toBe('2026-03-31');
  });

  it('accepts a single claim object', () => {
    expect(parseClaimsJson('\uFEFF' + json(CLAIM), 'c.json')).toHaveLength(1);
  });

  const cases: Array<[string, unknown, string, string | null, RegExp]> = [
    ['negative amount', [CLAIM, { ...withExpense(1, { amount: -12 }), claimId: 'C2' }], '[1].expenses[1].amount', 'amount', /is negative/],
    ['too many decimals from a float', [withExpense(0, { amount: 0.1 + 0.2 })], '[0].expenses[0].amount', 'amount', /decimals but EUR allows 2/],
    ['malformed amount string', [withExpense(0, { amount: '1,250.00' })], '[0].expenses[0].amount', 'amount', /thousands separator/],
    ['amount of a wrong type', [withExpense(0, { amount: true })], '[0].expenses[0].amount', 'amount', /number or a decimal string/],
    ['missing key', [{ ...CLAIM, partner: undefined }], '[0].partner', 'partner', /is missing/],
    ['unknown key', [withExpense(0, { expense_id: 'x' })], '[0].expenses[0].expense_id', 'expense_id', /unknown key/],
    ['bad date', [withExpense(1, { date: '2026-02-29' })], '[0].expenses[1].date', 'date', /not a real calendar date/],
    ['unknown type', [withExpense(1, { type: 'internal' })], '[0].expenses[1].type', 'type', /not an expense type/],
    ['unknown currency', [withExpense(1, { currency: 'XYZ' })], '[0].expenses[1].currency', 'currency', /ISO 4217/],
    ['usageEnd before usageStart', [{ ...CLAIM, usageEnd: '2026-02-01' }], '[0].usageEnd', 'usageEnd', /before usageStart/],
    ['duplicate expenseId', [withExpense(1, { expenseId: 'E1' })], '[0].expenses[1].expenseId', 'expenseId', /already used by \[0\]\.expenses\[0\]/],
    ['duplicate claimId', [CLAIM, CLAIM], '[1].claimId', 'claimId', /already used by \[0\]/],
    ['no expenses', [{ ...CLAIM, expenses: [] }], '[0].expenses', 'expenses', /at least one expense/],
    ['empty vendor', [withExpense(0, { vendor: '' })], '[0].expenses[0].vendor', 'vendor', /is empty/],
  ];
  it.each(cases)('%s', (_name, value, path, column, message) => {
    const err = failure(() => parseClaimsJson(json(value), 'claims.json'));
    const issue = err.issues.find((i) => i.line === path);
    expect(issue, JSON.stringify(err.issues)).toBeDefined();
    expect(issue!.column).toBe(column);
    expect(issue!.message).toMatch(message);
    expect(err.message.startsWith('claims.json: ')).toBe(true);
  });

  it('reports value problems of an object that also has an unknown key', () => {
    const err = failure(() => parseClaimsJson(json([withExpense(0, { amount: -1, note: 'x' })]), 'claims.json'));
    expect(err.issues.map((i) => i.line).sort()).toEqual(['[0].expenses[0].amount', '[0].expenses[0].note']);
  });

  it('paths of a single object have no [0]', () => {
    const err = failure(() => parseClaimsJson(json(withExpense(0, { amount: -1 })), 'c.json'));
    expect(only(err).line).toBe('expenses[0].amount');
  });

  it('refuses invalid JSON, an empty array and a non-array', () => {
    expect(failure(() => parseClaimsJson('[{"claimId": }]', 'c.json')).message).toMatch(/^c\.json: not valid JSON/);
    expect(failure(() => parseClaimsJson('[]', 'c.json')).message).toMatch(/no claims/);
    expect(failure(() => parseClaimsJson('"x"', 'c.json')).message).toMatch(/array of claims/);
    expect(failure(() => parseClaimsJson('', 'c.json')).message).toMatch(/empty/);
  });
});

describe('parseClaimsFile', () => {
  it('chooses the parser by extension, then by content', () => {
    expect(parseClaimsFile(json([CLAIM]), 'x.JSON')[0]!.claimId).toBe('C1');
    expect(parseClaimsFile(csv(HEADER, ROW1), 'x.csv')[0]!.claimId).toBe('C1');
    expect(parseClaimsFile('  ' + json([CLAIM]), 'upload')[0]!.claimId).toBe('C1');
    expect(parseClaimsFile(csv(HEADER, ROW1), 'upload')[0]!.claimId).toBe('C1');
    // A JSON file named .csv is read as CSV, and fails as CSV would.
    expect(failure(() => parseClaimsFile(json([CLAIM]), 'x.csv')).issues[0]!.line).toBe(1);
  });
});
