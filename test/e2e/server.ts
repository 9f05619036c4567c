// A dashboard on a bare Hono app over a fresh embedded runtime (PGlite in a temporary directory,
// in-process queue with workers), served on a free port: what the browser tests drive.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createServiceApp } from '../../api/service-app.ts';
import { loadConfig } from '../../config.ts';
import { openRuntime, type Runtime } from '../../runtime.ts';
import { silentLogger, type Clock } from '../../services/context.ts';

export interface DashboardServer {
  url: string;
  runtime: Runtime;
  close(): Promise<void>;
}

export async function startDashboardServer(opts: { clock?: Clock; workers?: boolean } = {}): Promise<DashboardServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-dash-'));
  const config = loadConfig({ CLAIMPROOF_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const runtime = await openRuntime(config, { log: silentLogger(), ...(opts.clock ? { clock: opts.clock } : {}) });
  if (opts.workers !== false) await runtime.startWorkers({ concurrency: 2 });
  // The same app `claimproof serve` runs: the API with the dashboard at /.
  const app = createServiceApp(runtime.deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
