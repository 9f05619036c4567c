import { describe, expect, it } from 'vitest';
import type { OcrEngine } from '../pipeline/ocr.ts';
import { createMetrics, instrumentOcr } from './metrics.ts';

describe('metrics', () => {
  it('counts OCR pages and seconds through the wrapped engine, failures included', async () => {
    const metrics = createMetrics();
    let calls = 0;
    const engine: OcrEngine = {
      recognize: async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 20));
        if (calls === 2) throw new Error('unreadable');
        return { text: '', lines: [], width: 1, height: 1 } as never;
      },
      close: async () => {},
    };
    const counted = instrumentOcr(engine, metrics);
    await counted.recognize(Buffer.alloc(0));
    await expect(counted.recognize(Buffer.alloc(0))).rejects.toThrow('unreadable');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^claimproof_ocr_pages_total 2$/m);
    const seconds = Number(/^claimproof_ocr_seconds_total (\S+)$/m.exec(text)![1]);
    expect(seconds).toBeGreaterThanOrEqual(0.03);
  });

  it('reports queue depths by state from the observed queue at scrape time', async () => {
    const metrics = createMetrics();
    const zero = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
    metrics.observeQueue({ counts: async () => ({ ingest: { ...zero, waiting: 7, failed: 2 }, recheck: zero, report: zero }) });
    const text = await metrics.registry.metrics();
    expect(text).toContain('claimproof_queue_jobs{queue="ingest",state="waiting"} 7');
    expect(text).toContain('claimproof_queue_jobs{queue="ingest",state="failed"} 2');
  });
});
