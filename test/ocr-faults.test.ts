// A page that hangs the OCR engine, through the service: the pool abandons it at the per-page time
// limit, tries it once more on a fresh worker, and the document ends `failed` with READ_ERROR and
// an UNREADABLE_DOCUMENT flag on its claim. The other documents of the same upload are read, and
// the pool goes on reading what comes after. The hanging page is a real one: a dense 300-dpi page
// takes tesseract far longer than the limit set here, a small receipt far less.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { getClaimDocuments, getClaimFlags } from '../db/queries.ts';
import { createOcrPool, type OcrPool } from '../pipeline/ocr.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { importClaims } from '../services/claims.ts';
import { silentLogger, type Actor } from '../services/context.ts';
import { storeUploads } from '../services/documents.ts';
import { renderTextImage } from './fixtures/make.ts';
import { faultClaimCsv, faultInvoice } from './helpers/fault-fixtures.ts';

const admin: Actor = { name: 'test', role: 'admin' };
const PAGE_LIMIT_MS = 8000;

async function denseScan(): Promise<Buffer> {
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'.split(' ');
  const lines = Array.from({ length: 90 }, (_, i) => ({ text: Array.from({ length: 14 }, (_, j) => `${words[(i * 7 + j * 3) % words.length]}${(i * j) % 97}`).join(' '), size: 7 }));
  return renderTextImage(lines, { dpi: 300 });
}

const smallReceipt = (date = '2026-03-12', total = '12.50') => renderTextImage(['Acme Events Ltd', `Receipt ${date}`, `Total EUR ${total}`], { dpi: 150, page: { width: 260, height: 120 } });

describe('an OCR page that hangs, through the service', () => {
  let rt: Runtime;
  let pool: OcrPool;
  let dir: string;

  beforeAll(async () => {
    pool = createOcrPool({ size: 1, timeoutMs: PAGE_LIMIT_MS });
    dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-ocrfault-'));
    const config = loadConfig({ CLAIMPROOF_DATA_DIR: dir, LOG_LEVEL: 'silent' });
    config.pgliteDir = 'memory://';
    rt = await openRuntime(config, { log: silentLogger(), ocr: pool, migrate: true });
    await rt.startWorkers({ queues: ['ingest', 'recheck'], concurrency: 2 });
    await importClaims(rt.deps, admin, { text: faultClaimCsv('OCR-1'), format: 'csv', fileName: 'claims.csv' });
  }, 60_000);

  afterAll(async () => {
    await rt?.close();
    await pool?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fails that document alone, after a retry on a fresh worker, and keeps reading the others', async () => {
    const invoice = await faultInvoice(5);
    const stored = await storeUploads(rt.deps, admin, 'OCR-1', [
      { fileName: 'hangs.png', stream: Readable.from([await denseScan()]) },
      { fileName: 'receipt.png', stream: Readable.from([await smallReceipt()]) },
      { fileName: 'invoice.pdf', stream: Readable.from([invoice]) },
    ]);
    await rt.deps.queue.drained(180_000);

    const docs = await getClaimDocuments(rt.deps.db, 'OCR-1');
    const byName = (n: string) => docs.find((d) => d.fileName === n)!;
    expect(docs).toHaveLength(stored.length);
    expect(byName('hangs.png')).toMatchObject({ status: 'failed', errorCode: 'READ_ERROR' });
    expect(byName('hangs.png').errorMessage).toMatch(/timed out/);
    expect(byName('receipt.png')).toMatchObject({ status: 'done', method: 'ocr' });
    expect(byName('invoice.pdf')).toMatchObject({ status: 'done', method: 'text' });
    expect(pool.stats().workersFailed).toBeGreaterThanOrEqual(2);

    const flags = await getClaimFlags(rt.deps.db, 'OCR-1');
    expect(flags.filter((f) => f.code === 'UNREADABLE_DOCUMENT').map((f) => f.documentId)).toEqual([byName('hangs.png').id]);

    // The pool goes on: a page after the hang is read by a fresh worker.
    const [later] = await storeUploads(rt.deps, admin, 'OCR-1', [{ fileName: 'later.png', stream: Readable.from([await smallReceipt('2026-03-14', '7.00')]) }]);
    await rt.deps.queue.drained(60_000);
    expect((await getClaimDocuments(rt.deps.db, 'OCR-1')).find((d) => d.id === later!.id)).toMatchObject({ status: 'done', method: 'ocr' });
  }, 240_000);
});
