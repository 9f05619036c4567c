// Processes many evidence files with a bounded number in flight, so the OCR pool stays busy
// while text-layer PDFs go straight through, and hands results back in input order.
import { createOcrEngines } from '../pipeline/engines.ts';
import { failedDocument, processBytes, type ProcessOptions } from '../pipeline/process.ts';
import type { ProcessedDocument } from '../pipeline/types.ts';
import type { InputFile } from './inputs.ts';

export type Input = InputFile | { name: string; error: string };

export interface RunOptions {
  ocrWorkers: number;
  localeHint?: ProcessOptions['localeHint'];
  onResult?: (doc: ProcessedDocument, index: number) => void;
  progress?: (done: number, total: number, name: string) => void;
}

export async function runFiles(inputs: Input[], opts: RunOptions): Promise<ProcessedDocument[]> {
  // Engines start only when a page needs them: a batch of text PDFs never pays for them.
  const engines = createOcrEngines({ tesseractWorkers: opts.ocrWorkers });
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
    if ('error' in input) return failedDocument(input.name, 'CORRUPT', input.error);
    return processBytes(input.name, await input.load(), { ocr: engines.first, secondOcr: engines.second, pageScansFirst: true, localeHint: opts.localeHint ?? null });
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
