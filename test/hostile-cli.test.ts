// The command line against hostile and broken input, as an attacker (or a bad export) would try
// it: every case ends in one clear line naming the file, exit code 2 where the run cannot be
// trusted, bounded time and memory, and nothing raw from a name reaching the terminal.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.ts';
import { escapeTextPdf } from './fixtures/hostile.ts';

const root = path.resolve(import.meta.dirname, '..');
const invoice = path.join(root, 'examples/evidence/CL-1001/acme-invoice.pdf');
// ESC, BEL, CSI (C1), a new line and a bidi override: what would act on a terminal if printed raw.
const RAW_ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/u;
const EVIL = 'a\x1b]0;PWNED\x07\x1b[31mred\nline\u202e.pdf';
const HEADER = 'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description';

let dir: string;
const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-hostile-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('claimproof extract, hostile files', () => {
  it('refuses a FIFO, a device and a 2.1 GB file by what they are, without hanging or reading them', async () => {
    const fifo = path.join(dir, 'pipe.pdf');
    mkfifo(fifo);
    const big = path.join(dir, 'big.pdf');
    await writeFile(big, '%PDF-1.4\n');
    await truncate(big, Math.round(2.1 * 1024 ** 3)); // sparse: no disk used
    const rss = process.memoryUsage().rss;
    const r = await cli(['extract', '--json', fifo, '/dev/zero', big, invoice]);
    expect(process.memoryUsage().rss - rss).toBeLessThan(300 * 1024 * 1024);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.error?.code ?? null)).toEqual(['UNSUPPORTED', 'UNSUPPORTED', 'TOO_LARGE', null]);
    expect(lines[3].vendor).toBe('Acme Events Inc.');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('claimproof:'))).toEqual([
      `claimproof: ${fifo}: is a FIFO (named pipe), not a regular file`,
      'claimproof: /dev/zero: is a character device, not a regular file',
      `claimproof: ${big}: the file is 2.1 GB, more than the limit of 100.0 MB`,
    ]);
  }, 60_000);

  it('reads a file whose name is not UTF-8, says which links and pipes in a folder it skipped, and never prints a name raw', async () => {
    const folder = path.join(dir, 'folder');
    await mkdir(folder);
    const latin1Name = Buffer.concat([Buffer.from(folder + '/caf'), Buffer.from([0xe9]), Buffer.from('.pdf')]);
    await writeFile(latin1Name, await readFile(invoice));
    await copyFile(invoice, path.join(folder, EVIL));
    await symlink('/etc/passwd', path.join(folder, 'link.pdf'));
    mkfifo(path.join(folder, 'pipe.pdf'));

    const table = await cli(['extract', folder]);
    expect(table.code).toBe(0);
    for (const out of [table.stdout, table.stderr]) expect(out).not.toMatch(RAW_ACTIVE);
    expect(table.stdout).toContain('caf\\xe9.pdf');
    expect(table.stdout).toContain('PWNED\\x07\\e[31mred\\nline\\u202e.pdf');
    expect(table.stderr).toContain(`claimproof: warning: ${path.join(folder, 'link.pdf')} skipped: a symbolic link (links are not followed`);
    expect(table.stderr).toContain(`claimproof: warning: ${path.join(folder, 'pipe.pdf')} skipped: a FIFO (named pipe), not a regular file`);

    const json = await cli(['extract', '--json', folder]);
    expect(json.stdout).not.toMatch(RAW_ACTIVE);
    const files = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // JSON keeps the exact name (escaped by JSON itself), and both files were read.
    expect(files.map((f) => path.basename(f.file)).sort()).toEqual([EVIL, 'caf\\xe9.pdf'].sort());
    expect(files.every((f) => f.vendor === 'Acme Events Inc.')).toBe(true);
  }, 60_000);

  it('prints text read from a PDF safely: escapes in its text layer reach neither the table nor the JSON raw', async () => {
    const file = path.join(dir, 'escapes.pdf');
    await writeFile(file, await escapeTextPdf());
    const table = await cli(['extract', file]);
    expect(table.stdout).not.toMatch(RAW_ACTIVE);
    expect(table.stdout).toContain('ACME\\e]0;PWNED\\x07\\e[31m');
    const json = await cli(['extract', '--json', file]);
    expect(json.stdout).not.toMatch(RAW_ACTIVE);
    expect(JSON.parse(json.stdout).vendor).toContain('ACME\x1b]0;PWNED\x07');
  }, 30_000);

  it('unpacks ZIPs under one budget: bombs, climbing names and nested archives are refused by entry, in bounded memory', async () => {
    const zeros = new Uint8Array(200 * 1024 * 1024);
    const bomb = zipSync({ 'invoice.pdf': zeros }, { level: 9 });
    const bombs = [1, 2, 3].map((i) => path.join(dir, `bomb${i}.zip`));
    for (const b of bombs) await writeFile(b, bomb);
    const pdf = new Uint8Array(await readFile(invoice));
    const longName = `${'n'.repeat(990)}.pdf`;
    const mixed = path.join(dir, 'mixed.zip');
    await writeFile(mixed, zipSync({ 'ok.pdf': pdf, '../../escape.pdf': pdf, [longName]: pdf, [EVIL]: pdf, 'inner.zip': zipSync({ 'x.pdf': pdf }) }));

    const rss = process.memoryUsage().rss;
    const r = await cli(['extract', '--json', ...bombs, mixed]);
    expect(process.memoryUsage().rss - rss).toBeLessThan(300 * 1024 * 1024);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_ACTIVE);
    const err = r.stderr.trim().split('\n');
    for (const b of bombs) expect(err).toContain(`claimproof: ${b}/invoice.pdf: it unpacks to 200.0 MB, more than the 100.0 MB limit for one file`);
    expect(err).toContain(`claimproof: ${mixed}/../../escape.pdf: its name climbs out of the archive with ".."`);
    expect(err).toContain(`claimproof: ${mixed}/inner.zip: a ZIP inside the ZIP is not opened (nested archives are refused); unpack it and add its files`);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const read = lines.filter((l) => l.vendor === 'Acme Events Inc.').map((l) => l.file);
    expect(read).toEqual(expect.arrayContaining([`${mixed}/ok.pdf`, `${mixed}/${longName}`, `${mixed}/${EVIL}`]));

    const table = await cli(['extract', mixed]);
    expect(table.stdout).not.toMatch(RAW_ACTIVE);
    // The 1,000-character name is cut to the table's column on screen.
    for (const line of table.stdout.split('\n')) expect(line.length).toBeLessThan(200);
  }, 120_000);
});

describe('claimproof check, hostile claims and evidence', () => {
  const rowFor = (vendor: string, usageEnd = '2026-03-31') => `C1,Partner,MDF,Event,2026-02-01,${usageEnd},E1,third_party,${vendor},1250.00,EUR,2026-02-10,`;
  let evidence: string;

  beforeAll(async () => {
    evidence = path.join(dir, 'evidence');
    await mkdir(path.join(evidence, 'C1'), { recursive: true });
    await copyFile(invoice, path.join(evidence, 'C1', 'invoice.pdf'));
    await writeFile(Buffer.concat([Buffer.from(path.join(evidence, 'C1', 'po')), Buffer.from([0xff, 0xfe]), Buffer.from('.pdf')]), 'not a pdf');
    await symlink('/etc/passwd', path.join(evidence, 'C1', 'passwd.pdf'));
  });

  it('reads UTF-16 and BOM claims files, reports skipped links in the JSON report, and survives a non-UTF-8 evidence name', async () => {
    const text = [HEADER, rowFor('Acme Events Inc.')].join('\r\n') + '\r\n';
    const utf16 = path.join(dir, 'claims-utf16.csv');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = await cli(['check', '--claims', utf16, '--evidence', evidence, '--as-of', '2026-04-01', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.claims[0].expenses[0]).toMatchObject({ vendor: 'Acme Events Inc.', file: 'C1/invoice.pdf' });
    expect(report.skipped).toEqual([{ path: 'C1/passwd.pdf', reason: expect.stringMatching(/^a symbolic link/) }]);
    expect(report.claims[0].documents.map((d: { file: string }) => d.file).sort()).toEqual(['C1/invoice.pdf', 'C1/po\\xff\\xfe.pdf']);
    expect(r.stderr).toContain('passwd.pdf skipped: a symbolic link');

    const bom = path.join(dir, 'claims-bom.csv');
    await writeFile(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect((await cli(['check', '--claims', bom, '--evidence', evidence, '--as-of', '2026-04-01', '--json'])).code).toBe(0);
  }, 60_000);

  it('refuses a Latin-1 claims file, a FIFO and a usage end in 9999 with one line and exit 2', async () => {
    const latin1 = path.join(dir, 'claims-latin1.csv');
    await writeFile(latin1, Buffer.from([HEADER, rowFor('Café Müller')].join('\n') + '\n', 'latin1'));
    const far = path.join(dir, 'claims-9999.csv');
    await writeFile(far, [HEADER, rowFor('Acme Events Inc.', '9999-12-01')].join('\n') + '\n');
    const fifo = path.join(dir, 'claims-fifo.csv');
    mkfifo(fifo);
    const results = [];
    for (const f of [latin1, fifo, far]) results.push(await cli(['check', '--claims', f, '--evidence', evidence, '--as-of', '2026-04-01']));
    expect(results.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(results.map((r) => r.stderr)).toEqual([
      `claimproof: ${latin1}:2: the file is not UTF-8: byte 0xe9 at column 62 (in Latin-1/Windows-1252 that byte is "é"); save the file as UTF-8\n`,
      `claimproof: ${fifo}: cannot read the claims file: is a FIFO (named pipe), not a regular file\n`,
      `claimproof: ${far}:2: column "usage_end": "9999-12-01" is too far in the future (the last date accepted is 9997-12-31)\n`,
    ]);
  }, 30_000);

  it('prints vendor names and file names from a claims file safely in the table', async () => {
    const claims = path.join(dir, 'claims-evil.csv');
    await writeFile(claims, [HEADER, rowFor('"Acme\x1b[2J\x1b]0;x\x07 Events"')].join('\n') + '\n');
    const r = await cli(['check', '--claims', claims, '--evidence', evidence, '--as-of', '2026-04-01']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_ACTIVE);
    expect(r.stdout).toContain('Acme\\e[2J\\e]0;x\\x07 Events');
  }, 30_000);
});
