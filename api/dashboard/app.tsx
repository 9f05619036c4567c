// The review dashboard: server-rendered pages (hono/jsx) over the same service core as the JSON
// API, mounted at `/` by the API app. Sessions come from signing in with an API token; every
// form carries a per-session CSRF token besides the Origin check; the CSP allows only this app's
// own scripts, styles and images.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { FieldChanges } from '../../db/queries.ts';
import { FLAG_CODES, isOneOf, type FlagCode } from '../../pipeline/enums.ts';
import { decimalToMinor, minorToDecimalText, MoneyFormatError } from '../../pipeline/money.ts';
import { JOB_NAMES } from '../../services/jobs.ts';
import { isIsoDate } from '../../pipeline/dates.ts';
import { renderPagePreview } from '../../pipeline/read.ts';
import { can, requirePermission } from '../../services/access.ts';
import { changeClaimStatus, claimAuditForActor, claimFacetsForActor, countClaimsForActor, getClaimForActor, listClaimsForActor } from '../../services/claims.ts';
import type { ServiceDeps } from '../../services/context.ts';
import { correctDocument, DEFAULT_UPLOAD_LIMITS, getDocumentForActor, storeUploads, type IncomingFile } from '../../services/documents.ts';
import { asServiceError, ServiceError } from '../../services/errors.ts';
import { STATUS_OF } from '../errors.ts';
import { decideFlag, getFlagForActor } from '../../services/flags.ts';
import { buildReport, getReport, latestReport, listReports } from '../../services/report.ts';
import { renderReport, REPORT_CONTENT_TYPES, reportFileName } from '../../services/report-formats.ts';
import { signIn, signOut } from '../../services/sessions.ts';
import { parseMultipart } from '../multipart.ts';
import { ClaimLive, ClaimPage } from './pages/claim.tsx';
import { ClaimsPage, parseClaimsQuery, toFilter } from './pages/claims.tsx';
import { QueuesPage, type FailedRow } from './pages/queues.tsx';
import { ReportsPage } from './pages/reports.tsx';
import { ReviewPage, type ReviewResult } from './pages/review.tsx';
import { ErrorPage, SignInPage } from './pages/signin.tsx';
import { clearSessionCookie, csrfMatches, flash, loadSession, requireCsrf, requireSession, safeNext, setSessionCookie, takeFlash, type DashboardEnv } from './session.ts';
import { claimView, duplicateName, nextAfter, reviewItem, reviewQueue, reviewResult, todayOf } from './views.ts';


const here = path.dirname(fileURLToPath(import.meta.url));
const ASSET_TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };

/** The static files, read once: a handful of small scripts and one stylesheet. */
function loadAssets(): Map<string, { body: string; type: string }> {
  const dir = path.join(here, 'assets');
  const out = new Map<string, { body: string; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = ASSET_TYPES[path.extname(name)];
    if (type) out.set(name, { body: readFileSync(path.join(dir, name), 'utf8'), type });
  }
  return out;
}


/** Rendered page previews by content hash and page (the bytes never change under a hash). */
class PreviewCache {
  private readonly map = new Map<string, Buffer>();
  constructor(private readonly max: number) {}
  get(key: string): Buffer | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }
  set(key: string, value: Buffer): void {
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}

function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

function claimPath(claimId: string): string {
  return `/claims/${encodeURIComponent(claimId)}`;
}

/** The reviewer's corrections from the form: only fields whose value changed from what was read. */
export function correctionsFromForm(body: Record<string, unknown>, original: { currency: string | null }, read: Record<string, string>): FieldChanges {
  const changes: FieldChanges = {};
  const changed = (name: string) => field(body, name).trim() !== (read[name] ?? '').trim();
  if (changed('vendor')) changes.vendor = field(body, 'vendor').trim() || null;
  if (changed('invoiceNumber')) changes.invoiceNumber = field(body, 'invoiceNumber').trim() || null;
  if (changed('currency')) changes.currency = field(body, 'currency').trim().toUpperCase() || null;
  if (changed('date')) {
    const d = field(body, 'date').trim();
    if (d && !isIsoDate(d)) throw new ServiceError('INVALID_INPUT', 'the date must be a calendar date (YYYY-MM-DD)', { field: 'date' });
    changes.date = d || null;
  }
  if (changed('amount')) {
    const text = field(body, 'amount').trim().replace(/\s/g, '');
    if (!text) changes.amount = null;
    else {
      // A reviewer types "1250.00" or "1250,00"; thousands separators are not accepted, so no guess is made.
      const normal = /^-?\d+([.,]\d+)?$/.test(text) ? text.replace(',', '.') : null;
      if (!normal) throw new ServiceError('INVALID_INPUT', `"${text}" is not an amount: type digits with at most one decimal point, e.g. 1250.00`, { field: 'amount' });
      try {
        changes.amount = decimalToMinor(normal, changes.currency ?? original.currency);
      } catch (error) {
        if (error instanceof MoneyFormatError) throw new ServiceError('INVALID_INPUT', `amount: ${error.message}`, { field: 'amount' });
        throw error;
      }
    }
  }
  return changes;
}

export function createDashboard(deps: ServiceDeps): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const assets = loadAssets();
  const previews = new PreviewCache(48);

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
    }),
  );
  app.use('*', csrf());

  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  });

  app.use('*', loadSession(deps));

  app.onError((error, c) => {
    const known = asServiceError(error);
    const session = c.var.session ?? null;
    if (error instanceof HTTPException) {
      // hono/csrf refuses a form posted from another origin.
      const message = error.status === 403 ? 'This form was sent from another site, so it was refused.' : error.message;
      return c.html(<ErrorPage session={session} status={error.status} title="Not allowed" message={message} />, error.status);
    }
    if (!known) {
      deps.log.error({ err: error, path: c.req.path }, 'dashboard fault');
      return c.html(<ErrorPage session={session} status={500} title="Something went wrong" message="The server could not show this page. Try again; if it keeps failing, tell the operator." />, 500);
    }
    // The API's status table: one mapping of refusals to HTTP for every page and route.
    const status = STATUS_OF[known.code];
    if (wantsJson(c)) return c.json({ code: known.code, message: known.message }, status);
    const title = known.code === 'NOT_FOUND' ? 'Not found' : known.code === 'FORBIDDEN' ? 'Not allowed' : 'Could not do that';
    return c.html(<ErrorPage session={session} status={status} title={title} message={known.message} />, status);
  });

  // ------------------------------------------------------------------------------------------
  // Sign-in

  app.get('/signin', (c) => {
    if (c.var.session) return c.redirect(safeNext(c.req.query('next')), 303);
    return c.html(<SignInPage next={safeNext(c.req.query('next'))} />);
  });

  app.post('/signin', async (c) => {
    const body = await c.req.parseBody();
    const next = safeNext(field(body, 'next'));
    const session = await signIn(deps, field(body, 'token'));
    if (!session) return c.html(<SignInPage next={next} error="That token is not valid (unknown or revoked)." />, 401);
    setSessionCookie(c, session);
    return c.redirect(next, 303);
  });

  app.post('/signout', requireCsrf, async (c) => {
    if (c.var.session) await signOut(deps, c.var.session);
    clearSessionCookie(c);
    return c.redirect('/signin', 303);
  });

  app.get('/', (c) => c.redirect('/claims', 303));

  // Everything below needs a session and, for changes, its CSRF token.
  for (const prefix of ['/claims', '/documents', '/review', '/reports', '/queues']) {
    app.use(prefix, requireSession, requireCsrf);
    app.use(`${prefix}/*`, requireSession, requireCsrf);
  }

  // ------------------------------------------------------------------------------------------
  // Claims

  app.get('/claims', async (c) => {
    const actor = c.var.actor;
    const query = parseClaimsQuery(c.req.query());
    const filter = toFilter(query);
    const [rows, total, facets] = await Promise.all([listClaimsForActor(deps, actor, filter), countClaimsForActor(deps, actor, filter), claimFacetsForActor(deps, actor)]);
    return c.html(<ClaimsPage session={c.var.session!} query={query} rows={rows} total={total} today={todayOf(deps)} facets={facets} flash={takeFlash(c)} />);
  });

  app.get('/claims/:claimId', async (c) => {
    const actor = c.var.actor;
    const view = await claimView(deps, actor, c.req.param('claimId'));
    const audit = can(actor, 'audit.read') ? await claimAuditForActor(deps, actor, view.claim.claimId, 100) : null;
    return c.html(<ClaimPage view={view} session={c.var.session!} audit={audit} flash={takeFlash(c)} />);
  });

  app.get('/claims/:claimId/live', async (c) => {
    const view = await claimView(deps, c.var.actor, c.req.param('claimId'));
    c.header('cache-control', 'no-store');
    return c.html(<ClaimLive view={view} session={c.var.session!} />);
  });

  app.post('/claims/:claimId/status', async (c) => {
    const claimId = c.req.param('claimId');
    const body = await c.req.parseBody();
    const to = field(body, 'status');
    try {
      if (!isOneOf(['draft', 'submitted', 'needs_info', 'approved', 'rejected'] as const, to)) throw new ServiceError('INVALID_INPUT', 'unknown status');
      const moved = await changeClaimStatus(deps, c.var.actor, claimId, to, field(body, 'note') || null);
      flash(c, `Claim ${claimId}: ${moved.from.replace('_', ' ')} → ${moved.to.replace('_', ' ')}.`);
    } catch (error) {
      const known = asServiceError(error);
      if (!known || known.code === 'NOT_FOUND') throw error;
      flash(c, known.message, 'error');
    }
    return c.redirect(claimPath(claimId), 303);
  });

  app.post('/claims/:claimId/upload', async (c) => {
    const session = c.var.session!;
    const claimId = c.req.param('claimId');
    const headerOk = csrfMatches(session, c.req.header('x-csrf-token'));
    const limits = DEFAULT_UPLOAD_LIMITS;
    try {
      const body = parseMultipart(c.req.raw.headers, c.req.raw.body, 'files', { fileBytes: limits.maxFileBytes, files: limits.maxFiles, fields: 8, fieldBytes: 4096 });
      // Without the header, the form's hidden field comes before the files in the body.
      async function* checked(): AsyncGenerator<IncomingFile> {
        let ok = headerOk;
        for await (const file of body.files) {
          if (!ok && !csrfMatches(session, body.fields['_csrf'])) {
            file.stream.resume();
            throw new ServiceError('FORBIDDEN', 'This form has expired: reload the page and try again.');
          }
          ok = true;
          yield file;
        }
      }
      const stored = await storeUploads(deps, c.var.actor, claimId, checked());
      const documents = [];
      for (const s of stored) {
        documents.push({ ...s, ...(s.duplicateOf ? { duplicateName: await duplicateName(deps, c.var.actor, s.duplicateOf, claimId) } : {}) });
      }
      if (wantsJson(c)) return c.json({ documents }, 202);
      const dupes = documents.filter((d) => d.duplicateOf);
      flash(c, `${documents.length} file${documents.length === 1 ? '' : 's'} received${dupes.length ? `; already there: ${dupes.map((d) => `${d.file} (same file as ${d.duplicateName})`).join(', ')}` : ''}. Reading starts now.`);
      return c.redirect(claimPath(claimId), 303);
    } catch (error) {
      const known = asServiceError(error);
      if (!known || known.code === 'NOT_FOUND' || wantsJson(c)) throw error;
      flash(c, known.message, 'error');
      return c.redirect(claimPath(claimId), 303);
    }
  });

  // ------------------------------------------------------------------------------------------
  // Documents: the original and page previews

  app.get('/documents/:id/file', async (c) => {
    const doc = await getDocumentForActor(deps, c.var.actor, c.req.param('id'));
    if (doc.purgedAt) throw new ServiceError('NOT_FOUND', `the original of ${doc.fileName} was removed after its retention date`);
    const stream = await deps.storage.openRead(doc.storageKey);
    const name = encodeURIComponent(doc.fileName);
    return c.body(Readable.toWeb(stream) as ReadableStream, 200, {
      'content-type': doc.mime ?? 'application/octet-stream',
      'content-disposition': `inline; filename*=UTF-8''${name}`,
      'cache-control': 'private, max-age=300',
    });
  });

  app.get('/documents/:id/pages/:n{[0-9]+}', async (c) => {
    const doc = await getDocumentForActor(deps, c.var.actor, c.req.param('id'));
    const n = Number(c.req.param('n'));
    const key = `${doc.sha256}:${n}`;
    let png = previews.get(key);
    if (!png) {
      if (doc.purgedAt || !doc.fileType) throw new ServiceError('NOT_FOUND', `${doc.fileName} has no page to show`);
      try {
        png = await renderPagePreview(await deps.storage.readBytes(doc.storageKey), n, { dpi: 110, maxWidth: 1400 });
      } catch (error) {
        if (error instanceof RangeError) throw new ServiceError('NOT_FOUND', `${doc.fileName} has no page ${n}`);
        throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', `${doc.fileName} cannot be shown: ${(error as Error).message}`);
      }
      previews.set(key, png);
    }
    return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' });
  });

  // ------------------------------------------------------------------------------------------
  // Review queue

  app.get('/review', async (c) => {
    const actor = c.var.actor;
    requirePermission(actor, 'flag.decide');
    const codeParam = c.req.query('code');
    const code: FlagCode | null = isOneOf(FLAG_CODES, codeParam) ? codeParam : null;
    const queue = await reviewQueue(deps, actor, code);
    const wanted = c.req.query('flag');
    let flag = wanted ? queue.flags.find((f) => f.id === wanted) ?? null : queue.flags[0] ?? null;
    if (wanted && !flag) {
      // A flag outside the listed page (or already decided) can still be opened by its link.
      try {
        flag = { ...(await getFlagForActor(deps, actor, wanted)), partner: '', program: '', deadline: '' };
      } catch (error) {
        if (asServiceError(error)?.code !== 'NOT_FOUND') throw error;
        flag = queue.flags[0] ?? null;
      }
    }
    const item = flag ? reviewItem(await getClaimForActor(deps, actor, flag.claimId), flag) : null;
    const at = flag ? queue.flags.findIndex((f) => f.id === flag!.id) : -1;
    const prev = at > 0 ? queue.flags[at - 1]!.id : null;
    const next = at >= 0 && at + 1 < queue.flags.length ? queue.flags[at + 1]!.id : at < 0 && queue.flags[0] && queue.flags[0].id !== flag?.id ? queue.flags[0].id : null;
    let result: ReviewResult | null = null;
    const acted = c.req.query('acted');
    const act = c.req.query('act');
    const actedCode = c.req.query('fc');
    const actedClaim = c.req.query('claim');
    if (acted && actedClaim && isOneOf(['resolve', 'dismiss', 'correct'] as const, act) && isOneOf(FLAG_CODES, actedCode)) {
      result = await reviewResult(deps, actor, act, acted, actedCode, actedClaim);
    }
    const f = takeFlash(c);
    return c.html(
      <ReviewPage session={c.var.session!} flags={queue.flags} total={queue.total} code={code} item={item} prev={prev} next={next} today={todayOf(deps)} result={result} error={f?.kind === 'error' ? f.message : null} />,
    );
  });

  /** Where to go after an act: the next open flag, with the act's result to show. */
  async function afterAct(c: Context<DashboardEnv>, before: Awaited<ReturnType<typeof reviewQueue>>, code: FlagCode | null, act: ReviewResult['act'], flag: { id: string; code: string; claimId: string }) {
    const after = await reviewQueue(deps, c.var.actor, code);
    const next = nextAfter(before.flags, after.flags, flag.id);
    const p = new URLSearchParams();
    if (code) p.set('code', code);
    if (next) p.set('flag', next);
    p.set('acted', flag.id);
    p.set('act', act);
    p.set('fc', flag.code);
    p.set('claim', flag.claimId);
    return c.redirect(`/review?${p.toString()}`, 303);
  }

  function backTo(c: Context<DashboardEnv>, code: FlagCode | null, flagId: string, message: string) {
    flash(c, message, 'error');
    const p = new URLSearchParams();
    if (code) p.set('code', code);
    p.set('flag', flagId);
    return c.redirect(`/review?${p.toString()}`, 303);
  }

  app.post('/review/flags/:id/:decision{resolve|dismiss}', async (c) => {
    const actor = c.var.actor;
    const body = await c.req.parseBody();
    const codeField = field(body, 'code');
    const code: FlagCode | null = isOneOf(FLAG_CODES, codeField) ? codeField : null;
    const decision = c.req.param('decision') as 'resolve' | 'dismiss';
    const flag = await getFlagForActor(deps, actor, c.req.param('id'));
    const before = await reviewQueue(deps, actor, code);
    try {
      await decideFlag(deps, actor, flag.id, decision, field(body, 'note') || null);
    } catch (error) {
      const known = asServiceError(error);
      if (!known || known.code === 'NOT_FOUND') throw error;
      return backTo(c, code, flag.id, known.message);
    }
    return afterAct(c, before, code, decision, flag);
  });

  app.post('/review/documents/:id/correct', async (c) => {
    const actor = c.var.actor;
    const body = await c.req.parseBody();
    const codeField = field(body, 'code');
    const code: FlagCode | null = isOneOf(FLAG_CODES, codeField) ? codeField : null;
    const flag = await getFlagForActor(deps, actor, field(body, 'flag'));
    const doc = await getDocumentForActor(deps, actor, c.req.param('id'));
    const before = await reviewQueue(deps, actor, code);
    const claim = await getClaimForActor(deps, actor, doc.claimId);
    const item = reviewItem(claim, flag);
    const f = doc.extraction?.fields;
    const currency = f?.currency?.value ?? item.expense?.currency ?? null;
    // The form was filled with what was read; compare with the same text to see what changed.
    const read = {
      vendor: f?.vendor?.value ?? '',
      amount: f?.amount ? minorToDecimalText(f.amount.value, currency) : '',
      currency: f?.currency?.value ?? '',
      date: f?.date?.value ?? '',
      invoiceNumber: f?.invoiceNumber?.value ?? '',
    };
    try {
      const changes = correctionsFromForm(body, { currency }, read);
      if (Object.keys(changes).length === 0) throw new ServiceError('INVALID_INPUT', 'Nothing was changed: edit a value before saving.');
      await correctDocument(deps, actor, doc.id, changes, field(body, 'note') || null);
    } catch (error) {
      const known = asServiceError(error);
      if (!known || known.code === 'NOT_FOUND') throw error;
      return backTo(c, code, flag.id, known.message);
    }
    return afterAct(c, before, code, 'correct', flag);
  });

  // ------------------------------------------------------------------------------------------
  // Reports

  app.get('/reports', async (c) => {
    requirePermission(c.var.actor, 'report.read');
    const [runs, latest] = await Promise.all([listReports(deps, 60), latestReport(deps)]);
    return c.html(<ReportsPage session={c.var.session!} runs={runs} latest={latest} canRun={can(c.var.actor, 'report.run')} flash={takeFlash(c)} />);
  });

  app.post('/reports/build', async (c) => {
    requirePermission(c.var.actor, 'report.run');
    const run = await buildReport(deps, { trigger: 'manual', actor: c.var.actor });
    flash(c, `Report as of ${run.asOf} built: ${run.report.summary.incomplete} incomplete claims.`);
    return c.redirect('/reports', 303);
  });

  app.get('/reports/:id/:format{csv|pdf}', async (c) => {
    requirePermission(c.var.actor, 'report.read');
    const run = await getReport(deps, c.req.param('id'));
    if (!run) throw new ServiceError('NOT_FOUND', 'that report does not exist');
    const format = c.req.param('format') === 'csv' ? 'csv' : 'pdf';
    const bytes = await renderReport(run.report, format);
    return c.body(new Uint8Array(bytes), 200, { 'content-type': REPORT_CONTENT_TYPES[format], 'content-disposition': `attachment; filename="${reportFileName(run.asOf, format)}"` });
  });

  // ------------------------------------------------------------------------------------------
  // Queues (admins)

  app.get('/queues', async (c) => {
    const actor = c.var.actor;
    requirePermission(actor, 'queue.read');
    const counts = await deps.queue.counts();
    const failed: FailedRow[] = [];
    for (const name of JOB_NAMES) {
      for (const job of await deps.queue.failedJobs(name, 50)) {
        const documentId = (job.payload as { documentId?: unknown } | null)?.documentId;
        let document = null;
        if (typeof documentId === 'string') {
          try {
            document = await getDocumentForActor(deps, actor, documentId);
          } catch (error) {
            if (asServiceError(error)?.code !== 'NOT_FOUND') throw error;
          }
        }
        failed.push({ job, document });
      }
    }
    return c.html(<QueuesPage session={c.var.session!} counts={counts} failed={failed} kind={deps.queue.kind} flash={takeFlash(c)} />);
  });

  app.post('/queues/:name/:jobId/retry', async (c) => {
    requirePermission(c.var.actor, 'queue.retry');
    const name = c.req.param('name');
    if (!isOneOf(JOB_NAMES, name)) throw new ServiceError('NOT_FOUND', `no queue ${name}`);
    const ok = await deps.queue.retryFailed(name, c.req.param('jobId'));
    flash(c, ok ? `Job ${c.req.param('jobId')} queued again.` : `Job ${c.req.param('jobId')} is not failed any more (nothing to retry).`, ok ? 'ok' : 'error');
    deps.log.info({ actor: c.var.actor.name, queue: name, jobId: c.req.param('jobId'), ok }, 'failed job retried from the dashboard');
    return c.redirect('/queues', 303);
  });

  app.notFound((c) => c.html(<ErrorPage session={c.var.session ?? null} status={404} title="Not found" message="There is no page at this address." />, 404));

  return app;
}

