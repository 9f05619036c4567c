// Claims: import (JSON or CSV, all or nothing), list, detail, workflow moves, and the evidence
// upload (streamed multipart, answered 202 before anything is read).
import { z } from '@hono/zod-openapi';
import { changeClaimStatus, countClaimsForActor, getClaimForActor, importClaims, listClaimsForActor, storeUploads } from '../../services/index.ts';
import { actorOf, type Api, type RouteSetup } from '../context.ts';
import { ApiError } from '../errors.ts';
import { parseMultipart } from '../multipart.ts';
import { apiRoute } from '../route.ts';
import {
  ClaimDetailSchema,
  ClaimListQuery,
  ClaimParam,
  ClaimsImportJson,
  ClaimSummarySchema,
  ImportResultSchema,
  PageSchema,
  StatusBody,
  UploadResultSchema,
  jsonResponse,
  toClaimDetailJson,
  toClaimSummaryJson,
  toImportJson,
} from '../schemas.ts';
import { countingBody, limitBody } from '../body.ts';

const tags = ['claims'];

export const importRoute = apiRoute(
  { permission: 'claim.create', scope: 'body' },
  {
    method: 'post',
    path: '/api/claims',
    tags,
    summary: 'Create or import claims',
    description:
      'JSON as in the spec\'s "Inputs" (an array of claims with their expenses) or a CSV body (`text/csv`, one row per expense). All or nothing: one bad row and nothing is imported; the 422 body lists every problem with its line and column, as the CLI does. A submitter may only import claims of its own partner.',
    request: {
      body: {
        required: true,
        content: {
          'application/json': { schema: ClaimsImportJson },
          'text/csv': { schema: z.string().openapi({ example: 'claim_id,partner,program,activity,usage_start,usage_end,expense_id,expense_type,vendor,amount,currency,expense_date,description\nCL-1,Contoso,MDF,Webinar,2026-04-01,2026-04-30,E1,third_party,Acme GmbH,1250.00,EUR,2026-04-12,' }) },
        },
      },
    },
    responses: { 201: jsonResponse(ImportResultSchema, 'The claims created, updated and left unchanged') },
  },
  [400, 403, 413, 415, 422],
);

export const listRoute = apiRoute(
  { permission: 'claim.read', scope: 'list' },
  {
    method: 'get',
    path: '/api/claims',
    tags,
    summary: 'List claims, soonest deadline first',
    description: 'A submitter sees only its own partner\'s claims, whatever `partner` it asks for.',
    request: { query: ClaimListQuery },
    responses: { 200: jsonResponse(PageSchema.extend({ claims: z.array(ClaimSummarySchema) }).openapi('ClaimList'), 'One page of claims and the total') },
  },
  [400],
);

export const detailRoute = apiRoute(
  { permission: 'claim.read', scope: 'claim' },
  {
    method: 'get',
    path: '/api/claims/{claimId}',
    tags,
    summary: 'A claim with its expenses, documents, matches, flags and status history',
    request: { params: ClaimParam },
    responses: { 200: jsonResponse(ClaimDetailSchema, 'The claim') },
  },
  [404],
);

export const statusRoute = apiRoute(
  { permission: 'claim.read', scope: 'claim' },
  {
    method: 'post',
    path: '/api/claims/{claimId}/status',
    tags,
    summary: 'Move a claim through the workflow',
    description:
      'draft → submitted → needs_info (the programme asks for more documentation; the note says what) → submitted … → approved | rejected. The checks run first. Submitters may submit; reviewers request information, approve and reject. Approving needs a complete claim (409 CLAIM_INCOMPLETE).',
    request: { params: ClaimParam, body: { required: true, content: { 'application/json': { schema: StatusBody } } } },
    responses: {
      200: jsonResponse(z.object({ from: z.string(), to: z.string(), claim: ClaimDetailSchema }).openapi('StatusChangeResult'), 'The move made, and the claim after it'),
    },
  },
  [400, 403, 404, 409, 415],
);

export const uploadRoute = apiRoute(
  { permission: 'document.upload', scope: 'claim' },
  {
    method: 'post',
    path: '/api/claims/{claimId}/documents',
    tags: ['documents'],
    summary: 'Upload evidence (many files or ZIPs) to a claim',
    description:
      'multipart/form-data with the field `files`, repeated once per file; ZIP archives are unpacked. Streamed to disk and hashed on the way, never held in memory. Answered 202 once the documents are recorded and queued for reading; nothing is read or OCR\'d on the request path (poll `GET /api/documents/{id}`). The same bytes twice in one claim are one document, reported with `duplicateOf`. Limits (413): bytes per file, files per request, bytes per request, ZIP entries, unpacked size and ratio.',
    request: {
      params: ClaimParam,
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({ files: z.array(z.string().openapi({ format: 'binary' })) }).openapi({ description: 'The field `files`, repeated' }),
          },
        },
      },
    },
    responses: { 202: jsonResponse(UploadResultSchema, 'The documents recorded and queued') },
  },
  [400, 404, 409, 413, 415],
);

export function claimRoutes(app: Api, setup: RouteSetup): void {
  // Documented through the registry, handled by hand: the body is parsed by the CLI's claims
  // parser (so errors keep their line and column), not by a JSON validator.
  app.openAPIRegistry.registerPath(importRoute);
  app.post('/api/claims', limitBody(setup.maxBodyBytes), async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const format = type === 'application/json' || type.endsWith('+json') ? 'json' : type === 'text/csv' ? 'csv' : null;
    if (!format) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `send the claims as application/json or text/csv (got ${type || 'no content type'})`);
    const text = await c.req.text();
    const result = await importClaims(c.get('deps'), actorOf(c), { text, format, fileName: 'request body' });
    return c.json(toImportJson(result), 201);
  });

  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const filter = {
      ...(q.status ? { status: q.status } : {}),
      ...(q.partner ? { partner: q.partner } : {}),
      ...(q.deadlineBefore ? { deadlineBefore: q.deadlineBefore } : {}),
      ...(q.completeness ? { completeness: q.completeness } : {}),
    };
    const deps = c.get('deps');
    const actor = actorOf(c);
    const [rows, total] = await Promise.all([
      listClaimsForActor(deps, actor, { ...filter, limit: q.limit, offset: q.offset }),
      countClaimsForActor(deps, actor, filter),
    ]);
    return c.json({ claims: rows.map(toClaimSummaryJson), total, limit: q.limit, offset: q.offset }, 200);
  });

  app.openapi(detailRoute, async (c) => {
    const claim = await getClaimForActor(c.get('deps'), actorOf(c), c.req.valid('param').claimId);
    return c.json(toClaimDetailJson(claim), 200);
  });

  app.openapi(statusRoute, async (c) => {
    const { status, note } = c.req.valid('json');
    const moved = await changeClaimStatus(c.get('deps'), actorOf(c), c.req.valid('param').claimId, status, note ?? null);
    return c.json({ from: moved.from, to: moved.to, claim: toClaimDetailJson(moved.claim) }, 200);
  });

  // Handled by hand: zod-openapi would parse (and buffer) a multipart body to validate it.
  app.openAPIRegistry.registerPath(uploadRoute);
  app.post('/api/claims/:claimId/documents', async (c) => {
    const limits = setup.uploadLimits;
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxRequestBytes) {
      throw new ApiError('TOO_LARGE', `the upload is ${declared} bytes; the limit for one request is ${limits.maxRequestBytes}`);
    }
    const body = countingBody(c.req.raw.body, (n) => setup.metrics.uploadBytes.inc(n));
    const { files } = parseMultipart(c.req.raw.headers, body, 'files', {
      fileBytes: limits.maxFileBytes,
      files: limits.maxFiles,
      fields: 20,
      fieldBytes: 64 * 1024,
    });
    const stored = await storeUploads(c.get('deps'), actorOf(c), c.req.param('claimId'), files, limits);
    for (const doc of stored) setup.metrics.uploads.inc({ outcome: doc.created ? 'new' : 'duplicate' });
    return c.json({ documents: stored.map((d) => ({ id: d.id, file: d.file, status: d.status, ...(d.duplicateOf ? { duplicateOf: d.duplicateOf } : {}) })) }, 202);
  });
}
