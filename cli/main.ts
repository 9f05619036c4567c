// `claimproof` commands. User errors end in one line on stderr and exit code 2, never a stack trace.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkConfigOf, ConfigError, loadConfig, type Config } from '../config.ts';
import { ClaimsInputError, MAX_CLAIMS_FILE_BYTES, parseClaimsBytes } from '../pipeline/claims-input.ts';
import { ArchiveBudget } from '../pipeline/archive.ts';
import { FileInputError, readRegularFile } from '../pipeline/file-input.ts';
import { displayName, safeJson, safeText } from '../pipeline/safe-text.ts';
import { checkClaims, toEvidenceDocument, type EvidenceDocument } from '../pipeline/checks.ts';
import { isIsoDate } from '../pipeline/dates.ts';
import { expandPaths, inputFiles, UserError, type FoundFile, type InputContext, type SkippedPath } from './inputs.ts';
import { checkTable, extractJson, extractTable } from './output.ts';
import { runFiles, type RunOptions } from './run-files.ts';
import { reportCommand, retentionCommand, tokenCommand, workerCommand } from './service.ts';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const USAGE = `usage: claimproof <command> [options]

commands:
  extract <file|dir|zip>... [--json] [--locale dmy|mdy]
      read each evidence file and print what was extracted (one JSON object per line with --json)
  check --claims <claims.csv|claims.json> --evidence <dir> [--as-of YYYY-MM-DD] [--json] [--fail-on-incomplete]
      match the evidence in <dir>/<claim_id>/** to the claimed expenses and report every gap

  serve [--no-workers] [--sample] [--port N] [--host H]
      the intake API, the dashboard and the workers (embedded database and queue by default)
  worker [--queues ingest,recheck,report] [--concurrency N]
      run background workers against shared PostgreSQL and Redis (DATABASE_URL, REDIS_URL)
  report [--as-of YYYY-MM-DD] [--format json|csv|pdf] [--out FILE]
      build the incomplete-claims report now (what the nightly job runs) and store it
  retention [--as-of YYYY-MM-DD] [--purge] [--json]
      list originals past their retention date (activity date + 24 months); --purge removes only those
  token create --role submitter|reviewer|admin [--partner P] [--label L] | token list | token revoke <id>

environment: DATABASE_URL, REDIS_URL, CLAIMPROOF_DATA_DIR, CLAIMPROOF_OCR_WORKERS, CLAIMPROOF_AMOUNT_TOLERANCE, CLAIMPROOF_LOW_CONFIDENCE, CLAIMPROOF_DOCUMENT_TIMEOUT,
  CLAIMPROOF_BRAND_TEXT (JSON: {"programme": ["required brand text", ...]})
`;

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'extract':
        return await extractCommand(rest, io);
      case 'check':
        return await checkCommand(rest, io);
      case 'serve':
        // Loaded on demand: a worker or a one-shot command never loads the web stack.
        return await (await import('./serve.ts')).serveCommand(rest, io);
      case 'worker':
        return await workerCommand(rest, io);
      case 'report':
        return await reportCommand(rest, io);
      case 'retention':
        return await retentionCommand(rest, io);
      case 'token':
        return await tokenCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UserError(`unknown command "${command}"; run "claimproof help"`);
    }
  } catch (err) {
    // Messages quote file names and claims cells: never raw to the terminal.
    if (err instanceof UserError || err instanceof ConfigError || err instanceof ClaimsInputError) {
      io.stderr.write(`claimproof: ${safeText(err.message)}\n`);
      return 2;
    }
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`claimproof: ${safeText(err.message)}\n`);
      return 2;
    }
    throw err;
  }
}

function progressReporter(io: Io, enabled: boolean) {
  if (!enabled) return undefined;
  const started = Date.now();
  return (done: number, total: number, name: string) => {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const line = `[${done}/${total}] ${secs}s ${displayName(name, 80)}`;
    if (io.stderr.isTTY) io.stderr.write(`\r\x1b[K${line}${done === total ? '\n' : ''}`);
    else io.stderr.write(line + '\n');
  };
}

/**
 * Progress inside long documents (a 200-page scan takes minutes): every 10th page of a document
 * of 20 pages or more, with the time spent on it so far.
 */
function pageReporter(io: Io) {
  const started = new Map<string, number>();
  return (name: string, page: number, pages: number) => {
    if (pages < 20) return;
    if (page === 1) started.set(name, Date.now());
    if (page % 10 !== 0) return;
    const secs = ((Date.now() - (started.get(name) ?? Date.now())) / 1000).toFixed(0);
    io.stderr.write(`claimproof: ${displayName(name, 80)}: page ${page} of ${pages} (${secs} s)\n`);
  };
}

/** What `extract` and `check` both read files with: the configuration's engines and budgets, and progress on stderr. */
function runOptions(config: Config, io: Io, locale: string | undefined, files: number): RunOptions {
  return {
    ocrWorkers: config.ocrWorkers,
    ocrPageTimeoutS: config.ocrPageTimeout,
    localeHint: (locale as 'dmy' | 'mdy' | undefined) ?? null,
    progress: progressReporter(io, files > 3),
    timeBudgetS: config.documentTimeout,
    pageProgress: pageReporter(io),
  };
}

const LOCALES = new Set(['dmy', 'mdy']);

async function extractCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, locale: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UserError('extract needs at least one file or directory');
  if (values.locale && !LOCALES.has(values.locale)) throw new UserError(`--locale must be dmy or mdy, not "${values.locale}"`);
  const config = loadConfig();
  return withInputContext(async (ctx) => {
    const skipped: SkippedPath[] = [];
    const inputs = await inputFiles(await expandPaths(positionals, skipped), ctx);
    warnSkipped(io, skipped);
    if (inputs.length === 0) throw new UserError(`no files found in ${positionals.join(', ')}`);

    const docs = await runFiles(inputs, {
      ...runOptions(config, io, values.locale, inputs.length),
      onResult: values.json ? (doc) => io.stdout.write(safeJson(extractJson(doc)) + '\n') : undefined,
    });
    if (!values.json) io.stdout.write(extractTable(docs, config.lowConfidence) + '\n');

    const failed = docs.filter((d) => d.status === 'failed');
    for (const d of failed) io.stderr.write(`claimproof: ${displayName(d.file)}: ${safeText(d.error?.message ?? '')}\n`);
    return failed.length > 0 ? 2 : 0;
  });
}

/** One run's archive budget and a private folder for unpacked entries, removed afterwards. */
async function withInputContext<T>(fn: (ctx: InputContext) => Promise<T>): Promise<T> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-'));
  try {
    return await fn({ budget: new ArchiveBudget(), workDir });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function warnSkipped(io: Io, skipped: SkippedPath[]): void {
  for (const s of skipped) io.stderr.write(`claimproof: warning: ${displayName(s.path)} skipped: ${s.reason}\n`);
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      claims: { type: 'string' },
      evidence: { type: 'string' },
      'as-of': { type: 'string' },
      json: { type: 'boolean', default: false },
      'fail-on-incomplete': { type: 'boolean', default: false },
      locale: { type: 'string' },
    },
  });
  if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"`);
  if (!values.claims) throw new UserError('check needs --claims <claims.csv|claims.json>');
  if (!values.evidence) throw new UserError('check needs --evidence <dir>');
  const asOf = values['as-of'] ?? todayUtc();
  if (!isIsoDate(asOf)) throw new UserError(`--as-of must be a date like 2026-03-31, not "${asOf}"`);
  if (values.locale && !LOCALES.has(values.locale)) throw new UserError(`--locale must be dmy or mdy, not "${values.locale}"`);
  const config = loadConfig();

  let claimsBytes: Uint8Array;
  try {
    claimsBytes = await readRegularFile(values.claims, MAX_CLAIMS_FILE_BYTES);
  } catch (err) {
    if (!(err instanceof FileInputError)) throw err;
    throw new UserError(`${values.claims}: cannot read the claims file: ${err.message}`);
  }
  const claims = parseClaimsBytes(claimsBytes, values.claims);

  const evidenceDir = values.evidence;
  const info = await stat(evidenceDir).catch(() => null);
  if (!info?.isDirectory()) throw new UserError(`${evidenceDir}: not a directory`);

  return withInputContext(async (ctx) => {
    // Evidence lives in <dir>/<claim_id>/**, walked once. A folder for a claim that is not in the
    // file is reported, not silently ignored, since it usually means a typo in a claim id.
    const skipped: SkippedPath[] = [];
    const byClaim = new Map<string, FoundFile[]>(claims.map((c) => [c.claimId, []]));
    const warned = new Set<string>();
    for (const file of await expandPaths([evidenceDir], skipped)) {
      const parts = path.relative(evidenceDir, file.name).split(path.sep);
      const top = parts[0]!;
      const files = parts.length > 1 ? byClaim.get(top) : undefined;
      if (files) {
        files.push(file);
        continue;
      }
      if (warned.has(top)) continue;
      warned.add(top);
      const why = parts.length === 1 ? `evidence files belong in ${evidenceDir}/<claim_id>/` : `"${top}" is not a claim in ${values.claims}`;
      skipped.push({ path: path.join(evidenceDir, top), reason: why });
    }
    warnSkipped(io, skipped);
    const perClaim: Array<{ claimId: string; index: number }> = [];
    const inputs = [];
    for (const [claimId, files] of byClaim) {
      for (const input of await inputFiles(files, ctx)) {
        perClaim.push({ claimId, index: inputs.length });
        inputs.push(input);
      }
    }

    const docs = await runFiles(inputs, runOptions(config, io, values.locale, inputs.length));
    const evidence: EvidenceDocument[] = perClaim.map(({ claimId, index }) => {
      const doc = docs[index]!;
      return toEvidenceDocument({ ...doc, file: path.relative(evidenceDir, doc.file) }, claimId, path.relative(evidenceDir, doc.file));
    });

    const reports = checkClaims({
      claims,
      documents: evidence,
      asOf,
      config: checkConfigOf(config),
    });
    const report = { asOf, claims: reports, skipped: skipped.map((s) => ({ path: path.relative(evidenceDir, s.path) || '.', reason: s.reason })) };
    io.stdout.write((values.json ? safeJson(report, 2) : checkTable(asOf, reports)) + '\n');
    const incomplete = reports.some((r) => r.status === 'incomplete');
    return values['fail-on-incomplete'] && incomplete ? 1 : 0;
  });
}
