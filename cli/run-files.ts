// Processes many evidence files with a bounded number in flight, so the OCR pool stays busy
// while text-layer PDFs go straight through, and hands results back in input order.
import { createOcrPool, type OcrEngine } from '../pipeline/ocr.ts';
import { processBytes, sha256, type ProcessOptions } from '../pipeline/process.ts';
import type { ProcessedDocument } from '../pipeline/types.ts';
import type { InputFile } from './inputs.ts';

export type Input = InputFile | { name: string; error: string };

export interface RunOptions {
  ocrWorkers: number;
  localeHint?: ProcessOptions['localeHint'];
  onResult?: (doc: ProcessedDocument, index: number) => void;
  progress?: (done: number, total: number, name: string) => void;
}

/** Starts the OCR workers only when a page needs them: a batch of text PDFs never pays for it. */
export function lazyOcr(size: number): OcrEngine & { started(): boolean } {
  let pool: OcrEngine | null = null;
  return {
    recognize(image, opts) {
      pool ??= createOcrPool({ size });
      return pool.recognize(image, opts);
    },
    async close() {
      if (pool) await pool.close();
      pool = null;
    },
    started: () => pool !== null,
  };
}

export async function runFiles(inputs: Input[], opts: RunOptions): Promise<ProcessedDocument[]> {
  const ocr = lazyOcr(opts.ocrWorkers);
  const results: ProcessedDocument[] = new Array(inputs.length);
  let next = 0;
  let done = 0;
  let emitted = 0;
  const ready = new Map<number, ProcessedDocument>();

  const emitInOrder = () => {
    while (ready.has(emitted)) {
      opts.onResult?.(ready.get(emitted)!, emitted);
      ready.delete(emitted);
      emitted += 1;
    }
  };

  const one = async (input: Input): Promise<ProcessedDocument> => {
    if ('error' in input) {
      return { file: input.name, sha256: '', size: 0, fileType: null, status: 'failed', error: { code: 'CORRUPT', message: input.error }, method: null, pages: 0, extraction: null, text: '' };
    }
    const bytes = await input.load();
    if (bytes.length === 0) {
      return { file: input.name, sha256: sha256(bytes), size: 0, fileType: null, status: 'failed', error: { code: 'CORRUPT', message: 'the file is empty' }, method: null, pages: 0, extraction: null, text: '' };
    }
    return processBytes(input.name, bytes, { ocr, localeHint: opts.localeHint ?? null });
  };

  // Twice the OCR workers in flight: enough to keep them fed, few enough to bound memory.
  const inFlight = Math.max(2, opts.ocrWorkers * 2);
  const lane = async () => {
    while (next < inputs.length) {
      const i = next++;
      const input = inputs[i]!;
      const doc = await one(input);
      results[i] = doc;
      ready.set(i, doc);
      done += 1;
      opts.progress?.(done, inputs.length, input.name);
      emitInOrder();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, inputs.length) }, lane));
  } finally {
    await ocr.close();
  }
  return results;
}
