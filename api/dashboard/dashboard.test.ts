// The dashboard through app.request (no browser): sessions, CSRF, access, the claims list's
// filters and order, and the correction form's parsing.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { createToken, revokeToken } from '../../db/queries.ts';
import { openRuntime, type Runtime } from '../../runtime.ts';
import { importClaims, listClaimsForActor, countClaimsForActor } from '../../services/claims.ts';
import { SYSTEM_ACTOR, silentLogger } from '../../services/context.ts';
import { Hono } from 'hono';
import { correctionsFromForm, createDashboard, sessionActorForReads } from './index.ts';

const ORIGIN = 'http://dash.test';

describe('dashboard', () => {
  let runtime: Runtime;
  let dataDir: string;
  let app: ReturnType<typeof createDashboard>;
  let reviewerToken: string;
  let reviewerTokenId: string;
  let submitterToken: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-dash-unit-'));
    runtime = await openRuntime(loadConfig({ CLAIMPROOF_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { log: silentLogger() });
    const deps = runtime.deps;
    const csv = [
      'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description',
      'A-1,Alpha,MDF,Webinar,2026-01-01,2026-01-31,E1,third_party,V1,100.00,EUR,2026-01-10,',
      'A-2,Alpha,Co-op,Radio spots,2026-02-01,2026-02-28,E1,third_party,V2,900.00,EUR,2026-02-10,',
      'A-2,Alpha,Co-op,Radio spots,2026-02-01,2026-02-28,E2,in_house,Alpha,50.00,EUR,2026-02-11,',
      'B-1,Beta,MDF,Trade fair,2026-03-01,2026-03-31,E1,third_party,V3,500.00,USD,2026-03-10,',
    ].join('\n');
    await importClaims(deps, SYSTEM_ACTOR, { text: csv, format: 'csv', fileName: 'c.csv' });
    const rev = await createToken(deps.db, { role: 'reviewer', label: 'rev' });
    reviewerToken = rev.token;
    reviewerTokenId = rev.id;
    submitterToken = (await createToken(deps.db, { role: 'submitter', partner: 'Alpha', label: 'alpha' })).token;
    app = createDashboard(deps);
  });

  afterAll(async () => {
    await runtime?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function signIn(token: string): Promise<{ cookie: string; csrf: string }> {
    const res = await app.request(`${ORIGIN}/signin`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: '/claims' }).toString(),
    });
    expect(res.status).toBe(303);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;
    const page = await (await app.request(`${ORIGIN}/claims`, { headers: { cookie } })).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1];
    expect(csrf).toBeTruthy();
    return { cookie, csrf: csrf! };
  }

  function post(pathname: string, cookie: string, fields: Record<string, string>, origin = ORIGIN) {
    return app.request(`${ORIGIN}${pathname}`, {
      method: 'POST',
      headers: { origin, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  it('refuses an unknown token and sends a visitor without a session to sign in', async () => {
    const bad = await post('/signin', '', { token: 'cp_nope' });
    expect(bad.status).toBe(401);
    const page = await app.request(`${ORIGIN}/claims/A-1`);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/signin?next=%2Fclaims%2FA-1');
  });

  it('sets a CSP without unsafe-inline on every page', async () => {
    const res = await app.request(`${ORIGIN}/signin`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.text()).not.toMatch(/<script>(?!<\/script>)|style="/);
  });

  it('needs the session CSRF token and a same-site Origin for a change', async () => {
    const { cookie, csrf } = await signIn(reviewerToken);
    const noToken = await post('/claims/A-1/status', cookie, { status: 'approved' });
    expect(noToken.status).toBe(403);
    const foreign = await post('/claims/A-1/status', cookie, { status: 'approved', _csrf: csrf }, 'http://evil.test');
    expect(foreign.status).toBe(403);
    const ok = await post('/claims/A-1/status', cookie, { status: 'needs_info', _csrf: csrf });
    // Reached the service: a draft cannot move to needs_info, said as a flash on the claim page.
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/claims/A-1');
    expect(ok.headers.get('set-cookie')).toContain('cp_flash=');
  });

  it('ends the session on sign-out and when its token is revoked', async () => {
    const first = await signIn(reviewerToken);
    const out = await post('/signout', first.cookie, { _csrf: first.csrf });
    expect(out.status).toBe(303);
    expect((await app.request(`${ORIGIN}/claims`, { headers: { cookie: first.cookie } })).status).toBe(303);

    const second = await signIn(reviewerToken);
    expect((await app.request(`${ORIGIN}/claims`, { headers: { cookie: second.cookie } })).status).toBe(200);
    await revokeToken(runtime.deps.db, reviewerTokenId, 'test');
    expect((await app.request(`${ORIGIN}/claims`, { headers: { cookie: second.cookie } })).status).toBe(303);
  });

  it('lends the session to the JSON API for reads only', async () => {
    const { cookie } = await signIn(submitterToken);
    const api = new Hono();
    const resolve = sessionActorForReads(runtime.deps);
    api.all('/api/x', async (c) => c.json({ actor: (await resolve(c))?.partner ?? null }));
    expect(await (await api.request('/api/x', { headers: { cookie } })).json()).toEqual({ actor: 'Alpha' });
    expect(await (await api.request('/api/x', { method: 'POST', headers: { cookie } })).json()).toEqual({ actor: null });
  });

  it('shows a submitter only its partner: another partner\'s claim, document and the review queue are closed', async () => {
    const { cookie } = await signIn(submitterToken);
    const list = await (await app.request(`${ORIGIN}/claims`, { headers: { cookie } })).text();
    expect(list).toContain('A-1');
    expect(list).not.toContain('B-1');
    expect((await app.request(`${ORIGIN}/claims/B-1`, { headers: { cookie } })).status).toBe(404);
    expect((await app.request(`${ORIGIN}/claims/B-1/live`, { headers: { cookie } })).status).toBe(404);
    expect((await app.request(`${ORIGIN}/review`, { headers: { cookie } })).status).toBe(403);
    expect((await app.request(`${ORIGIN}/queues`, { headers: { cookie } })).status).toBe(403);
  });

  it('filters by programme and search, sorts by amount, and counts for the pager', async () => {
    const deps = runtime.deps;
    const byAmount = await listClaimsForActor(deps, SYSTEM_ACTOR, { sort: 'amount', direction: 'desc' });
    expect(byAmount.map((c) => c.claimId)).toEqual(['A-2', 'B-1', 'A-1']);
    expect(byAmount[0]!.totalMinor).toBe(95_000);
    expect((await listClaimsForActor(deps, SYSTEM_ACTOR, { program: 'MDF' })).map((c) => c.claimId)).toEqual(['A-1', 'B-1']);
    expect((await listClaimsForActor(deps, SYSTEM_ACTOR, { search: 'radio' })).map((c) => c.claimId)).toEqual(['A-2']);
    // A % in a search is a character, not a wildcard.
    expect(await listClaimsForActor(deps, SYSTEM_ACTOR, { search: '%' })).toEqual([]);
    const second = await listClaimsForActor(deps, SYSTEM_ACTOR, { limit: 2, offset: 2 });
    expect(second.map((c) => c.claimId)).toEqual(['B-1']);
    expect(await countClaimsForActor(deps, SYSTEM_ACTOR, { program: 'MDF' })).toBe(2);
    expect(await countClaimsForActor(deps, { name: 'alpha', role: 'submitter', partner: 'Alpha' }, {})).toBe(2);
  });

  it('reads the correction form: only changed fields, amounts as typed in the currency', () => {
    const read = { vendor: 'Acme', amount: '1205.00', currency: 'EUR', date: '2026-01-10', invoiceNumber: 'X1' };
    expect(correctionsFromForm({ ...read, amount: '1250,00' }, { currency: 'EUR' }, read)).toEqual({ amount: 125_000 });
    expect(correctionsFromForm({ ...read, vendor: ' Acme Events ' }, { currency: 'EUR' }, read)).toEqual({ vendor: 'Acme Events' });
    expect(correctionsFromForm({ ...read, amount: '5000', currency: 'jpy' }, { currency: 'EUR' }, read)).toEqual({ amount: 5000, currency: 'JPY' });
    expect(() => correctionsFromForm({ ...read, amount: '1,250.00' }, { currency: 'EUR' }, read)).toThrow(/not an amount/);
    expect(() => correctionsFromForm({ ...read, date: '10/01/2026' }, { currency: 'EUR' }, read)).toThrow(/calendar date/);
  });
});
