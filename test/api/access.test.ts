// Who may call what, checked on every route the app has: the matrix is built from the OpenAPI
// document (and the document checked against the app's own route table), so a new route cannot be
// left out. Also: the document validates, the reference page lists it, errors carry a request id
// and never a stack, limits answer 413, and a database that is gone answers 503.
import SwaggerParser from '@apidevtools/swagger-parser';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { makeTextPdf, sampleInvoice } from '../fixtures/make.ts';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../services/context.ts';
import { createBullmqQueue, obliterateQueues } from '../../workers/bullmq.ts';
import { REDIS_URL, claimJson, filesForm, openHarness, redisAvailable, type Harness } from './harness.ts';

const redis = await redisAvailable();

type Op = { method: string; path: string; op: Record<string, unknown> };

const OWNER = 'Owner Partner Ltd';
const OTHER = 'Other Partner Ltd';

/** A request body each operation accepts; a route missing here fails the matrix until one is added. */
const BODIES: Record<string, (ids: Ids) => { type: string; body: BodyInit }> = {
  'post /api/claims': (ids) => ({ type: 'application/json', body: JSON.stringify(claimJson(ids.claimId, OWNER, [{ expenseId: 'E1', vendor: 'Acme', amount: '10.00', currency: 'EUR', date: '2026-03-01' }])) }),
  'post /api/claims/{claimId}/status': () => ({ type: 'application/json', body: JSON.stringify({ status: 'submitted' }) }),
  'post /api/claims/{claimId}/documents': (ids) => {
    const form = filesForm([{ name: 'again.pdf', bytes: ids.pdf }]);
    const res = new Response(form);
    return { type: res.headers.get('content-type')!, body: form };
  },
  'patch /api/documents/{id}/fields': () => ({ type: 'application/json', body: JSON.stringify({ changes: { vendor: 'Acme' } }) }),
  'post /api/flags/{id}/resolve': () => ({ type: 'application/json', body: JSON.stringify({ note: 'ok' }) }),
  'post /api/flags/{id}/dismiss': () => ({ type: 'application/json', body: JSON.stringify({ note: 'ok' }) }),
  'post /api/reports': () => ({ type: 'application/json', body: JSON.stringify({}) }),
  'post /api/tokens': () => ({ type: 'application/json', body: JSON.stringify({ role: 'reviewer', label: 'matrix' }) }),
  'post /api/tokens/{id}/revoke': () => ({ type: 'application/json', body: '' }),
  'post /api/queue/{name}/{jobId}/retry': () => ({ type: 'application/json', body: '' }),
};

interface Ids {
  claimId: string;
  documentId: string;
  flagId: string;
  tokenId: string;
  pdf: Uint8Array;
}

function urlFor(path: string, ids: Ids): string {
  const id = path.startsWith('/api/flags') ? ids.flagId : path.startsWith('/api/tokens') ? ids.tokenId : ids.documentId;
  return path
    .replace('{claimId}', encodeURIComponent(ids.claimId))
    .replace('{id}', id)
    .replace('{n}', '1')
    .replace('{name}', 'ingest')
    .replace('{jobId}', 'doc-x');
}

describe('access to every route', () => {
  let h: Harness;
  let doc: { paths: Record<string, Record<string, Record<string, unknown>>> };
  let ops: Op[];
  let ids: Ids;
  const tokens = { admin: '', reviewer: '', owner: '', other: '' };

  beforeAll(async () => {
    h = await openHarness('embedded', { app: { auth: { maxFailures: 1000 } } });
    tokens.admin = await h.token('admin');
    tokens.reviewer = await h.token('reviewer');
    tokens.owner = await h.token('submitter', OWNER);
    tokens.other = await h.token('submitter', OTHER);
    doc = (await (await h.call(null, '/api/openapi.json')).json()) as typeof doc;
    ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method, path, op })));

    const { lines, truth } = sampleInvoice(5);
    const pdf = await makeTextPdf([lines]);
    const claimId = 'ACL-1';
    const imported = await h.call(tokens.owner, '/api/claims', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(claimJson(claimId, OWNER, [{ expenseId: 'E1', vendor: truth.vendor, amount: '1.00', currency: truth.currency, date: truth.date }])),
    });
    expect(imported.status).toBe(201);
    const up = await h.call(tokens.owner, `/api/claims/${claimId}/documents`, { method: 'POST', body: filesForm([{ name: 'invoice.pdf', bytes: pdf }]) });
    const documentId = ((await up.json()) as { documents: Array<{ id: string }> }).documents[0]!.id;
    await h.runtime.deps.queue.drained(30_000);
    const flags = (await (await h.call(tokens.reviewer, `/api/flags?claimId=${claimId}`)).json()) as { flags: Array<{ id: string }> };
    const tokenList = (await (await h.call(tokens.admin, '/api/tokens')).json()) as { tokens: Array<{ id: string; label: string }> };
    ids = { claimId, documentId, flagId: flags.flags[0]!.id, tokenId: tokenList.tokens.find((t) => t.label === `test-submitter-${OWNER}`)!.id, pdf };
  });
  afterAll(async () => {
    await h?.close();
  });

  function request(o: Op, token: string | null): Promise<Response> {
    const make = BODIES[`${o.method} ${o.path}`];
    const init: RequestInit = { method: o.method.toUpperCase() };
    if (make) {
      const { type, body } = make(ids);
      init.body = body;
      if (!(body instanceof FormData)) init.headers = { 'content-type': type };
    }
    return h.call(token, urlFor(o.path, ids), init);
  }

  it('the OpenAPI document validates and lists every route the app serves', async () => {
    await SwaggerParser.validate(structuredClone(doc) as never);
    const documented = new Set(ops.map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`));
    const served = [...new Set(h.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
    const undocumented = served.filter((r) => !documented.has(r) && r !== 'GET /api/openapi.json' && r !== 'GET /api/docs');
    expect(undocumented).toEqual([]);
    expect(ops.length).toBeGreaterThanOrEqual(25);
    for (const o of ops) {
      expect(['claim', 'list', 'body', 'global', 'public'], `${o.method} ${o.path} has no x-scope`).toContain(o.op['x-scope']);
      if (o.op['x-scope'] !== 'public') expect(o.op.security, `${o.method} ${o.path}`).toEqual([{ bearer: [] }]);
    }
  });

  it('the reference page shows every operation, with no script from anywhere', async () => {
    const res = await h.call(null, '/api/docs');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toMatch(/<script|https?:\/\/(?!127\.)/);
    for (const o of ops) expect(page, o.path).toContain(`<code>${o.path}</code>`);
  });

  it('refuses every non-public route without a token, with a bad one and with a revoked one (401)', async () => {
    const revoked = await h.token('submitter', 'Revoked Partner');
    const list = (await (await h.call(tokens.admin, '/api/tokens')).json()) as { tokens: Array<{ id: string; label: string }> };
    const id = list.tokens.find((t) => t.label === 'test-submitter-Revoked Partner')!.id;
    expect((await h.call(tokens.admin, `/api/tokens/${id}/revoke`, { method: 'POST' })).status).toBe(200);
    for (const o of ops) {
      const noToken = await request(o, null);
      if (o.op['x-scope'] === 'public') {
        expect(noToken.status, `${o.method} ${o.path}`).not.toBe(401);
        continue;
      }
      expect(noToken.status, `${o.method} ${o.path} without a token`).toBe(401);
      expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = (await noToken.json()) as { code: string; requestId: string };
      expect(body).toMatchObject({ code: 'UNAUTHORIZED', requestId: noToken.headers.get('x-request-id') });
      expect((await request(o, 'cp_not-a-real-token')).status, `${o.method} ${o.path} with a bad token`).toBe(401);
      expect((await request(o, revoked)).status, `${o.method} ${o.path} with a revoked token`).toBe(401);
    }
  });

  it('hides another partner\'s claims, documents and flags from a submitter (404), and gates roles (403)', async () => {
    for (const o of ops) {
      const scope = o.op['x-scope'];
      if (scope === 'public') continue;
      const roles = o.op['x-roles'] as string[];
      const res = await request(o, tokens.other);
      const what = `${o.method} ${o.path} as another partner's submitter`;
      if (!roles.includes('submitter')) expect(res.status, what).toBe(403);
      else if (scope === 'claim') {
        expect(res.status, what).toBe(404);
        expect(await res.text(), what).not.toContain(OWNER);
      } else if (scope === 'body') expect(res.status, what).toBe(403);
      else {
        expect(res.status, what).toBe(200);
        const text = await res.text();
        expect(text, what).not.toContain(ids.claimId);
        expect(text, what).not.toContain(OWNER);
      }
    }
    // The owner's submitter does see its own.
    expect((await h.call(tokens.owner, `/api/claims/${ids.claimId}`)).status).toBe(200);
    expect((await h.call(tokens.owner, `/api/documents/${ids.documentId}`)).status).toBe(200);
  });

  it('says clearly that no report exists yet (404)', async () => {
    const res = await h.call(tokens.reviewer, '/api/reports/latest.csv');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/no report has been built yet/);
  });

  it('answers errors as {code, message, requestId}, never with a stack, and keeps a given request id', async () => {
    const res = await h.call(tokens.reviewer, '/api/claims/NOPE-404', { headers: { 'x-request-id': 'client-req-12345' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('client-req-12345');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId']);
    expect(body.requestId).toBe('client-req-12345');
    const unknown = await h.call(tokens.reviewer, '/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).not.toMatch(/at .*\.ts:\d+/);
    const badJson = await h.call(tokens.reviewer, `/api/flags/${ids.flagId}/resolve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"note":' });
    expect(badJson.status).toBe(400);
    expect(await badJson.text()).not.toMatch(/\.ts:\d+/);
  });

  it('writes the request id into every log line of a request', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const logged = createApp(h.runtime.deps, { log });
    const res = await logged.request('/api/claims/NOPE-1', { headers: { authorization: `Bearer ${tokens.reviewer}` } });
    expect(res.status).toBe(404);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.requestId).toBe(res.headers.get('x-request-id'));
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ route: '/api/claims/:claimId', status: 404, actor: 'token:test-reviewer' });
  });

  it('slows repeated failed authentication to 429 with Retry-After', async () => {
    const strict = createApp(h.runtime.deps, { auth: { maxFailures: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await strict.request('/api/claims', { headers: { authorization: 'Bearer cp_wrong' } })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const last = await strict.request('/api/claims', { headers: { authorization: `Bearer ${tokens.reviewer}` } });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 413 past the upload limits, naming the limit', async () => {
    const small = createApp(h.runtime.deps, { uploadLimits: { maxFileBytes: 1000, maxFiles: 2 } });
    const call = (form: FormData) => small.request(`/api/claims/${ids.claimId}/documents`, { method: 'POST', body: form, headers: { authorization: `Bearer ${tokens.owner}` } });
    const big = await call(filesForm([{ name: 'big.pdf', bytes: ids.pdf }]));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { message: string }).message).toMatch(/limit/);
    const many = await call(filesForm([1, 2, 3].map((n) => ({ name: `f${n}.pdf`, bytes: new Uint8Array([37, 80, 68, 70, n]) }))));
    expect(many.status).toBe(413);
    const wrongField = await small.request(`/api/claims/${ids.claimId}/documents`, { method: 'POST', body: new Blob(['x']), headers: { authorization: `Bearer ${tokens.owner}`, 'content-type': 'application/pdf' } });
    expect(wrongField.status).toBe(415);
  });
});

describe('when the queue is gone', () => {
  it.skipIf(!redis)('answers 503 on the queue route and /readyz names the queue', async () => {
    const prefix = `cptest-${randomBytes(4).toString('hex')}`;
    const queue = await createBullmqQueue({ redisUrl: REDIS_URL, prefix, log: silentLogger() });
    const h = await openHarness('embedded', { workers: false });
    try {
      const app = createApp({ ...h.runtime.deps, queue });
      const auth = { headers: { authorization: `Bearer ${await h.token('admin')}` } };
      expect((await app.request('/api/queue', auth)).status).toBe(200);
      await queue.close();
      const res = await app.request('/api/queue', auth);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('UNAVAILABLE');
      const ready = await app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: unknown }).checks).toMatchObject({ queue: { ok: false }, database: { ok: true } });

      // And then the database: 503 too, and /healthz still says the process is up.
      await h.runtime.database.close();
      const gone = await h.call(auth.headers.authorization.slice(7), '/api/claims');
      expect(gone.status).toBe(503);
      const notReady = await h.call(null, '/readyz');
      expect(((await notReady.json()) as { checks: unknown }).checks).toMatchObject({ database: { ok: false } });
      expect((await h.call(null, '/healthz')).status).toBe(200);
    } finally {
      await h.close().catch(() => {});
      await obliterateQueues(REDIS_URL, prefix);
    }
  });
});

describe.skipIf(redis)('when the database is gone', () => {
  it('answers 503 (not 500) and /readyz says which part failed', async () => {
    const h = await openHarness('embedded', { workers: false });
    try {
      const token = await h.token('reviewer');
      expect((await h.call(null, '/readyz')).status).toBe(200);
      await h.runtime.database.close();
      const res = await h.call(token, '/api/claims');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('UNAVAILABLE');
      const ready = await h.call(null, '/readyz');
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: { database: { ok: boolean }; queue: { ok: boolean } } };
      expect(body.checks.database.ok).toBe(false);
      expect(body.checks.queue.ok).toBe(true);
      expect((await h.call(null, '/healthz')).status).toBe(200);
    } finally {
      await h.close().catch(() => {});
    }
  });
});
