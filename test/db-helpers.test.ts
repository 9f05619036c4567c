import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { selectRows } from '../db/client.ts';
import { freshPglite, freshPostgres, postgresAvailable } from './helpers/db.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const pg = await postgresAvailable();

/** Runs postgresAvailable() in a child process with the given environment. */
function probe(env: Record<string, string>) {
  const script = `import { postgresAvailable } from './test/helpers/db.ts';
    postgresAvailable().then((ok) => console.log('available=' + ok), (e) => { console.log('threw: ' + e.message); process.exit(3); });`;
  return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 30_000,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('test database helpers', () => {
  const absent = { TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' };

  it('skip PostgreSQL tests with a warning when the server is absent', async () => {
    const r = await probe({ ...absent, CI: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('available=false');
    expect(r.stderr).toMatch(/not reachable.*skipping the PostgreSQL tests/);
  });

  it('fail instead when CI=true', async () => {
    const r = await probe({ ...absent, CI: 'true' });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/threw: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/test is not reachable.*CI requires it/);
  });

  it.skipIf(!pg)('give each caller its own migrated database and drop it afterwards', async () => {
    const [a, b] = await Promise.all([freshPostgres(), freshPostgres()]);
    expect(a.name).not.toBe(b.name);
    expect(a.name).toMatch(/^claimproof_test_[0-9a-f]{12}$/);
    await selectRows(a.database.db, `insert into api_tokens (token_hash, role) values ('h', 'admin')`);
    expect(await selectRows(b.database.db, 'select * from api_tokens')).toEqual([]);
    await a.cleanup();
    await a.cleanup();
    const left = await selectRows<{ n: number }>(
      b.database.db,
      `select count(*)::int as n from pg_database where datname = '${a.name}'`,
    );
    expect(left[0]!.n).toBe(0);
    await b.cleanup();
  });

  it('give a migrated in-memory PGlite', async () => {
    const t = await freshPglite();
    const tables = await selectRows<{ n: number }>(t.database.db, `select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name in ('claims', 'documents', 'flags', 'api_tokens')`);
    expect(tables[0]!.n).toBe(4);
    expect(t.database.driver).toBe('pglite');
    await t.cleanup();
  });
});
