// How a route is declared: its OpenAPI config plus who may call it. The access part is written
// into the OpenAPI document (`x-permission`, `x-roles`, `x-scope`), derived from the rules of
// services/access.ts, so the document says what the services enforce and tests can check every
// route against it.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { ROLES, type Role } from '../pipeline/enums.ts';
import { can, type Permission } from '../services/access.ts';
import { errorResponses } from './schemas.ts';

/**
 * What a submitter of another partner meets: `claim` — the resource belongs to a claim, so it is
 * "not found"; `list` — a list limited to the caller's own partner; `body` — the partner is named
 * in the request body (refused when it is not the caller's); `global` — not about one partner's
 * data (role-gated only); `public` — no token needed.
 */
export type AccessScope = 'claim' | 'list' | 'body' | 'global' | 'public';

export interface Access {
  permission: Permission | null;
  scope: AccessScope;
}

export function rolesWith(permission: Permission | null): Role[] {
  return ROLES.filter((role) => permission === null || can({ name: 'doc', role }, permission));
}

export function accessExtensions(access: Access): Record<`x-${string}`, unknown> {
  return {
    'x-permission': access.permission,
    'x-roles': access.scope === 'public' ? [] : rolesWith(access.permission),
    'x-scope': access.scope,
  };
}

/** Error statuses every authenticated route may answer. */
const AUTHENTICATED = [401, 429, 503];

/** An OpenAPI route with its access rule, the bearer requirement and the shared error responses. */
export function apiRoute<P extends string, R extends Omit<RouteConfig, 'path'> & { path: P }>(access: Access, config: R, errors: number[] = []): R & { getRoutingPath(): string } {
  const statuses = [...new Set([...(access.scope === 'public' ? [503] : AUTHENTICATED), ...(access.permission && rolesWith(access.permission).length < ROLES.length ? [403] : []), ...errors])].sort();
  return createRoute({
    ...config,
    security: access.scope === 'public' ? [] : [{ bearer: [] }],
    ...accessExtensions(access),
    responses: { ...errorResponses(...statuses), ...config.responses },
  } as R & { path: P }) as R & { getRoutingPath(): string };
}
