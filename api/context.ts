// What every request carries through the middleware: its id, its logger and, once authenticated,
// who is acting.
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { Actor, ServiceDeps } from '../services/context.ts';
import { ApiError } from './errors.ts';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { UploadLimits } from '../services/documents.ts';
import type { ApiMetrics } from './metrics.ts';

export type RequestActor = Actor & { tokenId?: string };

export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    deps: ServiceDeps;
    actor: RequestActor | undefined;
  };
}

/** The authenticated actor; the auth middleware guarantees one on every /api route that needs it. */
export function actorOf(c: Context<AppEnv>): RequestActor {
  const actor = c.get('actor');
  if (!actor) throw new ApiError('UNAUTHORIZED', 'send an API token as "Authorization: Bearer <token>"');
  return actor;
}


export type Api = OpenAPIHono<AppEnv>;

/** What the route files are given besides the app. */
export interface RouteSetup {
  uploadLimits: UploadLimits;
  /** Largest JSON or CSV body (claims imports are the big ones). */
  maxBodyBytes: number;
  metrics: ApiMetrics;
  /** Where rendered page previews are kept. */
  pageCacheDir: string;
}
