import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase as DrizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PostgresJsDatabase as DrizzlePostgres } from 'drizzle-orm/postgres-js';
import { selectRows, type Database, type Db, type Schema } from './client.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

// drizzle's default bookkeeping table; kept so `drizzle-kit` tooling sees the same history.
const MIGRATIONS_SCHEMA = 'drizzle';
const MIGRATIONS_TABLE = '__drizzle_migrations';

// Any constant will do; it only has to be the same for every claimproof process.
const MIGRATION_LOCK_KEY = 7_231_004_113;

export interface MigrationInfo {
  /** File name without `.sql`, e.g. `0000_init`. */
  tag: string;
  /** The `when` of the migration in the journal (ms since epoch); drizzle orders by it. */
  createdAt: number;
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: MigrationInfo[];
  /** Total migrations the database has now. */
  total: number;
}

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

async function readJournal(folder: string): Promise<MigrationInfo[]> {
  const journal = JSON.parse(await readFile(`${folder}/meta/_journal.json`, 'utf8')) as Journal;
  return journal.entries
    .slice()
    .sort((a, b) => a.idx - b.idx)
    .map((e) => ({ tag: e.tag, createdAt: e.when }));
}

async function lastAppliedAt(db: Db): Promise<number | null> {
  const exists = await selectRows<{ present: boolean }>(
    db,
    `select to_regclass('${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}') is not null as present`,
  );
  if (!exists[0]?.present) return null;
  const rows = await selectRows<{ created_at: string | number | null }>(
    db,
    `select max(created_at) as created_at from "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}"`,
  );
  const value = rows[0]?.created_at;
  return value == null ? null : Number(value);
}

/** The committed migrations this database does not have yet (what readiness checks). */
export async function pendingMigrations(db: Db, opts: { migrationsFolder?: string } = {}): Promise<MigrationInfo[]> {
  const journal = await readJournal(opts.migrationsFolder ?? MIGRATIONS_FOLDER);
  const last = await lastAppliedAt(db);
  return journal.filter((m) => last === null || m.createdAt > last);
}

/**
 * Applies the committed migrations in db/migrations that the database does not have yet.
 * On PostgreSQL, concurrent callers (an API and workers starting together) are serialised with
 * an advisory lock, so only one of them runs the DDL.
 */
export async function migrateDatabase(
  database: Database,
  opts: { migrationsFolder?: string } = {},
): Promise<MigrateResult> {
  const migrationsFolder = opts.migrationsFolder ?? MIGRATIONS_FOLDER;
  // Fails early, with drizzle's own message, when a migration file is missing or unreadable.
  readMigrationFiles({ migrationsFolder });
  const journal = await readJournal(migrationsFolder);
  const config = { migrationsFolder, migrationsSchema: MIGRATIONS_SCHEMA, migrationsTable: MIGRATIONS_TABLE };

  const run = async (): Promise<MigrateResult> => {
    const before = await lastAppliedAt(database.db);
    if (database.driver === 'postgres') {
      await migratePostgres(database.db as unknown as DrizzlePostgres<Schema>, config);
    } else {
      await migratePglite(database.db as unknown as DrizzlePglite<Schema>, config);
    }
    const applied = journal.filter((m) => before === null || m.createdAt > before);
    const after = await lastAppliedAt(database.db);
    return { applied, total: journal.filter((m) => after !== null && m.createdAt <= after).length };
  };

  // PGlite is one connection in one process; a pool of one cannot hold a lock and migrate at once.
  if (database.driver === 'pglite' || database.client.options.max < 2) return run();

  const reserved = await database.client.reserve();
  try {
    await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    return await run();
  } finally {
    await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
    reserved.release();
  }
}
