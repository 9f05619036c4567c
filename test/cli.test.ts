// The command line end to end, in-process (fast) and once through the real bin (no stack
// traces, the exit codes of SPEC.md).
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.ts';
import { makeCorruptPdf, makeMultiPageTiff, makeScannedPdf, makeTextPdf, renderTextImage, sampleInvoice } from './fixtures/make.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

let dir: string;
const a = sampleInvoice(1);
const b = sampleInvoice(2);
const c = sampleInvoice(5);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-cli-'));
  await writeFile(path.join(dir, 'text.pdf'), await makeTextPdf([a.lines]));
  await writeFile(path.join(dir, 'scanned.pdf'), await makeScannedPdf([await renderTextImage(b.lines, { dpi: 200, format: 'png' })]));
  const tiffPages = [await renderTextImage(c.lines, { dpi: 200, format: 'png' }), await renderTextImage(['Terms and conditions', 'Page 2 of 2'], { dpi: 200, format: 'png' })];
  await writeFile(path.join(dir, 'pages.tiff'), await makeMultiPageTiff(tiffPages));
  await writeFile(path.join(dir, 'photo.jpg'), await renderTextImage(a.lines, { dpi: 200, format: 'jpeg', rotate: 90, noise: true, seed: 11 }));
  await writeFile(path.join(dir, 'broken.pdf'), await makeCorruptPdf('garbage'));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('claimproof extract', () => {
  it('prints one JSON line per file in order, reads each kind of file, and exits 2 for the corrupt one', async () => {
    const names = ['text.pdf', 'scanned.pdf', 'pages.tiff', 'photo.jpg', 'broken.pdf'];
    const r = await cli(['extract', '--json', ...names.map((n) => path.join(dir, n))]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => path.basename(l.file))).toEqual(names);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['file', 'kind', 'vendor', 'amount', 'currency', 'date', 'invoiceNumber', 'method', 'pages', 'fields']));
    }
    const [text, scanned, tiff, photo, broken] = lines;

    expect(text).toMatchObject({ kind: 'invoice', method: 'text', pages: 1, vendor: a.truth.vendor, amount: a.truth.totalMinor / 100, currency: a.truth.currency, date: a.truth.date, invoiceNumber: a.truth.invoiceNumber });
    expect(text.fields.amount.page).toBe(1);
    expect(text.fields.amount.box).toEqual(expect.objectContaining({ x: expect.any(Number), y: expect.any(Number) }));

    expect(scanned).toMatchObject({ method: 'ocr', pages: 1, amount: b.truth.totalMinor / 100, invoiceNumber: b.truth.invoiceNumber, date: b.truth.date });
    expect(tiff).toMatchObject({ method: 'ocr', pages: 2, amount: c.truth.totalMinor / 100, invoiceNumber: c.truth.invoiceNumber });
    expect(photo).toMatchObject({ method: 'ocr', amount: a.truth.totalMinor / 100, invoiceNumber: a.truth.invoiceNumber });

    expect(broken.error.code).toMatch(/CORRUPT|UNSUPPORTED/);
    expect(broken.kind).toBeNull();
    expect(broken.amount).toBeNull();
    expect(r.stderr).toContain('broken.pdf');
  }, 180_000);

  it('walks a directory and prints a readable table without --json', async () => {
    const sub = path.join(dir, 'only-text');
    await mkdir(sub, { recursive: true });
    await writeFile(path.join(sub, 'one.pdf'), await makeTextPdf([a.lines]));
    const r = await cli(['extract', sub]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('one.pdf');
    expect(r.stdout).toContain(a.truth.invoiceNumber);
    expect(r.stdout).toMatch(/text \(1 p\.\)/);
  });

  it('opens ZIP archives and reports a broken one as a failed input', async () => {
    const zip = zipSync({ 'inner/one.pdf': await makeTextPdf([a.lines]), '__MACOSX/._one.pdf': new Uint8Array([1, 2]) });
    await writeFile(path.join(dir, 'bundle.zip'), zip);
    await writeFile(path.join(dir, 'broken.zip'), zip.slice(0, 40));
    const r = await cli(['extract', '--json', path.join(dir, 'bundle.zip'), path.join(dir, 'broken.zip')]);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ file: path.join(dir, 'bundle.zip', 'inner/one.pdf'), invoiceNumber: a.truth.invoiceNumber });
    expect(lines[1].error.message).toMatch(/ZIP/);
    expect(r.code).toBe(2);
  });

  it('gives one clear line and exit 2 for a missing path or no arguments', async () => {
    const missing = await cli(['extract', path.join(dir, 'nope.pdf')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^claimproof: .*nope\.pdf: no such file or directory$/);
    expect((await cli(['extract'])).code).toBe(2);
    expect((await cli(['frobnicate'])).stderr).toContain('unknown command');
  });
});

describe('the claimproof bin', () => {
  it('runs through npx-style invocation and reports user errors without a stack trace', async () => {
    const bin = path.join(root, 'bin/claimproof.js');
    const ok = await run(process.execPath, [bin, 'extract', '--json', path.join(dir, 'text.pdf')], { cwd: root });
    expect(JSON.parse(ok.stdout.trim()).invoiceNumber).toBe(a.truth.invoiceNumber);
    const bad = await run(process.execPath, [bin, 'check', '--claims', path.join(dir, 'missing.csv'), '--evidence', dir], { cwd: root }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^claimproof: .*missing\.csv/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
