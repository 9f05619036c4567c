// The service's commands: `worker`, `report`, `retention`, `token`. Each opens the runtime from
// the configuration (embedded PGlite or PostgreSQL, in-process queue or BullMQ) and calls the
// service core; nothing here decides anything.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { DatabaseUnavailableError } from '../db/client.ts';
import { isIsoDate } from '../pipeline/dates.ts';
import { ROLES, isOneOf } from '../pipeline/enums.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { createLogger, today, systemClock, type Actor } from '../services/context.ts';
import { asServiceError } from '../services/errors.ts';
import { JOB_NAMES, type JobName } from '../services/jobs.ts';
import { buildReport } from '../services/report.ts';
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../services/report-formats.ts';
import { listExpired, purgeExpired } from '../services/retention.ts';
import { issueToken, revoke, tokens } from '../services/tokens.ts';
import { UserError } from './inputs.ts';
import type { Io } from './main.ts';

const CLI_ACTOR: Actor = { name: 'cli', role: 'admin' };

async function withRuntime<T>(config: Config, fn: (rt: Runtime) => Promise<T>, opts: { log?: boolean } = {}): Promise<T> {
  let rt: Runtime;
  try {
    rt = await openRuntime(config, { log: createLogger(opts.log ? config.logLevel : 'warn'), migrate: true });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) throw new UserError(error.message);
    if (error instanceof Error && /Redis/.test(error.message)) throw new UserError(error.message);
    throw error;
  }
  try {
    return await fn(rt);
  } catch (error) {
    const known = asServiceError(error);
    if (known) throw new UserError(known.message);
    throw error;
  } finally {
    await rt.close();
  }
}

function asOfArg(value: string | undefined, config: Config): string {
  const asOf = value ?? today(systemClock, config.reportTimeZone);
  if (!isIsoDate(asOf)) throw new UserError(`--as-of must be a date like 2026-03-31, not "${value}"`);
  return asOf;
}

export async function workerCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { queues: { type: 'string' }, concurrency: { type: 'string' } },
  });
  if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"`);
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new UserError('worker needs DATABASE_URL: the embedded database (PGlite) allows one process, so run "claimproof serve" alone, or point DATABASE_URL and REDIS_URL at shared PostgreSQL and Redis');
  }
  if (!config.redisUrl) throw new UserError('worker needs REDIS_URL: separate workers share their jobs through Redis (BullMQ)');
  const queues = (values.queues ?? JOB_NAMES.join(','))
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  const unknown = queues.find((q) => !(JOB_NAMES as string[]).includes(q));
  if (unknown) throw new UserError(`--queues: unknown queue "${unknown}" (known: ${JOB_NAMES.join(', ')})`);
  const concurrency = values.concurrency === undefined ? config.workerConcurrency : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UserError('--concurrency must be a whole number from 1 to 64');

  const log = createLogger(config.logLevel, { role: 'worker' });
  let rt: Runtime;
  try {
    rt = await openRuntime(config, { log });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || (error instanceof Error && /Redis/.test(error.message))) throw new UserError((error as Error).message);
    throw error;
  }
  await rt.startWorkers({ queues: queues as JobName[], concurrency });
  log.info({ queues, concurrency, database: rt.database.target }, 'worker started');
  io.stderr.write(`claimproof worker: consuming ${queues.join(', ')} with concurrency ${concurrency} (pid ${process.pid})\n`);

  // SIGTERM: stop taking jobs, let running ones finish (BullMQ hands back what a kill interrupts),
  // close Redis and the database, exit 0.
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'worker stopping');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await rt.close();
  log.info('worker stopped');
  return 0;
}

export async function reportCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'as-of': { type: 'string' }, format: { type: 'string', default: 'json' }, out: { type: 'string' } },
  });
  if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"`);
  const format = values.format!;
  if (!isOneOf(REPORT_FORMATS, format)) throw new UserError(`--format must be one of ${REPORT_FORMATS.join(', ')}, not "${format}"`);
  const config = loadConfig();
  const asOf = asOfArg(values['as-of'], config);
  if (format === 'pdf' && !values.out && (io.stdout as { isTTY?: boolean }).isTTY) throw new UserError('a PDF report needs --out <file.pdf> (or redirect the output)');
  return withRuntime(config, async (rt) => {
    const run = await buildReport(rt.deps, { asOf, trigger: 'manual', actor: CLI_ACTOR });
    const bytes = await renderReport(run.report, format as ReportFormat);
    if (values.out) {
      await writeFile(values.out, bytes);
      const s = run.report.summary;
      io.stderr.write(`claimproof report: ${s.incomplete} incomplete of ${s.claims} open claims as of ${asOf} → ${values.out}\n`);
    } else {
      io.stdout.write(bytes);
      if (format !== 'pdf' && bytes[bytes.length - 1] !== 0x0a) io.stdout.write('\n');
    }
    return 0;
  });
}

export async function retentionCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'as-of': { type: 'string' }, purge: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"`);
  const config = loadConfig();
  const asOf = asOfArg(values['as-of'], config);
  return withRuntime(config, async (rt) => {
    if (!values.purge) {
      const expired = await listExpired(rt.deps, asOf);
      if (values.json) io.stdout.write(JSON.stringify({ asOf, expired }, null, 2) + '\n');
      else {
        io.stdout.write(`originals past their retention date as of ${asOf}: ${expired.length}\n`);
        for (const d of expired) {
          io.stdout.write(`  ${d.retentionUntil}  ${d.claimId}  ${d.fileName}  ${d.removable ? '' : '(kept: the same file backs a document still under retention)'}\n`);
        }
        if (expired.length) io.stdout.write('run again with --purge to remove them (each removal is audited)\n');
      }
      return 0;
    }
    const result = await purgeExpired(rt.deps, CLI_ACTOR, asOf);
    if (values.json) io.stdout.write(JSON.stringify({ asOf, ...result }, null, 2) + '\n');
    else {
      io.stdout.write(`removed ${result.purged.length} original(s) past their retention date as of ${asOf}`);
      io.stdout.write(result.kept.length ? `; kept ${result.kept.length} whose bytes back a document still under retention\n` : '\n');
      for (const d of result.purged) io.stdout.write(`  removed ${d.claimId}  ${d.fileName}  (retention until ${d.retentionUntil})\n`);
    }
    return 0;
  });
}

export async function tokenCommand(args: string[], io: Io): Promise<number> {
  const [verb, ...rest] = args;
  const config = loadConfig();
  if (verb === 'create') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { role: { type: 'string' }, partner: { type: 'string' }, label: { type: 'string' } },
    });
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"`);
    if (!values.role || !isOneOf(ROLES, values.role)) throw new UserError(`token create needs --role ${ROLES.join('|')}`);
    if (values.role === 'submitter' && !values.partner) throw new UserError('a submitter token needs --partner <partner name>');
    return withRuntime(config, async (rt) => {
      const t = await issueToken(rt.deps, CLI_ACTOR, { role: values.role as (typeof ROLES)[number], partner: values.partner ?? null, label: values.label ?? null });
      io.stdout.write(`${t.token}\n`);
      io.stderr.write(`token ${t.id} (${t.role}${t.partner ? ` for ${t.partner}` : ''}${t.label ? `, "${t.label}"` : ''}): shown once, only its hash is stored\n`);
      return 0;
    });
  }
  if (verb === 'list') {
    return withRuntime(config, async (rt) => {
      const list = await tokens(rt.deps, CLI_ACTOR);
      for (const t of list) {
        io.stdout.write(`${t.id}  ${t.role.padEnd(9)}  ${(t.partner ?? '-').padEnd(24)}  ${(t.label ?? '').padEnd(20)}  ${t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active'}\n`);
      }
      if (list.length === 0) io.stdout.write('no tokens; create one with: claimproof token create --role reviewer\n');
      return 0;
    });
  }
  if (verb === 'revoke') {
    const id = rest[0];
    if (!id || rest.length > 1) throw new UserError('usage: claimproof token revoke <id>');
    return withRuntime(config, async (rt) => {
      if (!(await revoke(rt.deps, CLI_ACTOR, id))) throw new UserError(`no active token ${id}`);
      io.stdout.write(`revoked ${id}\n`);
      return 0;
    });
  }
  throw new UserError('usage: claimproof token create --role <role> [--partner P] [--label L] | token list | token revoke <id>');
}

