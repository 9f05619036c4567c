import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQLWrapper } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;

/**
 * The drizzle database both drivers satisfy: queries are written once against it. A transaction
 * (`db.transaction(async (tx) => …)`) is one too, so every query function accepts either.
 */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type Driver = 'postgres' | 'pglite';

interface DatabaseBase {
  db: Db;
  driver: Driver;
  /** Where it points, without credentials: `postgres://host:5432/name`, `pglite:./.data/pglite`. */
  target: string;
  close(): Promise<void>;
}

export interface PostgresDatabase extends DatabaseBase {
  driver: 'postgres';
  client: postgres.Sql;
}

export interface PgliteDatabase extends DatabaseBase {
  driver: 'pglite';
  client: PGlite;
}

export type Database = PostgresDatabase | PgliteDatabase;

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL; when set, postgres.js is used. */
  databaseUrl?: string;
  /** PGlite data directory when there is no URL; `memory://` for a throw-away in-memory one. */
  dataDir?: string;
  /** postgres.js pool size (default 10). */
  maxConnections?: number;
}

export const DEFAULT_PGLITE_DIR = './.data/pglite';

/** The database could not be opened or reached; `message` is one line fit for a user. */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`cannot open the database at ${target}: ${reason}`);
    this.name = 'DatabaseUnavailableError';
  }
}

/** A URL as it may be printed: the password is never shown. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid database URL>';
  }
}

function oneLine(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return oneLine(error.errors[0]);
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const first = message.split('\n')[0]?.trim() || 'unknown error';
  return typeof code === 'string' && !first.includes(code) ? `${first} (${code})` : first;
}

/**
 * Opens PostgreSQL (postgres.js) when `databaseUrl` is set, otherwise PGlite in `dataDir`
 * (default ./.data/pglite). The connection is tried before returning, so an unreachable server
 * fails here with a DatabaseUnavailableError rather than on the first query.
 */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.maxConnections ?? 10);
  return openPglite(opts.dataDir ?? DEFAULT_PGLITE_DIR);
}

async function openPostgres(url: string, max: number): Promise<PostgresDatabase> {
  const target = redactUrl(url);
  let client: postgres.Sql;
  try {
    client = postgres(url, {
      max,
      connect_timeout: 10,
      // Migrations say "schema already exists, skipping"; that is not worth a console line.
      onnotice: () => {},
    });
  } catch (error) {
    throw new DatabaseUnavailableError(target, oneLine(error));
  }
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 0 }).catch(() => {});
    throw new DatabaseUnavailableError(target, oneLine(error));
  }
  const db = drizzlePostgres({ client, schema });
  return {
    db,
    driver: 'postgres',
    client,
    target,
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string): Promise<PgliteDatabase> {
  const inMemory = dataDir === 'memory://' || dataDir.startsWith('memory://');
  const target = inMemory ? 'pglite:memory://' : `pglite:${dataDir}`;
  let client: PGlite;
  try {
    if (!inMemory) mkdirSync(path.resolve(dataDir), { recursive: true });
    client = await PGlite.create(inMemory ? undefined : path.resolve(dataDir));
    await client.query('select 1');
  } catch (error) {
    throw new DatabaseUnavailableError(target, oneLine(error));
  }
  const db = drizzlePglite({ client, schema });
  return {
    db,
    driver: 'pglite',
    client,
    target,
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

/** Runs raw SQL and returns its rows whichever driver is underneath (they shape results differently). */
export async function selectRows<T extends Record<string, unknown>>(db: Db, query: SQLWrapper | string): Promise<T[]> {
  const result: unknown = await db.execute(typeof query === 'string' ? sql.raw(query) : query);
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}
