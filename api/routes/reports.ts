// Reports: the latest incomplete-claims report (JSON, CSV, PDF), building one now, and a claim's
// packet PDF (cover sheet then every piece of evidence).
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { buildReport, claimPacketForActor, latestReport, requirePermission, type ReportRun } from '../../services/index.ts';
import { bytesToWebStream } from '../../services/reports/packet.ts';
import { renderReport, REPORT_CONTENT_TYPES, reportFileName } from '../../services/report-formats.ts';
import { actorOf, type Api, type AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { apiRoute } from '../route.ts';
import { ClaimParam, ReportBody, jsonResponse } from '../schemas.ts';
import { contentDisposition } from './documents.ts';

const tags = ['reports'];

const ReportModel = z
  .looseObject({
    title: z.string(),
    asOf: z.string(),
    generatedAt: z.string(),
    deadlineSoonDays: z.number(),
    summary: z.looseObject({ claims: z.number(), incomplete: z.number(), overdue: z.number(), dueSoon: z.number() }),
    claims: z.array(z.looseObject({ claimId: z.string(), partner: z.string(), deadline: z.string(), daysLeft: z.number() })),
  })
  .openapi('IncompleteClaimsReport', { description: 'The incomplete claims, soonest deadline first, each with what is missing in plain words' });

const ReportRunSchema = z
  .object({ id: z.string(), asOf: z.string(), trigger: z.enum(['schedule', 'manual']), actor: z.string(), createdAt: z.string(), report: ReportModel })
  .openapi('ReportRun');

const latestDescription = '404 until a report has been built (nightly, by `claimproof report`, or `POST /api/reports`).';

export const latestRoute = apiRoute(
  { permission: 'report.read', scope: 'global' },
  {
    method: 'get',
    path: '/api/reports/latest',
    tags,
    summary: 'The latest incomplete-claims report, with when and why it was built',
    description: latestDescription,
    responses: { 200: jsonResponse(ReportRunSchema, 'The report run') },
  },
  [404],
);

export const latestJsonRoute = apiRoute(
  { permission: 'report.read', scope: 'global' },
  {
    method: 'get',
    path: '/api/reports/latest.json',
    tags,
    summary: 'The latest incomplete-claims report as a JSON download',
    description: latestDescription,
    responses: { 200: jsonResponse(ReportModel, 'The report') },
  },
  [404],
);

function latestFile(format: 'csv' | 'pdf') {
  return apiRoute(
    { permission: 'report.read', scope: 'global' },
    {
      method: 'get',
      path: `/api/reports/latest.${format}`,
      tags,
      summary: `The latest incomplete-claims report as ${format.toUpperCase()} (a download)`,
      description: latestDescription,
      responses: {
        200: { description: 'The report', content: { [format === 'csv' ? 'text/csv' : 'application/pdf']: { schema: z.string().openapi({ format: format === 'pdf' ? 'binary' : 'text' }) } } },
      },
    },
    [404],
  );
}

export const latestCsvRoute = latestFile('csv');
export const latestPdfRoute = latestFile('pdf');

export const buildRoute = apiRoute(
  { permission: 'report.run', scope: 'global' },
  {
    method: 'post',
    path: '/api/reports',
    tags,
    summary: 'Build the incomplete-claims report now',
    request: { body: { required: false, content: { 'application/json': { schema: ReportBody } } } },
    responses: { 201: jsonResponse(ReportRunSchema, 'The report built') },
  },
  [400, 415],
);

export const packetRoute = apiRoute(
  { permission: 'claim.read', scope: 'claim' },
  {
    method: 'get',
    path: '/api/claims/{claimId}/packet.pdf',
    tags: ['claims', 'reports'],
    summary: 'The claim packet: a cover sheet, then every piece of evidence',
    description:
      'The cover gives the claim, each expense with the document that backs it (and why it was matched), the checks\' verdict, the open flags and what is missing, and an index of the evidence; then every original: PDF pages copied, images placed on pages. A file that cannot be included gets a page saying why.',
    request: { params: ClaimParam },
    responses: { 200: { description: 'The packet', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } } },
  },
  [404],
);

/**
 * The schema documents the report's stable top-level fields; the model itself is
 * services/reports/incomplete.ts's, stored as it was built.
 */
function modelJson(report: ReportRun['report']): z.infer<typeof ReportModel> {
  return report as unknown as z.infer<typeof ReportModel>;
}

function runJson(run: ReportRun): z.infer<typeof ReportRunSchema> {
  return { id: run.id, asOf: run.asOf, trigger: run.trigger, actor: run.actor, createdAt: run.createdAt.toISOString(), report: modelJson(run.report) };
}

async function requireLatest(c: Context<AppEnv>): Promise<ReportRun> {
  requirePermission(actorOf(c), 'report.read');
  const run = await latestReport(c.get('deps'));
  if (!run) throw new ApiError('NOT_FOUND', 'no report has been built yet: the nightly job makes one, or POST /api/reports (or `claimproof report`) builds one now');
  return run;
}

function download(body: string | Uint8Array, type: string, name: string): Response {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return new Response(bytesToWebStream(bytes), {
    status: 200,
    headers: { 'Content-Type': type, 'Content-Length': String(bytes.byteLength), 'Content-Disposition': contentDisposition(name), 'Cache-Control': 'private, no-cache' },
  });
}

export function reportRoutes(app: Api): void {
  app.openapi(latestRoute, async (c) => c.json(runJson(await requireLatest(c)), 200));
  app.openapi(latestJsonRoute, async (c) => {
    const run = await requireLatest(c);
    return c.json(modelJson(run.report), 200, { 'Content-Disposition': contentDisposition(reportFileName(run.asOf, 'json')) });
  });
  app.openapi(latestCsvRoute, async (c) => {
    const run = await requireLatest(c);
    return download(await renderReport(run.report, 'csv'), REPORT_CONTENT_TYPES.csv, reportFileName(run.asOf, 'csv'));
  });
  app.openapi(latestPdfRoute, async (c) => {
    const run = await requireLatest(c);
    return download(await renderReport(run.report, 'pdf'), REPORT_CONTENT_TYPES.pdf, reportFileName(run.asOf, 'pdf'));
  });

  app.openapi(buildRoute, async (c) => {
    const actor = actorOf(c);
    requirePermission(actor, 'report.run');
    const body = c.req.valid('json');
    const run = await buildReport(c.get('deps'), { asOf: body?.asOf, trigger: 'manual', actor });
    return c.json(runJson(run), 201);
  });

  app.openapi(packetRoute, async (c) => {
    const { claimId } = c.req.valid('param');
    // Built whole before the first byte is sent, so a failure is an error response rather than
    // a truncated PDF; then streamed out in chunks.
    const packet = await claimPacketForActor(c.get('deps'), actorOf(c), claimId);
    const response = download(packet.bytes, 'application/pdf', `claim-packet-${claimId}.pdf`);
    response.headers.set('X-Page-Count', String(packet.pageCount));
    return response;
  });
}
