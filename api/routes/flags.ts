// The review queue: flags across claims, and a reviewer's decision on one (with a note); the
// checks run again after each decision.
import { z } from '@hono/zod-openapi';
import { countFlagsForActor, decideFlag, listFlagsForActor } from '../../services/index.ts';
import { actorOf, type Api } from '../context.ts';
import { apiRoute } from '../route.ts';
import { FlagListQuery, FlagSchema, IdParam, NoteBody, PageSchema, VerdictSchema, jsonResponse, toFlagJson, verdictOf } from '../schemas.ts';

const tags = ['flags'];

export const listFlagsRoute = apiRoute(
  { permission: 'claim.read', scope: 'list' },
  {
    method: 'get',
    path: '/api/flags',
    tags,
    summary: 'Flags across claims: blocking first, oldest first',
    description: 'Filters: `status`, `severity` (repeatable), `code`, `claimId`, `partner`. A submitter sees only its own partner\'s flags.',
    request: { query: FlagListQuery },
    responses: { 200: jsonResponse(PageSchema.extend({ flags: z.array(FlagSchema) }).openapi('FlagList'), 'One page of flags and the total') },
  },
  [400],
);

const DecisionResult = z.object({ flag: FlagSchema, verdict: z.array(VerdictSchema) }).openapi('FlagDecisionResult');

function decisionRoute(decision: 'resolve' | 'dismiss') {
  return apiRoute(
    { permission: 'flag.decide', scope: 'claim' },
    {
      method: 'post',
      path: `/api/flags/{id}/${decision}`,
      tags,
      summary: decision === 'resolve' ? 'Resolve a flag (the problem was fixed outside the data)' : 'Dismiss a flag (accepted as it is)',
      description:
        decision === 'dismiss'
          ? 'Dismissing a blocking flag accepts the gap, so it needs a note saying why. The checks run again; the claim\'s new verdict is returned.'
          : 'The checks run again; the claim\'s new verdict is returned.',
      request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: NoteBody } } } },
      responses: { 200: jsonResponse(DecisionResult, 'The flag after the decision, and the new verdict') },
    },
    [400, 404, 415],
  );
}

export const resolveRoute = decisionRoute('resolve');
export const dismissRoute = decisionRoute('dismiss');

export function flagRoutes(app: Api): void {
  app.openapi(listFlagsRoute, async (c) => {
    const q = c.req.valid('query');
    const filter = {
      ...(q.status ? { status: q.status } : {}),
      ...(q.severity ? { severity: q.severity } : {}),
      ...(q.code ? { code: q.code } : {}),
      ...(q.claimId ? { claimId: q.claimId } : {}),
      ...(q.partner ? { partner: q.partner } : {}),
    };
    const deps = c.get('deps');
    const actor = actorOf(c);
    const [rows, total] = await Promise.all([listFlagsForActor(deps, actor, { ...filter, limit: q.limit, offset: q.offset }), countFlagsForActor(deps, actor, filter)]);
    return c.json({ flags: rows.map(toFlagJson), total, limit: q.limit, offset: q.offset }, 200);
  });

  for (const [route, decision] of [
    [resolveRoute, 'resolve'],
    [dismissRoute, 'dismiss'],
  ] as const) {
    app.openapi(route, async (c) => {
      const note = c.req.valid('json')?.note ?? null;
      const result = await decideFlag(c.get('deps'), actorOf(c), c.req.valid('param').id, decision, note);
      return c.json({ flag: toFlagJson(result.flag), verdict: result.checks.map(verdictOf) }, 200);
    });
  }
}
