// OCR with tesseract.js behind a small interface, so the readers (and tests) take any engine.
//
// The pool keeps at most one worker per core (tesseract is single-threaded per worker; more
// workers than cores only thrash), starts them lazily, and replaces each after `recycleAfter`
// pages because a long-lived worker grows in memory and adapts to earlier pages. A worker that
// dies, hangs or rejects is thrown away and the page retried once on a fresh one, so one bad
// image never takes the process down. The language data comes from node_modules, never the
// network (see NOTES.md: a failed download is thrown inside the worker and kills the process).

import { mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createWorker, OEM, type Worker as TesseractWorker } from 'tesseract.js';
import type { Line, Word } from './types.ts';
import { assembleLines, clampBox, round3, roundBox } from './lines.ts';

/** One recognised page image: lines with boxes as fractions of the image size. */
export interface OcrPage {
  /** Pixel size of the image that was recognised. */
  width: number;
  height: number;
  lines: Line[];
  /** Plain text, lines separated by newlines. */
  text: string;
  /** Mean word confidence, 0..1 (0 when no word was found). */
  confidence: number;
  /** The models that read the page, when the engine chose them for it (ocr-lang.ts). */
  languages?: readonly string[];
}

export interface RecognizeOptions {
  /** Pixels per inch of the image, when known; tesseract estimates it otherwise. */
  dpi?: number;
  /** Tesseract page segmentation mode (default 3, fully automatic; 11 finds sparse text). */
  psm?: number;
  /**
   * Models to read this page with, most likely language first (e.g. ['fra', 'eng']); each must be
   * one the pool loaded. Default: all the pool's languages, in its order.
   */
  languages?: readonly string[];
}

export interface OcrEngine {
  recognize(image: Buffer, opts?: RecognizeOptions): Promise<OcrPage>;
  /**
   * The engine reads faint pages, small print and dark-framed pages as well in one pass: the
   * contrast, enlargement and margin re-reads that tesseract needs (image.ts ocrImage) are skipped.
   */
  readonly singlePass?: boolean;
  /** Language models the engine can be asked for through RecognizeOptions.languages (tesseract). */
  readonly languages?: readonly string[];
  /**
   * How a page image is turned, when the engine can tell (a pool of languages ['osd'] only
   * detects; engines.ts gives every engine one). Null: no verdict.
   */
  detectOrientation?(image: Buffer): Promise<Orientation | null>;
  /** Terminates every worker; the engine can still be used afterwards (workers restart lazily). */
  close(): Promise<void>;
}

export interface OcrPoolOptions {
  /** Workers; default os.availableParallelism(), never more than the cores. */
  size?: number;
  /** Pages a worker recognises before it is replaced by a fresh one (default 25). */
  recycleAfter?: number;
  /** A page taking longer is abandoned with its worker (default 180 s). */
  timeoutMs?: number;
  /** Default page segmentation mode (default 3). */
  psm?: number;
  /** Folder holding <lang>.traineddata.gz for every language (default: tesseractDataDir(languages)). */
  langPath?: string;
  /** Models each worker loads (default ['eng']); see TESSERACT_LANGUAGES. */
  languages?: readonly string[];
  /** Tesseract parameters set on every worker, over the defaults (for measurements). */
  params?: Record<string, string>;
}

export interface OcrPoolStats {
  size: number;
  pagesDone: number;
  workersStarted: number;
  workersRecycled: number;
  workersFailed: number;
  queued: number;
}

export interface OcrPool extends OcrEngine {
  stats(): OcrPoolStats;
}

export class OcrError extends Error {
  override name = 'OcrError';
}

const require = createRequire(import.meta.url);

/** The LSTM-only "best_int" model of `lang` shipped in node_modules (as accurate as 4.0.0, 4× smaller). */
export function tesseractLangPath(lang = 'eng'): string {
  return path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int');
}

/**
 * One folder holding the models of `languages`. tesseract.js reads every language from a single
 * `langPath`, and each @tesseract.js-data package is its own folder, so for more than English
 * the folder is made of links to the files in node_modules (no copy, never a download).
 */
export function tesseractDataDir(languages: readonly string[] = ['eng']): string {
  if (languages.length === 1) return tesseractLangPath(languages[0]);
  const dir = path.join(os.tmpdir(), `claimproof-tessdata-${process.getuid?.() ?? 'u'}`);
  mkdirSync(dir, { recursive: true });
  for (const lang of languages) {
    const file = `${lang}.traineddata.gz`;
    const target = path.join(tesseractLangPath(lang), file);
    const link = path.join(dir, file);
    const current = (() => {
      try {
        return readlinkSync(link);
      } catch {
        return null;
      }
    })();
    if (current === target) continue;
    // Another install of the project may have linked its own copy: relink to ours.
    rmSync(link, { force: true });
    try {
      symlinkSync(target, link);
    } catch (err) {
      // Another process made the same link in between.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return dir;
}

export function defaultOcrPoolSize(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

// Parameters measured on this machine (bench/ocr.ts): no inverted-text pass (documents are dark
// on light after preprocessing), keep spaces between words as printed.
const WORKER_PARAMS: Record<string, string> = {
  tessedit_do_invert: '0',
  preserve_interword_spaces: '0',
  // tesseract writes progress chatter ("Detected 91 diacritics") to stderr otherwise.
  debug_file: '/dev/null',
};

interface Slot {
  worker: TesseractWorker | null;
  /** Languages the worker is initialised with now, '+'-joined. */
  langs: string;
  starting: Promise<TesseractWorker> | null;
  pages: number;
  /** Rejects the in-flight job when the worker thread dies. */
  onDeath: ((err: Error) => void) | null;
}

interface Task {
  image: Buffer;
  opts: RecognizeOptions;
  /** Orientation detection (an 'osd' pool) instead of recognition. */
  detect?: boolean;
  attempts: number;
  resolve: (result: OcrPage | Orientation | null) => void;
  reject: (err: Error) => void;
}

/** How a page is turned: rotating it `degrees` clockwise makes it upright. */
export interface Orientation {
  degrees: 0 | 90 | 180 | 270;
  /** Tesseract's orientation confidence (roughly 0..20; above ~2 is a clear verdict). */
  confidence: number;
}

interface RawDetect {
  orientation_degrees: number | null;
  orientation_confidence: number | null;
}

/** A pool of tesseract.js workers shared by every reader in the process. */
export function createOcrPool(options: OcrPoolOptions = {}): OcrPool {
  const cores = defaultOcrPoolSize();
  const size = Math.max(1, Math.min(options.size ?? cores, cores));
  const recycleAfter = Math.max(1, options.recycleAfter ?? 25);
  const timeoutMs = options.timeoutMs ?? 180_000;
  // PSM 6 (one uniform block) keeps a label and its amount on one line; measured end to end on
  // the 99 SROIE receipts it read 81.8 % of totals and 86.9 % of dates against 70.7 % and 77.8 %
  // with PSM 3 (auto layout), at the same speed (bench:accuracy --psm).
  const defaultPsm = options.psm ?? 6;
  const languages = options.languages?.length ? [...options.languages] : ['eng'];
  // The orientation model is a legacy (non-LSTM) one: it needs tesseract.js's legacy core.
  const osd = languages.length === 1 && languages[0] === 'osd';
  const allLangs = languages.join('+');
  const langPath = options.langPath ?? tesseractDataDir(languages);
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: null, langs: allLangs, starting: null, pages: 0, onDeath: null }));
  const free: Slot[] = [...slots];
  const queue: Task[] = [];
  const stats = { pagesDone: 0, workersStarted: 0, workersRecycled: 0, workersFailed: 0 };
  let generation = 0;

  async function start(slot: Slot): Promise<TesseractWorker> {
    stats.workersStarted++;
    slot.langs = allLangs;
    const worker = await createWorker(allLangs, osd ? OEM.TESSERACT_ONLY : OEM.LSTM_ONLY, {
      langPath,
      ...(osd ? { legacyCore: true, legacyLang: true } : {}),
      gzip: true,
      cacheMethod: 'none',
      // Without a handler tesseract.js rethrows a job's rejection inside a message listener,
      // which is an uncaught exception; the job's own promise still rejects.
      errorHandler: () => {},
    });
    await worker.setParameters({ ...WORKER_PARAMS, ...options.params });
    // tesseract.js assigns `onerror` on a worker_threads Worker, which Node never calls; without
    // these listeners a crash in the thread is an unhandled 'error' event (process exit).
    // A recycled worker's thread exits later, while its slot already serves a new one: only the
    // current worker's death concerns the job in flight.
    const thread = (worker as unknown as { worker?: import('node:worker_threads').Worker }).worker;
    const died = (err: Error) => {
      if (slot.worker === worker) slot.onDeath?.(err);
    };
    thread?.on('error', (err) => died(err instanceof Error ? err : new OcrError(String(err))));
    thread?.on('exit', (code) => died(new OcrError(`OCR worker exited (code ${code})`)));
    return worker;
  }

  async function discard(slot: Slot): Promise<void> {
    const w = slot.worker;
    slot.worker = null;
    slot.starting = null;
    slot.pages = 0;
    slot.onDeath = null;
    if (!w) return;
    // tesseract.js posts a job to its thread a few microtasks after recognize() is called, through
    // an async function whose rejection nobody handles: terminating before that post lands is an
    // unhandled rejection and a job that never settles. Let pending microtasks run first.
    await new Promise((resolve) => setImmediate(resolve));
    await w.terminate().catch(() => {});
  }

  async function ensureWorker(slot: Slot): Promise<TesseractWorker> {
    if (slot.worker) return slot.worker;
    if (!slot.starting) slot.starting = start(slot);
    try {
      slot.worker = await slot.starting;
      return slot.worker;
    } finally {
      slot.starting = null;
    }
  }

  async function run(slot: Slot, task: Task): Promise<void> {
    const gen = generation;
    let timer: NodeJS.Timeout | undefined;
    // Whether the worker itself failed (died, hung) rather than rejecting this image.
    let workerFault = false;
    let dims: { width: number; height: number };
    try {
      dims = await imageSize(task.image);
    } catch (err) {
      // Not an image at all: no worker involved.
      task.reject(new OcrError(`OCR failed: ${err instanceof Error ? err.message : String(err)}`));
      free.push(slot);
      pump();
      return;
    }
    try {
      const worker = await ensureWorker(slot);
      const langs = osd ? allLangs : pageLanguages(task.opts.languages);
      if (langs !== slot.langs) {
        // Every model is loaded already: this only rebuilds the API (which drops the parameters).
        await worker.reinitialize(langs, OEM.LSTM_ONLY);
        await worker.setParameters({ ...WORKER_PARAMS, ...options.params });
        slot.langs = langs;
      }
      const params: Record<string, string> = { tessedit_pageseg_mode: String(task.opts.psm ?? defaultPsm) };
      if (task.opts.dpi && task.opts.dpi >= 50 && task.opts.dpi <= 2400) params.user_defined_dpi = String(Math.round(task.opts.dpi));
      // close() or a failure may have retired this worker while the image was measured.
      if (slot.worker !== worker || gen !== generation) throw new OcrError('OCR pool closed');
      const result = await new Promise<{ data: RawResult | RawDetect }>((resolve, reject) => {
        slot.onDeath = (err) => {
          workerFault = true;
          reject(err);
        };
        timer = setTimeout(() => {
          workerFault = true;
          reject(new OcrError(`OCR timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        const job = task.detect ? worker.detect(task.image) : worker.recognize(task.image, params as never, { text: false, blocks: true });
        (job as unknown as Promise<{ data: RawResult | RawDetect }>).then(
          resolve,
          (e: unknown) => reject(e instanceof Error ? e : new OcrError(String(e))),
        );
      });
      clearTimeout(timer);
      slot.onDeath = null;
      slot.pages++;
      stats.pagesDone++;
      if (slot.pages >= recycleAfter) {
        stats.workersRecycled++;
        await discard(slot);
      }
      task.resolve(task.detect ? toOrientation(result.data as RawDetect) : toOcrPage(result.data as RawResult, dims));
    } catch (err) {
      clearTimeout(timer);
      const closed = gen !== generation;
      if (!closed) stats.workersFailed++;
      // Even a plain rejection may leave the wasm module in a bad state (an abort is reported as
      // a rejection): never reuse the worker.
      await discard(slot);
      const e = err instanceof Error ? err : new OcrError(String(err));
      if (workerFault && !closed && task.attempts < 1) {
        task.attempts++;
        queue.unshift(task);
      } else {
        task.reject(e instanceof OcrError && closed ? e : new OcrError(`OCR failed: ${e.message}`));
      }
    } finally {
      free.push(slot);
      pump();
    }
  }

  function pageLanguages(wanted: readonly string[] | undefined): string {
    if (!wanted?.length) return allLangs;
    const missing = wanted.filter((l) => !languages.includes(l));
    // A language the workers never loaded would make tesseract.js fetch it from its CDN.
    if (missing.length) throw new OcrError(`OCR language not loaded: ${missing.join(', ')}`);
    return wanted.join('+');
  }

  function pump(): void {
    while (free.length > 0 && queue.length > 0) {
      const slot = free.shift()!;
      const task = queue.shift()!;
      void run(slot, task);
    }
  }

  return {
    languages,
    recognize(image: Buffer, opts: RecognizeOptions = {}): Promise<OcrPage> {
      return new Promise<OcrPage>((resolve, reject) => {
        if (osd) throw new OcrError('an orientation pool does not recognise text');
        pageLanguages(opts.languages);
        queue.push({ image, opts, attempts: 0, resolve: resolve as Task['resolve'], reject });
        pump();
      });
    },
    ...(osd
      ? {
          detectOrientation: (image: Buffer) =>
            new Promise<Orientation | null>((resolve, reject) => {
              queue.push({ image, opts: {}, detect: true, attempts: 0, resolve: resolve as Task['resolve'], reject });
              pump();
            }),
        }
      : {}),
    async close(): Promise<void> {
      generation++;
      for (const task of queue.splice(0)) task.reject(new OcrError('OCR pool closed'));
      await Promise.all(
        slots.map(async (slot) => {
          if (slot.starting) await slot.starting.then((w) => (slot.worker = w)).catch(() => {});
          slot.onDeath?.(new OcrError('OCR pool closed'));
          await discard(slot);
        }),
      );
    },
    stats: () => ({ size, ...stats, queued: queue.length }),
  };
}

/** Size from a binary PGM/PPM header ("P5\n<w> <h>\n255\n"), which sharp does not read. */
function pnmSize(image: Buffer): { width: number; height: number } | null {
  if (image.length < 8 || image[0] !== 0x50 || (image[1] !== 0x35 && image[1] !== 0x36)) return null;
  const m = /^P[56]\s+(?:#[^\n]*\s+)*(\d+)\s+(\d+)\s+(\d+)\s/.exec(image.subarray(0, 200).toString('latin1'));
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

async function imageSize(image: Buffer): Promise<{ width: number; height: number }> {
  const pnm = pnmSize(image);
  if (pnm) return pnm;
  const m = await sharp(image).metadata();
  if (!m.width || !m.height) throw new OcrError('image has no size');
  // tesseract.js applies the EXIF orientation itself, so boxes refer to the turned image.
  const swap = (m.orientation ?? 1) >= 5;
  return swap ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
}

interface RawBbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface RawWord {
  text: string;
  confidence: number;
  bbox: RawBbox;
}
interface RawLine {
  words: RawWord[];
  bbox: RawBbox;
}
interface RawResult {
  blocks: Array<{ paragraphs: Array<{ lines: RawLine[] }> }> | null;
  confidence: number | null;
}

function toOrientation(data: RawDetect): Orientation | null {
  const d = data.orientation_degrees;
  if (d !== 0 && d !== 90 && d !== 180 && d !== 270) return null;
  return { degrees: d, confidence: round3(data.orientation_confidence ?? 0) };
}

function toOcrPage(data: RawResult, dims: { width: number; height: number }): OcrPage {
  const { width, height } = dims;
  const runs: Word[][] = [];
  let confSum = 0;
  let confN = 0;
  for (const block of data.blocks ?? []) {
    for (const para of block.paragraphs ?? []) {
      for (const line of para.lines ?? []) {
        const words: Word[] = [];
        for (const w of line.words ?? []) {
          const text = (w.text ?? '').trim();
          if (!text) continue;
          const conf = Math.max(0, Math.min(1, (w.confidence ?? 0) / 100));
          confSum += conf;
          confN++;
          words.push({
            text,
            confidence: round3(conf),
            box: roundBox(
              clampBox({ x: w.bbox.x0 / width, y: w.bbox.y0 / height, w: (w.bbox.x1 - w.bbox.x0) / width, h: (w.bbox.y1 - w.bbox.y0) / height }),
            ),
          });
        }
        if (words.length > 0) runs.push(words);
      }
    }
  }
  const lines = assembleLines(runs).map((l) => ({ ...l, box: roundBox(l.box) }));
  return {
    width,
    height,
    lines,
    text: lines.map((l) => l.text).join('\n'),
    confidence: confN > 0 ? round3(confSum / confN) : 0,
  };
}
