// The whole HTTP surface as `claimproof serve` runs it: the JSON API with the dashboard mounted at
// `/`, the dashboard's session also accepted for the API's GETs (the packet and report downloads
// its pages link to).
import type { ServiceDeps } from '../services/context.ts';
import { createApp, type AppOptions } from './app.ts';
import type { Api } from './context.ts';
import { createDashboard, sessionActorForReads } from './dashboard/index.ts';

export function createServiceApp(deps: ServiceDeps, opts: Omit<AppOptions, 'mount' | 'auth'> = {}): Api {
  return createApp(deps, {
    ...opts,
    auth: { resolveActor: sessionActorForReads(deps) },
    mount: (api) => api.route('/', createDashboard(deps)),
  });
}
