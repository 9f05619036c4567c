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
  /** A query with no answer after this long fails as unavailable (default DEFAULT_QUERY_TIMEOUT_S). */
  queryTimeoutS?: number;
}

/**
 * postgres.js 3.4.9 can strand a query for good when its connection is reset under it (measured:
 * with the server cut, one query in five after the reset never settled, not even once the server
 * was back). A stranded query would hold a request open, or a job's worker slot, forever; with a
 * deadline it fails like any outage (503, the job retried or left for the sweeper).
 */
export const DEFAULT_QUERY_TIMEOUT_S = 30;

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
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.maxConnections ?? 10, (opts.queryTimeoutS ?? DEFAULT_QUERY_TIMEOUT_S) * 1000);
  return openPglite(opts.dataDir ?? DEFAULT_PGLITE_DIR);
}

type PendingQuery = PromiseLike<unknown> & { values(): PromiseLike<unknown> };

/** The client drizzle sees: every query (in a transaction too) races a deadline. */
function withQueryDeadline(client: postgres.Sql, target: string, timeoutMs: number): postgres.Sql {
  // No query.cancel() here: postgres.js drops the promise of its cancel request, so on a dead
  // network it is an unhandled rejection. A server that is only slow cancels the statement itself
  // (statement_timeout, set to the same deadline).
  const deadline = <T>(run: () => PromiseLike<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new DatabaseUnavailableError(target, `no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      run().then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  const guard = (query: PendingQuery) => ({
    // postgres.js runs a query when it is first awaited; `.values()` must be chosen before that.
    then<A, B>(onFulfilled?: (v: unknown) => A | PromiseLike<A>, onRejected?: (e: unknown) => B | PromiseLike<B>) {
      return deadline(() => query).then(onFulfilled, onRejected);
    },
    values: () => deadline(() => query.values()),
  });
  const wrap = (sql: postgres.Sql): postgres.Sql =>
    new Proxy(sql, {
      get(t, prop, receiver) {
        if (prop === 'unsafe') return (...args: Parameters<postgres.Sql['unsafe']>) => guard(t.unsafe(...args) as unknown as PendingQuery);
        if (prop === 'begin' || prop === 'savepoint') {
          return (...args: unknown[]) => {
            const fn = args.pop() as (tx: postgres.Sql) => unknown;
            return (t as unknown as Record<string, (...a: unknown[]) => unknown>)[prop]!(...args, (tx: postgres.Sql) => fn(wrap(tx)));
          };
        }
        return Reflect.get(t, prop, receiver);
      },
    });
  return wrap(client);
}

async function openPostgres(url: string, max: number, queryTimeoutMs: number): Promise<PostgresDatabase> {
  const target = redactUrl(url);
  let client: postgres.Sql;
  try {
    client = postgres(url, {
      max,
      connect_timeout: 10,
      connection: { statement_timeout: queryTimeoutMs },
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
  const db = drizzlePostgres({ client: withQueryDeadline(client, target, queryTimeoutMs), schema });
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
