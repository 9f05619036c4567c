// Server time of the dashboard's claims page over 10,000 claims: `npm run bench:dashboard [-- options]`.
//
//   --claims N     claims to import (default 10000), two expenses each
//   --checked N    of those, claims whose checks are run so they carry flags and matches (default 1000)
//   --runs N       timed requests per scenario, after 3 warm-ups (default 20)
//   --postgres     use PostgreSQL at DATABASE_URL (default: embedded PGlite, the first-try setup)
//
// Claims are imported through the service (importClaims), a session is opened with a reviewer
// token (a submitter's list is the same query with one more condition), and each request goes
// through the whole Hono app (session lookup, queries, JSX rendering) with app.request, so the
// time is the server's, without the network. Timings on a shared machine move with the load.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDashboard } from '../api/dashboard/index.ts';
import { loadConfig } from '../config.ts';
import { createToken } from '../db/queries.ts';
import { addDays } from '../pipeline/dates.ts';
import type { Claim } from '../pipeline/types.ts';
import { openRuntime } from '../runtime.ts';
import { recheckClaim } from '../services/checks.ts';
import { claimFacetsForActor, countClaimsForActor, importClaims, listClaimsForActor } from '../services/claims.ts';
import { parseClaimsQuery, toFilter } from '../api/dashboard/pages/claims.tsx';
import { SYSTEM_ACTOR, silentLogger } from '../services/context.ts';
import { sessionOf, signIn } from '../services/sessions.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const next = process.argv[i + 1];
  return next && !next.startsWith('--') ? next : '';
}

const CLAIMS = Number(arg('claims') ?? 10_000);
const CHECKED = Math.min(CLAIMS, Number(arg('checked') ?? 1000));
const RUNS = Number(arg('runs') ?? 20);
const POSTGRES = arg('postgres') !== undefined;

const PARTNERS = ['Northwind Partners', 'Contoso GmbH', 'Tailspin Toys Ltd', 'Alpine Ski House', 'Fabrikam Inc', 'Litware SARL', 'Adatum Corp', 'Proseware Ltd'];
const PROGRAMS = ['MDF 2026', 'Co-op 2026', 'Launch fund 2026'];

function claims(n: number): Claim[] {
  const base = new Date().toISOString().slice(0, 10);
  return Array.from({ length: n }, (_, i) => {
    const start = addDays(base, -120 + (i % 150));
    const end = addDays(start, 30);
    return {
      claimId: `BENCH-${String(i).padStart(5, '0')}`,
      partner: PARTNERS[i % PARTNERS.length]!,
      program: PROGRAMS[i % PROGRAMS.length]!,
      activity: `Activity ${i}`,
      usageStart: start,
      usageEnd: end,
      expenses: [
        { expenseId: 'E1', type: 'third_party', vendor: `Vendor ${i % 97}`, amountMinor: 10_000 + ((i * 7919) % 500_000), currency: 'EUR', date: addDays(start, 3), description: null },
        { expenseId: 'E2', type: 'in_house', vendor: PARTNERS[i % PARTNERS.length]!, amountMinor: 5_000 + ((i * 104729) % 200_000), currency: 'EUR', date: addDays(start, 10), description: null },
      ],
    };
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-bench-dash-'));
  const env: NodeJS.ProcessEnv = { CLAIMPROOF_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  if (POSTGRES) {
    if (!process.env['DATABASE_URL']) throw new Error('--postgres needs DATABASE_URL (a database the bench may fill)');
    env['DATABASE_URL'] = process.env['DATABASE_URL'];
  }
  const runtime = await openRuntime(loadConfig(env), { log: silentLogger(), migrate: true });
  try {
    const deps = runtime.deps;
    const all = claims(CLAIMS);
    let t = performance.now();
    for (let i = 0; i < all.length; i += 2000) await importClaims(deps, SYSTEM_ACTOR, { claims: all.slice(i, i + 2000) });
    const importMs = performance.now() - t;
    t = performance.now();
    for (const c of all.slice(0, CHECKED)) await recheckClaim(deps, c.claimId);
    const checkMs = performance.now() - t;
    const token = await createToken(deps.db, { role: 'reviewer', label: 'bench' });
    const session = (await signIn(deps, token.token))!;
    const app = createDashboard(deps);
    const cookie = `cp_session=${session.secret}`;

    const scenarios: Array<[string, string]> = [
      ['first page (deadline order)', '/claims'],
      ['page 100', '/claims?page=100'],
      ['incomplete, due before a date', `/claims?completeness=incomplete&deadlineBefore=${addDays(new Date().toISOString().slice(0, 10), 30)}`],
      ['search + partner + status', '/claims?q=activity%2012&partner=Contoso%20GmbH&status=draft'],
      ['sorted by amount, descending', '/claims?sort=amount&dir=desc'],
      ['sorted by partner, page 50', '/claims?sort=partner&page=50'],
    ];
    process.stdout.write(
      `${CLAIMS.toLocaleString('en')} claims (${(CLAIMS * 2).toLocaleString('en')} expenses) on ${POSTGRES ? 'PostgreSQL' : 'PGlite'}; imported in ${(importMs / 1000).toFixed(1)} s, ` +
        `${CHECKED} checked in ${(checkMs / 1000).toFixed(1)} s; ${RUNS} runs per row, after 3 warm-ups\n\n`,
    );
    process.stdout.write('| page | rows | median ms | p95 ms | max ms |\n|---|---|---|---|---|\n');
    for (const [name, url] of scenarios) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS + 3; i++) {
        const start = performance.now();
        const res = await app.request(url, { headers: { cookie } });
        const html = await res.text();
        const ms = performance.now() - start;
        if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
        rows = (html.match(/<th scope="row">/g) ?? []).length;
        if (i >= 3) times.push(ms);
      }
      times.sort((a, b) => a - b);
      process.stdout.write(`| ${name} | ${rows} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${times.at(-1)!.toFixed(1)} |\n`);
    }

    // Where the first page's time goes: each service call alone (median of the runs).
    const actor = session.actor;
    const filter = toFilter(parseClaimsQuery({}));
    const parts: Array<[string, () => Promise<unknown>]> = [
      ['session lookup', () => sessionOf(deps, session.secret!)],
      ['list (one page)', () => listClaimsForActor(deps, actor, filter)],
      ['count', () => countClaimsForActor(deps, actor, filter)],
      ['filter choices', () => claimFacetsForActor(deps, actor)],
    ];
    process.stdout.write('\n| first page, part | median ms |\n|---|---|\n');
    for (const [name, fn] of parts) {
      const times: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const start = performance.now();
        await fn();
        if (i >= 3) times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      process.stdout.write(`| ${name} | ${percentile(times, 50).toFixed(1)} |\n`);
    }
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
