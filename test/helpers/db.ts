// Real databases for integration tests: a fresh PostgreSQL database per test file (created on the
// server, migrated, dropped afterwards) and in-memory PGlite. drizzle-kit migrations qualify
// foreign keys with "public", so isolation is by database, not by schema.
//
//   const pg = await postgresAvailable();
//   describe.skipIf(!pg)('on PostgreSQL', () => {
//     let t: TestDatabase;
//     beforeAll(async () => { t = await freshPostgres(); });
//     afterAll(() => t.cleanup());
//   });
//
// Without a server the PostgreSQL tests are skipped with a warning, except when CI=true: there
// postgresAvailable() throws, so a missing server fails the run instead of passing it silently.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, redactUrl, type Database } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The server tests create their databases on: TEST_DATABASE_URL, DATABASE_URL or the local default. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

export interface TestDatabase {
  database: Database;
  /** The database name (PostgreSQL) or `memory://` (PGlite). */
  name: string;
  /** Closes the connections and drops the database. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** One connection to the test server, for creating and dropping databases. */
function adminClient(url: string, connectTimeout = 5): postgres.Sql {
  return postgres(url, { max: 1, connect_timeout: connectTimeout, onnotice: () => {} });
}

let probe: Promise<string | null> | undefined;
let warned = false;

/** Why the server cannot be used, or null when it can. Asked once per test file. */
function probeServer(): Promise<string | null> {
  probe ??= (async () => {
    const admin = adminClient(testServerUrl(), 3);
    try {
      await admin`select 1`;
      return null;
    } catch (error) {
      return error instanceof Error ? error.message.split('\n')[0]! : String(error);
    } finally {
      await admin.end({ timeout: 0 }).catch(() => {});
    }
  })();
  return probe;
}

/**
 * Whether PostgreSQL tests can run. Warns (once) and returns false when the server is absent;
 * throws instead when CI=true.
 */
export async function postgresAvailable(): Promise<boolean> {
  const reason = await probeServer();
  if (reason === null) return true;
  const message = `PostgreSQL at ${redactUrl(testServerUrl())} is not reachable (${reason})`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI requires it`);
  if (!warned) {
    warned = true;
    console.warn(`${message}: skipping the PostgreSQL tests (set TEST_DATABASE_URL, or CI=true to make this fatal)`);
  }
  return false;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new, migrated database on the test server: `claimproof_test_<random>`. */
export async function freshPostgres(): Promise<TestDatabase> {
  const server = testServerUrl();
  const name = `claimproof_test_${randomBytes(6).toString('hex')}`;
  const admin = adminClient(server);
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: withDatabase(server, name), maxConnections: 4 });
    await migrateDatabase(database);
  } catch (error) {
    await dropDatabase(server, name);
    throw error;
  }
  let done = false;
  return {
    database,
    name,
    cleanup: async () => {
      if (done) return;
      done = true;
      await database.close();
      await dropDatabase(server, name);
    },
  };
}

async function dropDatabase(server: string, name: string): Promise<void> {
  const admin = adminClient(server);
  try {
    // FORCE (PostgreSQL 13+) ends a connection a failed test left open.
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** A migrated in-memory PGlite. */
export async function freshPglite(): Promise<TestDatabase> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrateDatabase(database);
  let done = false;
  return {
    database,
    name: 'memory://',
    cleanup: async () => {
      if (done) return;
      done = true;
      await database.close();
    },
  };
}
