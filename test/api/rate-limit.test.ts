// Uploads per token and minute: past the limit a 429 with Retry-After, counted in Redis when the
// service runs on it (shared by every API process) and in memory on the embedded default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJson, drivers, filesForm, openHarness, type Harness } from './harness.ts';
import { makeTextPdf } from '../fixtures/make.ts';

describe.each(await drivers())('upload rate limit on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver, { workers: false, env: { CLAIMPROOF_UPLOADS_PER_MINUTE: '2' } });
    const token = await h.token('reviewer');
    const res = await h.call(token, '/api/claims', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(claimJson('RL-1', 'Partner A', [{ expenseId: 'E1', vendor: 'Acme', amount: '10.00', currency: 'EUR', date: '2026-03-01' }])),
    });
    expect(res.status).toBe(201);
  }, 60_000);
  afterAll(() => h?.close());

  it('answers 429 with Retry-After past the limit, per token', async () => {
    const token = await h.token('reviewer');
    const other = await h.token('admin');
    const upload = async (t: string, n: number) =>
      h.call(t, '/api/claims/RL-1/documents', { method: 'POST', body: filesForm([{ name: `f${n}.pdf`, bytes: await makeTextPdf([[{ text: `Invoice ${n}` }]]) }]) });
    // The limit counts in fixed one-minute windows: start early in one, so that a loaded machine
    // does not spread the three uploads over two windows (each would then be within its limit).
    const intoWindow = Date.now() % 60_000;
    if (intoWindow > 30_000) await new Promise((r) => setTimeout(r, 60_000 - intoWindow + 100));
    expect((await upload(token, 1)).status).toBe(202);
    expect((await upload(token, 2)).status).toBe(202);
    const refused = await upload(token, 3);
    expect(refused.status).toBe(429);
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect((await refused.json()).code).toBe('RATE_LIMITED');
    // Another token has its own allowance.
    expect((await upload(other, 4)).status).toBe(202);
  }, 90_000);
});
