// Prometheus metrics of the API process. HTTP durations are labelled by the route's pattern (never
// the raw path, which would make one series per id); queue depths are read from the queue at
// scrape time, so they are right whichever process did the work. OCR is counted by wrapping the
// engine this process uses: workers in other processes are not seen here.
import client from 'prom-client';
import type { OcrEngine } from '../pipeline/ocr.ts';
import type { JobQueue } from '../services/jobs.ts';

export interface ApiMetrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  uploads: client.Counter<'outcome'>;
  uploadBytes: client.Counter;
  ocrPages: client.Counter;
  ocrSeconds: client.Counter;
  /** The queue whose depths are reported (createApp sets it to the service's queue). */
  observeQueue(queue: Pick<JobQueue, 'counts'>): void;
}

/**
 * The metrics, created apart from the app so the same counters can be handed to the OCR engine
 * before the runtime opens (`instrumentOcr`) and to createApp after.
 */
export function createMetrics(registry = new client.Registry()): ApiMetrics {
  let queue: Pick<JobQueue, 'counts'> | null = null;
  client.collectDefaultMetrics({ register: registry, prefix: 'claimproof_' });
  const httpDuration = new client.Histogram({
    name: 'claimproof_http_request_duration_seconds',
    help: 'HTTP request durations by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const uploads = new client.Counter({
    name: 'claimproof_uploaded_documents_total',
    help: 'Documents received through the upload route (new: stored and queued; duplicate: the claim already had these bytes)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const uploadBytes = new client.Counter({
    name: 'claimproof_upload_bytes_total',
    help: 'Bytes of request bodies received by the upload route',
    registers: [registry],
  });
  const ocrPages = new client.Counter({ name: 'claimproof_ocr_pages_total', help: 'Pages recognised by OCR in this process', registers: [registry] });
  const ocrSeconds = new client.Counter({ name: 'claimproof_ocr_seconds_total', help: 'Seconds spent recognising pages in this process', registers: [registry] });
  new client.Gauge({
    name: 'claimproof_queue_jobs',
    help: 'Jobs per queue and state (completed and failed are those the queue still keeps)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!queue) return;
      try {
        const counts = await queue.counts();
        for (const [name, byState] of Object.entries(counts)) {
          for (const [state, n] of Object.entries(byState)) this.set({ queue: name, state }, n);
        }
      } catch {
        // A queue that cannot be reached shows as no series; /readyz says why.
      }
    },
  });
  return { registry, httpDuration, uploads, uploadBytes, ocrPages, ocrSeconds, observeQueue: (q) => (queue = q) };
}

/** The same engine, counting pages and seconds into `metrics` (give it to openRuntime as `ocr`). */
export function instrumentOcr(engine: OcrEngine, metrics: Pick<ApiMetrics, 'ocrPages' | 'ocrSeconds'>): OcrEngine {
  return {
    // Whether the engine needs re-read passes is the engine's, not the wrapper's.
    ...(engine.singlePass !== undefined ? { singlePass: engine.singlePass } : {}),
    async recognize(image, opts) {
      const end = process.hrtime.bigint();
      try {
        return await engine.recognize(image, opts);
      } finally {
        metrics.ocrPages.inc();
        metrics.ocrSeconds.inc(Number(process.hrtime.bigint() - end) / 1e9);
      }
    },
    close: () => engine.close(),
  };
}
