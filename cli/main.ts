// `claimproof` commands. User errors end in one line on stderr and exit code 2, never a stack trace.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkConfigOf, ConfigError, loadConfig } from '../config.ts';
import { ClaimsInputError, parseClaimsFile } from '../pipeline/claims-input.ts';
import { checkClaims, toEvidenceDocument, type EvidenceDocument } from '../pipeline/checks.ts';
import { isIsoDate } from '../pipeline/dates.ts';
import { expandPaths, inputFiles, UserError } from './inputs.ts';
import { checkTable, extractJson, extractTable } from './output.ts';
import { runFiles } from './run-files.ts';
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

environment: DATABASE_URL, REDIS_URL, CLAIMPROOF_DATA_DIR, CLAIMPROOF_OCR_WORKERS, CLAIMPROOF_AMOUNT_TOLERANCE, CLAIMPROOF_LOW_CONFIDENCE,
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
    if (err instanceof UserError || err instanceof ConfigError || err instanceof ClaimsInputError) {
      io.stderr.write(`claimproof: ${err.message}\n`);
      return 2;
    }
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`claimproof: ${err.message}\n`);
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
    const line = `[${done}/${total}] ${secs}s ${name}`;
    if (io.stderr.isTTY) io.stderr.write(`\r\x1b[K${line}${done === total ? '\n' : ''}`);
    else io.stderr.write(line + '\n');
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
  const inputs = await inputFiles(positionals);
  if (inputs.length === 0) throw new UserError(`no files found in ${positionals.join(', ')}`);

  const docs = await runFiles(inputs, {
    ocrWorkers: config.ocrWorkers,
    localeHint: (values.locale as 'dmy' | 'mdy' | undefined) ?? null,
    progress: progressReporter(io, inputs.length > 3),
    onResult: values.json ? (doc) => io.stdout.write(JSON.stringify(extractJson(doc)) + '\n') : undefined,
  });
  if (!values.json) io.stdout.write(extractTable(docs, config.lowConfidence) + '\n');

  const failed = docs.filter((d) => d.status === 'failed');
  for (const d of failed) io.stderr.write(`claimproof: ${d.file}: ${d.error?.message}\n`);
  return failed.length > 0 ? 2 : 0;
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

  let claimsText: string;
  try {
    claimsText = await readFile(values.claims, 'utf8');
  } catch {
    throw new UserError(`${values.claims}: cannot read the claims file`);
  }
  const claims = parseClaimsFile(claimsText, values.claims);

  const evidenceDir = values.evidence;
  const info = await stat(evidenceDir).catch(() => null);
  if (!info?.isDirectory()) throw new UserError(`${evidenceDir}: not a directory`);

  // Evidence lives in <dir>/<claim_id>/**, walked once. A folder for a claim that is not in the
  // file is reported, not silently ignored, since it usually means a typo in a claim id.
  const byClaim = new Map<string, string[]>(claims.map((c) => [c.claimId, []]));
  const warned = new Set<string>();
  for (const file of await expandPaths([evidenceDir])) {
    const parts = path.relative(evidenceDir, file).split(path.sep);
    const top = parts[0]!;
    const files = parts.length > 1 ? byClaim.get(top) : undefined;
    if (files) {
      files.push(file);
      continue;
    }
    if (warned.has(top)) continue;
    warned.add(top);
    const why = parts.length === 1 ? `evidence files belong in ${evidenceDir}/<claim_id>/` : `"${top}" is not a claim in ${values.claims}`;
    io.stderr.write(`claimproof: warning: ${path.join(evidenceDir, top)} ignored: ${why}\n`);
  }
  const perClaim: Array<{ claimId: string; index: number }> = [];
  const inputs = [];
  for (const [claimId, files] of byClaim) {
    for (const input of await inputFiles(files)) {
      perClaim.push({ claimId, index: inputs.length });
      inputs.push(input);
    }
  }

  const docs = await runFiles(inputs, {
    ocrWorkers: config.ocrWorkers,
    localeHint: (values.locale as 'dmy' | 'mdy' | undefined) ?? null,
    progress: progressReporter(io, inputs.length > 3),
  });
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
  io.stdout.write((values.json ? JSON.stringify({ asOf, claims: reports }, null, 2) : checkTable(asOf, reports)) + '\n');
  const incomplete = reports.some((r) => r.status === 'incomplete');
  return values['fail-on-incomplete'] && incomplete ? 1 : 0;
}
