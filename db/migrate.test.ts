import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite, freshPostgres, postgresAvailable, testServerUrl, type TestDatabase } from '../test/helpers/db.ts';
import { openDatabase, selectRows, type Database } from './client.ts';
import { migrateDatabase } from './migrate.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const pg = await postgresAvailable();

const TABLES = [
  'api_tokens',
  'audit_log',
  'claim_status_history',
  'claims',
  'dashboard_sessions',
  'documents',
  'expenses',
  'extractions',
  'flags',
  'matches',
  'reports',
];

/** The committed migrations, in order: what a fresh database gets. */
const MIGRATIONS: string[] = (
  JSON.parse(readFileSync(fileURLToPath(new URL('./migrations/meta/_journal.json', import.meta.url)), 'utf8')) as { entries: { tag: string }[] }
).entries.map((e) => e.tag);

async function describeSchema(database: Database) {
  const tables = await selectRows<{ table_name: string }>(
    database.db,
    `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  const columns = await selectRows<{ c: string }>(
    database.db,
    `select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable as c
       from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`,
  );
  const constraints = await selectRows<{ c: string }>(
    database.db,
    `select conrelid::regclass::text || ' ' || conname || ' ' || contype::text as c
       from pg_constraint where connamespace = 'public'::regnamespace
        and contype <> 'n' -- PostgreSQL 18 lists NOT NULL as constraints too; columns cover them
      order by 1`,
  );
  const indexes = await selectRows<{ c: string }>(
    database.db,
    `select tablename || ' ' || indexname as c from pg_indexes where schemaname = 'public' order by 1`,
  );
  return {
    tables: tables.map((r) => r.table_name),
    columns: columns.map((r) => r.c),
    constraints: constraints.map((r) => r.c),
    indexes: indexes.map((r) => r.c),
  };
}

describe('migrations on PGlite', () => {
  let t: TestDatabase;
  afterAll(() => t?.cleanup());

  it('start and migrate an in-memory PGlite, then find nothing left to apply', async () => {
    const started = performance.now();
    const database = await openDatabase({ dataDir: 'memory://' });
    const opened = performance.now();
    const first = await migrateDatabase(database);
    const migrated = performance.now();
    t = { database, name: 'memory://', cleanup: () => database.close() };
    console.info(
      `PGlite start ${Math.round(opened - started)} ms + migrate ${Math.round(migrated - opened)} ms (machine shared; indicative)`,
    );
    expect(first.applied.map((m) => m.tag)).toEqual(MIGRATIONS);
    expect(first.total).toBe(MIGRATIONS.length);
    const again = await migrateDatabase(database);
    expect(again.applied).toEqual([]);
    expect(again.total).toBe(MIGRATIONS.length);
    expect((await describeSchema(database)).tables).toEqual(TABLES);
  });

  it('keeps its data in a data directory across restarts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'claimproof-pglite-'));
    try {
      const one = await openDatabase({ dataDir: dir });
      expect((await migrateDatabase(one)).applied).toHaveLength(MIGRATIONS.length);
      await selectRows(one.db, `insert into claims (claim_id, partner, program, activity, usage_start, usage_end, deadline)
        values ('KEEP-1', 'p', 'prog', 'act', '2026-01-01', '2026-01-31', '2026-03-17')`);
      await one.close();
      const two = await openDatabase({ dataDir: dir });
      expect((await migrateDatabase(two)).applied).toHaveLength(0);
      const rows = await selectRows<{ claim_id: string }>(two.db, 'select claim_id from claims');
      expect(rows.map((r) => r.claim_id)).toEqual(['KEEP-1']);
      await two.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!pg)('migrations on PostgreSQL', () => {
  let onPg: TestDatabase;
  let onPglite: TestDatabase;
  beforeAll(async () => {
    [onPg, onPglite] = await Promise.all([freshPostgres(), freshPglite()]);
  });
  afterAll(async () => {
    await Promise.all([onPg?.cleanup(), onPglite?.cleanup()]);
  });

  it('produce the same tables, columns, constraints and indexes as on PGlite', async () => {
    const server = await describeSchema(onPg.database);
    const embedded = await describeSchema(onPglite.database);
    expect(server.tables).toEqual(TABLES);
    expect(server.columns.length).toBeGreaterThan(80);
    expect(server).toEqual(embedded);
  });

  it('are applied once when several processes migrate at the same time', async () => {
    const fresh = await freshPostgresUnmigrated();
    try {
      const results = await Promise.all(fresh.databases.map((d) => migrateDatabase(d)));
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
      const rows = await selectRows<{ n: number }>(fresh.databases[0]!.db, 'select count(*)::int as n from drizzle.__drizzle_migrations');
      expect(rows[0]!.n).toBe(MIGRATIONS.length);
    } finally {
      await fresh.cleanup();
    }
  });
});

/** Three connections to one new, empty database (a freshPostgres before its migration). */
async function freshPostgresUnmigrated() {
  const t = await freshPostgres();
  const url = new URL(testServerUrl());
  url.pathname = `/${t.name}`;
  await selectRows(t.database.db, 'drop schema drizzle cascade');
  await selectRows(t.database.db, 'drop schema public cascade');
  await selectRows(t.database.db, 'create schema public');
  const databases = await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: url.toString(), maxConnections: 2 })));
  return {
    databases,
    cleanup: async () => {
      await Promise.all(databases.map((d) => d.close()));
      await t.cleanup();
    },
  };
}

describe('db:migrate command', () => {
  const cli = path.join(root, 'db', 'migrate-cli.ts');
  const node = (args: string[], env: Record<string, string>) =>
    run(process.execPath, ['--import', 'tsx', cli, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', CLAIMPROOF_DATA_DIR: '', ...env },
      timeout: 60_000,
    });

  it('exits 2 with one line naming the database when it cannot be reached', async () => {
    const failure = await node([], { DATABASE_URL: 'postgres://claimproof:secret@127.0.0.1:1/nowhere' }).then(
      () => null,
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure!.code).toBe(2);
    const lines = failure!.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot open the database at postgres:\/\/claimproof:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    expect(lines[0]).not.toContain('secret');
  });

  it('migrates a PGlite data directory and says what it did', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'claimproof-cli-'));
    try {
      const first = await node(['--data-dir', dir], {});
      expect(first.stdout).toMatch(new RegExp(`applied ${MIGRATIONS.length} migration\\(s\\) in \\d+ ms: ${MIGRATIONS.join(', ')}`));
      const second = await node([], { CLAIMPROOF_DATA_DIR: dir });
      expect(second.stdout).toMatch(/schema is up to date/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown option with exit 2', async () => {
    const failure = await node(['--frobnicate'], {}).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/frobnicate/);
  });
});
