// Processes many evidence files with a bounded number in flight, so the OCR pool stays busy
// while text-layer PDFs go straight through, and hands results back in input order.
import { createOcrEngines } from '../pipeline/engines.ts';
import { failedDocument, processBytes, type ProcessOptions } from '../pipeline/process.ts';
import type { ProcessedDocument } from '../pipeline/types.ts';
import { FileInputError } from '../pipeline/file-input.ts';
import type { Input } from './inputs.ts';

export interface RunOptions {
  ocrWorkers: number;
  /** Seconds one page may take in an OCR engine. */
  ocrPageTimeoutS?: number;
  localeHint?: ProcessOptions['localeHint'];
  onResult?: (doc: ProcessedDocument, index: number) => void;
  progress?: (done: number, total: number, name: string) => void;
  /** Seconds one document may take (ProcessOptions.timeBudgetS). */
  timeBudgetS?: number;
  /** Progress inside a document: before each page it reads. */
  pageProgress?: (name: string, page: number, pages: number) => void;
}

export async function runFiles(inputs: Input[], opts: RunOptions): Promise<ProcessedDocument[]> {
  // Engines start only when a page needs them: a batch of text PDFs never pays for them.
  const engines = createOcrEngines({ tesseractWorkers: opts.ocrWorkers, ...(opts.ocrPageTimeoutS ? { pageTimeoutMs: opts.ocrPageTimeoutS * 1000 } : {}) });
  const results: ProcessedDocument[] = new Array(inputs.length);
  let next = 0;
  let done = 0;
  let emitted = 0;

  const emitInOrder = () => {
    while (results[emitted] !== undefined) {
      opts.onResult?.(results[emitted]!, emitted);
      emitted += 1;
    }
  };

  const one = async (input: Input): Promise<ProcessedDocument> => {
    if ('error' in input) return failedDocument(input.name, input.code, input.error);
    let bytes: Uint8Array;
    try {
      bytes = await input.load();
    } catch (err) {
      // The file changed since it was listed, or is not what it said (a FIFO, too large): that file fails, the run goes on.
      if (err instanceof FileInputError) return failedDocument(input.name, err.code, err.message);
      throw err;
    }
    const onPage = opts.pageProgress ? (page: number, pages: number) => opts.pageProgress!(input.name, page, pages) : undefined;
    return processBytes(input.name, bytes, { ocr: engines.first, secondOcr: engines.second, pageScansFirst: true, localeHint: opts.localeHint ?? null, timeBudgetS: opts.timeBudgetS, onPage });
  };

  // Twice the OCR workers in flight: enough to keep them fed, few enough to bound memory.
  const inFlight = Math.max(2, opts.ocrWorkers * 2);
  const lane = async () => {
    while (next < inputs.length) {
      const i = next++;
      const input = inputs[i]!;
      const doc = await one(input);
      results[i] = doc;
      done += 1;
      opts.progress?.(done, inputs.length, input.name);
      emitInOrder();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, inputs.length) }, lane));
  } finally {
    await engines.close();
  }
  return results;
}
