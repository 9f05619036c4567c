// `npm run db:migrate [-- --data-dir <dir>] [-- --database-url <url>]`
// Applies the committed migrations to PostgreSQL (DATABASE_URL) or to the embedded PGlite data
// directory (CLAIMPROOF_DATA_DIR, default ./.data/pglite). Exit 0 when the schema is current,
// 2 when the database cannot be reached or the arguments are wrong, 1 when a migration fails.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { DatabaseUnavailableError, openDatabase, type Database } from './client.ts';
import { migrateDatabase } from './migrate.ts';

function fail(message: string, code: number): never {
  process.stderr.write(`claimproof db:migrate: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: { 'data-dir'?: string; 'database-url'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), 2);
  }
  if (values.help) {
    process.stdout.write(
      'usage: db:migrate [--database-url <url>] [--data-dir <dir>]\n' +
        '  PostgreSQL when --database-url or DATABASE_URL is set, else the embedded PGlite in\n' +
        '  --data-dir (the data directory: CLAIMPROOF_DATA_DIR, default .data; the database is <dir>/pglite).\n',
    );
    return;
  }

  // The same resolution as every other command (config.ts), so db:migrate and the service open
  // the same database.
  let config;
  try {
    config = loadConfig({
      ...process.env,
      ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
      ...(values['data-dir'] ? { CLAIMPROOF_DATA_DIR: values['data-dir'] } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  const databaseUrl = config.databaseUrl;
  const dataDir = config.pgliteDir;

  let database: Database;
  try {
    database = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) fail(error.message, 2);
    throw error;
  }

  try {
    const started = Date.now();
    const result = await migrateDatabase(database);
    const ms = Date.now() - started;
    if (result.applied.length === 0) {
      process.stdout.write(`${database.target}: schema is up to date (${result.total} migrations applied earlier)\n`);
    } else {
      const tags = result.applied.map((m) => m.tag).join(', ');
      process.stdout.write(
        `${database.target}: applied ${result.applied.length} migration(s) in ${ms} ms: ${tags} (${result.total} in total)\n`,
      );
    }
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message.split('\n')[0]}` : '';
    fail(`migration failed on ${database.target}: ${message}${cause}`, 1);
  } finally {
    await database.close();
  }
}

await main();
