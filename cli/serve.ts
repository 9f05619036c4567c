// `claimproof serve`: the intake API, the dashboard and (unless --no-workers) the workers in one
// process. `--sample` imports the claims of examples/ and uploads their evidence through the API on
// the first start of a data directory, then prints a reviewer's and a submitter's token, so a first
// try shows a working service with real data.
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { createServiceApp } from '../api/service-app.ts';
import { createMetrics, instrumentOcr } from '../api/metrics.ts';
import { loadConfig } from '../config.ts';
import { DatabaseUnavailableError } from '../db/client.ts';
import { listClaims } from '../db/queries.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { createLogger, type Actor } from '../services/context.ts';
import { issueToken } from '../services/tokens.ts';
import { UserError } from './inputs.ts';
import type { Io } from './main.ts';

const SETUP_ACTOR: Actor = { name: 'serve --sample', role: 'admin' };
const EXAMPLES = path.resolve(import.meta.dirname, '../examples');

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'no-workers': { type: 'boolean', default: false },
      sample: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...(values.port ? { PORT: values.port } : {}) };
  // A first try with --sample should show its banner, not a page of request logs.
  if (values.sample && !env.LOG_LEVEL) env.LOG_LEVEL = 'warn';
  const config = loadConfig(env);
  const log = createLogger(config.logLevel, { role: 'api' });
  const metrics = createMetrics();
  let rt: Runtime;
  try {
    rt = await openRuntime(config, { log, migrate: true, wrapOcr: (engine) => instrumentOcr(engine, metrics) });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || (error instanceof Error && /Redis/.test(error.message))) throw new UserError((error as Error).message);
    throw error;
  }
  if (!values['no-workers']) await rt.startWorkers();
  const app = createServiceApp(rt.deps, { metrics });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: values.host! }, () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UserError(`port ${config.port} is already in use (set PORT or --port)`) : error),
    );
  });
  const url = `http://${values.host === '0.0.0.0' ? '127.0.0.1' : values.host}:${config.port}`;
  const where = rt.database.driver === 'pglite' ? `embedded database in ${config.pgliteDir}` : rt.database.target;
  io.stderr.write(`claimproof serve: listening on ${url} (${where}; queue: ${rt.deps.queue.kind}${values['no-workers'] ? ', no workers in this process' : ''})\n`);

  if (values.sample) {
    const tokens = await loadSample(rt, config.dataDir, app.request.bind(app), io);
    io.stdout.write(`\nclaimproof is running at ${url}\n`);
    io.stdout.write(`  reviewer token:  ${tokens.reviewer}\n  submitter token: ${tokens.submitter}   (partner "${tokens.partner}")\n`);
    io.stdout.write(`  sign in at ${url}/ with a token, or: curl -H "Authorization: Bearer <token>" ${url}/api/claims\n\n`);
  }

  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  io.stderr.write('claimproof serve: stopping\n');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rt.close();
  return 0;
}

interface SampleTokens {
  reviewer: string;
  submitter: string;
  partner: string;
}

/**
 * On the first start of a data directory: import examples/claims.csv and upload each claim's
 * evidence through the HTTP API, as a partner would. The sample tokens are kept in the data
 * directory (readable by its owner only) so a restart can show them again.
 */
async function loadSample(rt: Runtime, dataDir: string, request: (path: string, init: RequestInit) => Response | Promise<Response>, io: Io): Promise<SampleTokens> {
  const tokenFile = path.join(dataDir, 'sample-tokens.json');
  const known = await readFile(tokenFile, 'utf8').then((s) => JSON.parse(s) as SampleTokens, () => null);
  if (known) return known;
  if ((await listClaims(rt.deps.db, { limit: 1 })).length > 0) {
    throw new UserError(`${dataDir} already holds claims; --sample only loads the examples into a new data directory (set CLAIMPROOF_DATA_DIR)`);
  }
  const csv = await readFile(path.join(EXAMPLES, 'claims.csv'), 'utf8');
  const partner = /^CL-\d+,([^,]+),/m.exec(csv)?.[1] ?? 'Northwind Partners';
  const reviewer = (await issueToken(rt.deps, SETUP_ACTOR, { role: 'reviewer', label: 'sample reviewer' })).token;
  const submitter = (await issueToken(rt.deps, SETUP_ACTOR, { role: 'submitter', partner, label: 'sample submitter' })).token;
  const auth = { Authorization: `Bearer ${reviewer}` };
  const imported = await request('/api/claims', { method: 'POST', headers: { ...auth, 'Content-Type': 'text/csv' }, body: csv });
  if (!imported.ok) throw new Error(`importing the sample claims failed: ${imported.status} ${await imported.text()}`);
  let files = 0;
  const evidence = path.join(EXAMPLES, 'evidence');
  for (const claimId of (await readdir(evidence)).sort()) {
    const form = new FormData();
    for (const name of (await readdir(path.join(evidence, claimId))).sort()) {
      form.append('files', new Blob([await readFile(path.join(evidence, claimId, name))]), name);
      files += 1;
    }
    const res = await request(`/api/claims/${encodeURIComponent(claimId)}/documents`, { method: 'POST', headers: auth, body: form });
    if (res.status !== 202) throw new Error(`uploading the sample evidence of ${claimId} failed: ${res.status} ${await res.text()}`);
  }
  io.stderr.write(`claimproof serve: sample loaded: ${csv.trim().split('\n').length - 1} expenses, ${files} evidence files uploaded; they are read in the background\n`);
  const tokens = { reviewer, submitter, partner };
  await mkdir(dataDir, { recursive: true });
  await writeFile(tokenFile, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
  await chmod(tokenFile, 0o600);
  return tokens;
}
