// Documents: status and extraction, the original, page previews, and a reviewer's corrections.
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import sharp from 'sharp';
import type { Context } from 'hono';
import { renderPagePreview } from '../../pipeline/read.ts';
import { correctDocument, getDocumentForActor, StorageError, type ServiceDeps } from '../../services/index.ts';
import type { DocumentDetail } from '../../db/queries.ts';
import { actorOf, type Api, type AppEnv, type RouteSetup } from '../context.ts';
import { ApiError } from '../errors.ts';
import { apiRoute } from '../route.ts';
import { DocumentSchema, FieldsBody, IdParam, PageParam, PageQuery, VerdictSchema, jsonResponse, toDocumentJson, verdictOf } from '../schemas.ts';

const tags = ['documents'];

export const documentRoute = apiRoute(
  { permission: 'claim.read', scope: 'claim' },
  {
    method: 'get',
    path: '/api/documents/{id}',
    tags,
    summary: 'A document: its status (queued, processing, done, failed) and extraction',
    description: 'The extraction gives each field\'s value, confidence (0–1), the page it was read from and its box on that page, and whether a reviewer corrected it.',
    request: { params: IdParam },
    responses: { 200: jsonResponse(DocumentSchema, 'The document') },
  },
  [404],
);

export const fileRoute = apiRoute(
  { permission: 'claim.read', scope: 'claim' },
  {
    method: 'get',
    path: '/api/documents/{id}/file',
    tags,
    summary: 'The original file as uploaded',
    description: '`Content-Type` is the type detected from the bytes (not the name); `Content-Disposition` carries a safe file name (RFC 6266). Streamed.',
    request: { params: IdParam },
    responses: {
      200: { description: 'The original', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
      304: { description: 'Not modified (If-None-Match)' },
    },
  },
  [404, 410],
);

export const pageRoute = apiRoute(
  { permission: 'claim.read', scope: 'claim' },
  {
    method: 'get',
    path: '/api/documents/{id}/pages/{n}',
    tags,
    summary: 'Page n (1-based) as a PNG preview',
    description: 'Rendered once per content hash, page and width and kept under the data directory; answered with an `ETag` and 304 to `If-None-Match`.',
    request: { params: PageParam, query: PageQuery },
    responses: {
      200: { description: 'The page', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
      304: { description: 'Not modified (If-None-Match)' },
    },
  },
  [400, 404, 410, 415],
);

export const correctRoute = apiRoute(
  { permission: 'document.correct', scope: 'claim' },
  {
    method: 'patch',
    path: '/api/documents/{id}/fields',
    tags,
    summary: 'Correct extracted fields; the checks run again',
    description: 'Each corrected field takes the new value with confidence 1 and keeps the value read before; every change is audited. `null` clears a field. Returns the document and the new verdict of its claim (and of any claim sharing the evidence).',
    request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: FieldsBody } } } },
    responses: { 200: jsonResponse(z.object({ document: DocumentSchema, verdict: z.array(VerdictSchema) }).openapi('CorrectionResult'), 'The corrected document and the new verdict') },
  },
  [400, 404, 415],
);

/**
 * An RFC 6266 Content-Disposition: an ASCII `filename` fallback (quotes, backslashes and anything
 * outside printable ASCII replaced) and the exact name as RFC 5987 `filename*`.
 */
export function contentDisposition(name: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_').trim() || 'download';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Whether If-None-Match names this entity tag (or is `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

async function openOriginal(deps: ServiceDeps, doc: DocumentDetail): Promise<Readable> {
  if (doc.purgedAt) throw new ApiError('GONE', `the original of ${doc.fileName} was removed after its retention date (${doc.retentionUntil})`);
  try {
    return await deps.storage.openRead(doc.storageKey);
  } catch (error) {
    if (error instanceof StorageError && error.code === 'NOT_FOUND') throw new ApiError('NOT_FOUND', `the stored original of ${doc.fileName} is missing`);
    throw error;
  }
}

const PDF_DPI = 110;
// An A4 page at 110 dpi is about 910 px wide; wider previews are rendered at a higher dpi (at
// most 300) so they are not blown-up pixels.
const A4_WIDTH_INCHES = 8.27;

async function renderPreview(bytes: Uint8Array, page: number, width: number | undefined, isPdf: boolean): Promise<Buffer> {
  const dpi = isPdf && width ? Math.min(300, Math.max(PDF_DPI, Math.ceil(width / A4_WIDTH_INCHES))) : PDF_DPI;
  const png = await renderPagePreview(bytes, page, { dpi, ...(width && !isPdf ? { maxWidth: width } : {}) });
  if (!width) return png;
  return sharp(png).resize({ width, withoutEnlargement: true }).png().toBuffer();
}

/** One rendering per preview at a time: concurrent requests for the same page wait for it. */
const rendering = new Map<string, Promise<string>>();

async function cachedPreview(deps: ServiceDeps, setup: RouteSetup, doc: DocumentDetail, page: number, width: number | undefined): Promise<string> {
  const name = `${doc.sha256}-p${page}-w${width ?? 'default'}.png`;
  const file = path.join(setup.pageCacheDir, doc.sha256.slice(0, 2), name);
  if (await stat(file).then(() => true, () => false)) return file;
  let pending = rendering.get(file);
  if (!pending) {
    pending = (async () => {
      const bytes = await (await openOriginal(deps, doc)).toArray().then((chunks: Buffer[]) => Buffer.concat(chunks));
      let png: Buffer;
      try {
        png = await renderPreview(bytes, page, width, doc.fileType === 'pdf');
      } catch (error) {
        if (error instanceof RangeError) throw new ApiError('NOT_FOUND', `${doc.fileName} has no page ${page}`);
        throw error;
      }
      await mkdir(path.dirname(file), { recursive: true });
      // Written aside and renamed, so a reader never sees half a PNG.
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, png);
      await rename(temp, file);
      return file;
    })().finally(() => rendering.delete(file));
    rendering.set(file, pending);
  }
  return pending;
}

function notModified(c: Context<AppEnv>, etag: string): Response {
  c.header('ETag', etag);
  return c.body(null, 304);
}

export function documentRoutes(app: Api, setup: RouteSetup): void {
  app.openapi(documentRoute, async (c) => {
    const doc = await getDocumentForActor(c.get('deps'), actorOf(c), c.req.valid('param').id);
    return c.json(toDocumentJson(doc), 200);
  });

  app.openapi(fileRoute, async (c) => {
    const deps = c.get('deps');
    const doc = await getDocumentForActor(deps, actorOf(c), c.req.valid('param').id);
    const etag = `"${doc.sha256}"`;
    if (matchesEtag(c.req.header('if-none-match'), etag)) return notModified(c, etag);
    const stream = await openOriginal(deps, doc);
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      status: 200,
      headers: {
        'Content-Type': doc.mime ?? 'application/octet-stream',
        'Content-Length': String(doc.size),
        'Content-Disposition': contentDisposition(doc.fileName),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, max-age=86400',
        ETag: etag,
      },
    });
  });

  app.openapi(pageRoute, async (c) => {
    const deps = c.get('deps');
    const { id, n } = c.req.valid('param');
    const { width } = c.req.valid('query');
    const doc = await getDocumentForActor(deps, actorOf(c), id);
    if (!doc.fileType) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `${doc.fileName} is not a file type that can be previewed`);
    if (doc.pageCount != null && n > doc.pageCount) throw new ApiError('NOT_FOUND', `${doc.fileName} has ${doc.pageCount} page${doc.pageCount === 1 ? '' : 's'}; there is no page ${n}`);
    const etag = `"${doc.sha256.slice(0, 32)}-${n}-${width ?? 'd'}"`;
    if (matchesEtag(c.req.header('if-none-match'), etag)) return notModified(c, etag);
    const file = await cachedPreview(deps, setup, doc, n, width);
    const size = (await stat(file)).size;
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
      status: 200,
      headers: { 'Content-Type': 'image/png', 'Content-Length': String(size), 'Cache-Control': 'private, max-age=86400', ETag: etag, 'X-Content-Type-Options': 'nosniff' },
    });
  });

  app.openapi(correctRoute, async (c) => {
    const { changes, note } = c.req.valid('json');
    const result = await correctDocument(c.get('deps'), actorOf(c), c.req.valid('param').id, changes, note ?? null);
    return c.json({ document: toDocumentJson(result.document), verdict: result.checks.map(verdictOf) }, 200);
  });
}
