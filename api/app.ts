// The HTTP API: thin Hono routes over services/. Every request gets an id (the X-Request-Id header,
// every log line, every error body), is timed into the metrics by its route pattern, and under
// /api is authenticated by a bearer token; every error leaves through one handler.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { OpenAPIHono } from '@hono/zod-openapi';
import { serve, type ServerType } from '@hono/node-server';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import path from 'node:path';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../services/documents.ts';
import type { ServiceDeps } from '../services/context.ts';
import { requireAuth, type AuthOptions } from './auth.ts';
import type { Api, AppEnv, RouteSetup } from './context.ts';
import { renderDocsPage } from './docs.ts';
import { ApiError, handleError } from './errors.ts';
import { createMetrics, type ApiMetrics } from './metrics.ts';
import { claimRoutes } from './routes/claims.ts';
import { documentRoutes } from './routes/documents.ts';
import { flagRoutes } from './routes/flags.ts';
import { opsRoutes } from './routes/ops.ts';
import { reportRoutes } from './routes/reports.ts';
import { tokenRoutes } from './routes/tokens.ts';

export interface AppOptions {
  /** Upload limits (defaults: the service's). */
  uploadLimits?: Partial<UploadLimits>;
  /** Largest JSON or CSV request body (default 20 MB). */
  maxBodyBytes?: number;
  /** Share metrics with an instrumented OCR engine (`instrumentOcr`); default: a new registry. */
  metrics?: ApiMetrics;
  /** Where page previews are cached (default `<dataDir>/cache/pages`). */
  pageCacheDir?: string;
  auth?: AuthOptions;
  /**
   * Adds what lives outside /api, /healthz, /readyz and /metrics — the dashboard at `/` — to the
   * same app, after the API's routes and middleware are in place.
   */
  mount?: (app: Api) => void;
  /** Base logger (default `deps.log`). */
  log?: Logger;
}

/** Paths under /api that need no token: the API's own description. */
const PUBLIC_API_PATHS = new Set(['/api/openapi.json', '/api/docs']);

// Incoming ids are kept (a proxy's, a client's retry) only when they are short and plain.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export const OPENAPI_INFO = {
  title: 'claimproof',
  version: '0.1.0',
  description:
    'Checks co-op marketing claim evidence: import claims, bulk-upload evidence (answered 202 before anything is read), follow each document through reading and extraction, review flags, correct fields, move claims through the workflow, and fetch the incomplete-claims report and claim packets.',
};

export function createApp(deps: ServiceDeps, opts: AppOptions = {}): Api {
  const baseLog = opts.log ?? deps.log;
  const metrics = opts.metrics ?? createMetrics();
  metrics.observeQueue(deps.queue);
  const setup: RouteSetup = {
    uploadLimits: { ...DEFAULT_UPLOAD_LIMITS, ...opts.uploadLimits },
    maxBodyBytes: opts.maxBodyBytes ?? 20 * 1024 * 1024,
    metrics,
    pageCacheDir: opts.pageCacheDir ?? path.join(deps.config.dataDir, 'cache', 'pages'),
  };

  const app: Api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : result.target;
      // A malformed id in the path names nothing that exists.
      if (result.target === 'param') throw new ApiError('NOT_FOUND', `no such resource (${where}: ${issue?.message ?? 'invalid'})`);
      throw new ApiError('INVALID_INPUT', `${result.target === 'json' ? 'body' : result.target} ${where}: ${issue?.message ?? 'invalid'}`, {
        ...(issue?.path.length ? { field: issue.path.join('.') } : {}),
      });
    },
  });

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = baseLog.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    // The services log through deps.log: this request's copy carries its id into their lines too.
    c.set('deps', { ...deps, log });
    c.header('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = c.res.status;
      // Responses built by hand (files, PDFs) do not carry the context's headers.
      if (!c.res.headers.has('X-Request-Id')) {
        try {
          c.res.headers.set('X-Request-Id', requestId);
        } catch {
          // an immutable response; its id is still in the log line
        }
      }
      const matched = routePath(c, -1);
      const route = matched === '*' || matched === '/api/*' || matched === '' ? 'unmatched' : matched;
      metrics.httpDuration.observe({ method: c.req.method, route, status: String(status) }, seconds);
      c.get('log').info({ method: c.req.method, path: c.req.path, route, status, ms: Math.round(seconds * 1000) }, 'request');
    }
  });

  const auth = requireAuth(opts.auth);
  app.use('/api/*', async (c, next) => (PUBLIC_API_PATHS.has(c.req.path) ? next() : auth(c, next)));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API token from `claimproof token create` or POST /api/tokens' });
  claimRoutes(app, setup);
  documentRoutes(app, setup);
  flagRoutes(app);
  reportRoutes(app);
  tokenRoutes(app);
  opsRoutes(app, setup);

  const documentConfig = { openapi: '3.1.0', info: OPENAPI_INFO };
  app.doc31('/api/openapi.json', documentConfig);
  app.get('/api/docs', (c) => c.html(renderDocsPage(app.getOpenAPI31Document(documentConfig) as unknown as Record<string, unknown>)));

  opts.mount?.(app);

  app.notFound((c) => handleError(new ApiError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), c));
  app.onError(handleError);
  return app;
}

export interface RunningServer {
  server: ServerType;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Serves the app on `port` (0: any free port); resolves once it listens. */
export function startServer(app: { fetch: Api['fetch'] }, port: number, hostname = '0.0.0.0'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      const host = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname;
      resolve({
        server,
        port: info.port,
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            // Keep-alive connections would hold close() open until they time out.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
