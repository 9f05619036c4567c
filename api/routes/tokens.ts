// API tokens (admins): issue one (shown once; only its hash is kept), list, revoke.
import { z } from '@hono/zod-openapi';
import { issueToken, revoke, tokens } from '../../services/index.ts';
import { actorOf, type Api } from '../context.ts';
import { ApiError } from '../errors.ts';
import { apiRoute } from '../route.ts';
import { IdParam, TokenBody, TokenSchema, jsonResponse, toTokenJson } from '../schemas.ts';

const tags = ['tokens'];
const access = { permission: 'token.manage', scope: 'global' } as const;

export const createTokenRoute = apiRoute(
  access,
  {
    method: 'post',
    path: '/api/tokens',
    tags,
    summary: 'Issue a token',
    description: 'The bearer token is in this response only; the server keeps its hash. A submitter token acts for one partner.',
    request: { body: { required: true, content: { 'application/json': { schema: TokenBody } } } },
    responses: { 201: jsonResponse(TokenSchema.extend({ token: z.string().openapi({ example: 'cp_…' }) }).openapi('CreatedToken'), 'The new token') },
  },
  [400, 415],
);

export const listTokensRoute = apiRoute(
  access,
  { method: 'get', path: '/api/tokens', tags, summary: 'Every token, revoked ones included (never the secret)', responses: { 200: jsonResponse(z.object({ tokens: z.array(TokenSchema) }), 'The tokens') } },
);

export const revokeTokenRoute = apiRoute(
  access,
  {
    method: 'post',
    path: '/api/tokens/{id}/revoke',
    tags,
    summary: 'Revoke a token; it is refused from the next request on',
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ id: z.string(), revoked: z.literal(true) }), 'Revoked') },
  },
  [404],
);

export function tokenRoutes(app: Api): void {
  app.openapi(createTokenRoute, async (c) => {
    const body = c.req.valid('json');
    const created = await issueToken(c.get('deps'), actorOf(c), { role: body.role, partner: body.partner ?? null, label: body.label ?? null });
    return c.json({ ...toTokenJson(created), token: created.token }, 201);
  });
  app.openapi(listTokensRoute, async (c) => c.json({ tokens: (await tokens(c.get('deps'), actorOf(c))).map(toTokenJson) }, 200));
  app.openapi(revokeTokenRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await revoke(c.get('deps'), actorOf(c), id))) throw new ApiError('NOT_FOUND', `no active token ${id}`);
    return c.json({ id, revoked: true as const }, 200);
  });
}
