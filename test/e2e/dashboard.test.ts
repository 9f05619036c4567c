// The dashboard in a real browser (Debian's chromium through playwright-core): a submitter
// uploads evidence and watches it being read, a reviewer corrects a misread total from the
// review queue (keyboard only), asks for more documentation, the submitter answers. Every page
// is saved as a screenshot under test-output/screenshots/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createToken } from '../../db/queries.ts';
import { importClaims } from '../../services/claims.ts';
import { SYSTEM_ACTOR } from '../../services/context.ts';
import { chromiumPath, launchChromium } from './browser.ts';
import { makeCorruptPdf } from '../fixtures/make.ts';
import { e2eData, type E2eData } from './fixtures.ts';
import { startDashboardServer, type DashboardServer } from './server.ts';

const SHOTS = path.resolve('test-output/screenshots');
const executable = chromiumPath();
const inCi = process.env['CI'] === 'true';

if (!executable) {
  const message = 'chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH): the dashboard browser tests are skipped';
  if (inCi) {
    describe('dashboard in a browser', () => {
      it('needs chromium under CI', () => {
        throw new Error(message);
      });
    });
  } else {
    process.stderr.write(`${message}\n`);
  }
}

describe.skipIf(!executable)('dashboard in a browser', () => {
  let server: DashboardServer;
  let browser: Browser;
  let data: E2eData;
  const tokens: Record<'submitter' | 'other' | 'reviewer' | 'admin', string> = { submitter: '', other: '', reviewer: '', admin: '' };
  const cspErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    const [srv, b, d] = await Promise.all([startDashboardServer(), launchChromium(executable!), e2eData()]);
    server = srv;
    browser = b;
    data = d;
    const deps = server.runtime.deps;
    await importClaims(deps, SYSTEM_ACTOR, { text: data.csv, format: 'csv', fileName: 'claims.csv' });
    tokens.submitter = (await createToken(deps.db, { role: 'submitter', partner: 'Northwind Partners', label: 'northwind' })).token;
    tokens.other = (await createToken(deps.db, { role: 'submitter', partner: 'Contoso GmbH', label: 'contoso' })).token;
    tokens.reviewer = (await createToken(deps.db, { role: 'reviewer', label: 'rita' })).token;
    tokens.admin = (await createToken(deps.db, { role: 'admin', label: 'ops' })).token;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  async function newPage(width = 1366, height = 768): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, baseURL: server.url, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) cspErrors.push(msg.text());
    });
    page.on('pageerror', (err) => cspErrors.push(`page error: ${err.message}`));
    return page;
  }

  const shifts: Record<string, number> = {};

  /** Saves the page, and checks what every page must have: a label on each control. */
  async function shot(page: Page, name: string): Promise<void> {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement>('input:not([type=hidden]), select, textarea')]
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(unlabelled, `controls without a label on ${name}`).toEqual([]);
    shifts[name] = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) total += e.value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(total), 50);
        }),
    );
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  async function signIn(page: Page, token: string, next = '/claims'): Promise<void> {
    await page.goto(next);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/signin');
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === next.split('?')[0]);
  }

  it('a submitter uploads files and a ZIP, watches them being read without a reload, and sees what is missing', async () => {
    const page = await newPage();
    await page.goto('/claims');
    await shot(page, '01-signin');
    await signIn(page, tokens.submitter);
    // Only its own partner's claims are listed.
    await expect.poll(() => page.locator('table.claims tbody tr').count()).toBe(2);
    expect(await page.locator('table.claims').innerText()).not.toContain('CT-1');
    await shot(page, '02-claims-submitter');

    await page.getByRole('link', { name: 'NW-1' }).click();
    await page.waitForURL('**/claims/NW-1');
    await expect.poll(() => page.locator('ul.missing').innerText()).toContain('Upload the invoice from Acme Events Inc. for E1');
    await shot(page, '03-claim-before-upload');
    // A marker on the window survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { __kept: number }).__kept = 42));

    await page.locator('#files').setInputFiles([
      { name: 'acme-invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from(data.invoice) },
      { name: 'csr-design.pdf', mimeType: 'application/pdf', buffer: Buffer.from(data.csr) },
    ]);
    await expect.poll(() => page.locator('#upload-results li.new').count(), { timeout: 15_000 }).toBe(2);
    await page.locator('#files').setInputFiles([{ name: 'evidence.zip', mimeType: 'application/zip', buffer: Buffer.from(data.zip) }]);
    // The ZIP's copy of the invoice is named as a duplicate of the file already uploaded.
    const dup = page.locator('#upload-results li.dup');
    await expect.poll(() => dup.count(), { timeout: 15_000, message: 'a duplicate line in the upload results' }).toBe(1);
    expect(await dup.innerText()).toContain('already uploaded to this claim as acme-invoice.pdf');
    await shot(page, '04-claim-uploading');

    // Three documents, all read, without a reload.
    await expect.poll(() => page.locator('table.documents tr[data-status="done"]').count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => page.locator('#live-top').getAttribute('data-pending'), { timeout: 15_000 }).toBe('false');
    expect(await page.evaluate(() => (window as unknown as { __kept?: number }).__kept)).toBe(42);
    // Each file's upload line follows its document to the end of the reading.
    await expect.poll(() => page.locator('#upload-results li.new').allInnerTexts()).toEqual([
      'acme-invoice.pdf: read',
      'csr-design.pdf: read',
      'agenda.pdf: read',
    ]);
    const missing = await page.locator('ul.missing').innerText();
    expect(missing).toContain('says 1,205.00 EUR; the claim says 1,250.00 EUR');
    expect(missing).not.toContain('Upload proof of execution');
    expect(await page.locator('table.expenses').innerText()).toContain('acme-invoice.pdf');
    await shot(page, '05-claim-read');

    // The submitter submits the claim for review.
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.waitForURL('**/claims/NW-1');
    expect(await page.locator('.flash.ok').innerText()).toContain('draft → submitted');

    // The same claim in a 400 px window.
    await page.setViewportSize({ width: 400, height: 800 });
    await page.reload();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '06-claim-400px');
    await page.goto('/claims');
    await shot(page, '07-claims-400px');
  });

  it('a submitter cannot open another partner\'s claim by its URL', async () => {
    const page = await newPage();
    await signIn(page, tokens.submitter);
    const response = await page.goto('/claims/CT-1');
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Not found');
    expect(await page.content()).not.toContain('Fabrikam');
    const preview = await page.request.get('/review');
    expect(preview.status()).toBe(403);
    await shot(page, '08-other-partner-404');
  });

  it('a reviewer settles a misread total from the review queue with the keyboard; the claim becomes complete', async () => {
    const page = await newPage();
    await signIn(page, tokens.reviewer, '/review');
    await shot(page, '09-review-queue');
    // Shortcuts are listed; j and k move between flags.
    expect(await page.locator('.shortcuts').innerText()).toContain('next flag');
    const first = await page.locator('.current-flag').getAttribute('data-flag');
    // Each key is pressed once the page (and its script) has loaded.
    await page.keyboard.press('j');
    await page.waitForURL((u) => !!u.searchParams.get('flag') && u.searchParams.get('flag') !== first);
    expect(await page.locator('.current-flag').getAttribute('data-flag')).not.toBe(first);
    await page.keyboard.press('k');
    await page.waitForURL((u) => u.searchParams.get('flag') === first);
    expect(await page.locator('.current-flag').getAttribute('data-flag')).toBe(first);

    // The code filter lists only that code.
    await page.getByLabel('Code').selectOption('MISSING_INVOICE');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/code=MISSING_INVOICE/);
    const listed = await page.locator('ol.queue-list .flag').allInnerTexts();
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed)).toEqual(new Set(['Missing invoice']));
    await shot(page, '09b-review-missing-invoice');

    await page.goto('/review');
    await page.locator('ol.queue-list a', { hasText: 'Amount mismatch' }).click();
    await page.waitForURL(/flag=/);
    const acted = await page.locator('.current-flag').getAttribute('data-flag');
    expect(await page.locator('#h-flag').innerText()).toContain('NW-1');
    // The page image with the total's box emphasised, claimed beside read values.
    await expect.poll(() => page.locator('.sheet img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
    expect(await page.locator('svg.boxes rect.box-amount.focus').count()).toBe(1);
    expect(await page.locator('table.compare tr.focus').innerText()).toContain('1,205.00 EUR');
    expect(await page.locator('table.compare tr.focus').innerText()).toContain('1,250.00 EUR');
    await shot(page, '10-review-amount-mismatch');
    await page.setViewportSize({ width: 400, height: 800 });
    await shot(page, '10b-review-400px');
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 8),
    );
    expect(wide, 'elements wider than a 400 px window').toEqual([]);
    await page.setViewportSize({ width: 1366, height: 768 });

    await page.keyboard.press('r');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('resolve-note');
    await page.keyboard.press('Escape');
    await page.keyboard.press('d');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('dismiss-note');
    await page.keyboard.press('Escape');
    await page.keyboard.press('e');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('fix-amount');
    await page.keyboard.type('1250.00');
    await page.keyboard.press('Enter');
    await page.waitForURL(/acted=/);
    const result = await page.locator('#result').innerText();
    expect(result).toContain('Amount mismatch is cleared');
    expect(result).toContain('NW-1 is now complete');
    // The next open flag is opened, and the settled one has left the queue.
    const opened = await page.locator('.current-flag').getAttribute('data-flag');
    expect(opened).toBeTruthy();
    expect(opened).not.toBe(acted);
    expect(await page.locator('ol.queue-list').innerText()).not.toContain('Amount mismatch');
    await shot(page, '11-review-after-correction');

    await page.goto('/claims/NW-1');
    expect(await page.locator('.summary').innerText()).toContain('Complete');
    expect(await page.locator('#h-audit').count()).toBe(1);
    expect(await page.locator('ol.audit').innerText()).toContain('extraction.correct');

    // The packet link of the page is the API's, opened by the dashboard session alone.
    const href = await page.locator('a[href$="packet.pdf"]').first().getAttribute('href');
    expect(href).toBe('/api/claims/NW-1/packet.pdf');
    const packet = await page.request.get(href!);
    expect(packet.status()).toBe(200);
    expect(packet.headers()['content-type']).toContain('application/pdf');
    expect((await packet.body()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a reviewer asks for more documentation; the submitter sees the request and uploads', async () => {
    const reviewer = await newPage();
    await signIn(reviewer, tokens.reviewer, '/claims/NW-1');
    await reviewer.getByLabel('Message to the partner (what to send)').fill('Please send the attendee list of the webinar.');
    await reviewer.getByRole('button', { name: 'Request more documentation' }).click();
    await reviewer.waitForURL('**/claims/NW-1');
    expect(await reviewer.locator('.flash.ok').innerText()).toContain('submitted → needs info');
    await shot(reviewer, '12-claim-needs-info-reviewer');

    const page = await newPage();
    await signIn(page, tokens.submitter, '/claims/NW-1');
    expect(await page.locator('.request').innerText()).toContain('Please send the attendee list of the webinar.');
    await page.locator('#files').setInputFiles([{ name: 'attendees.pdf', mimeType: 'application/pdf', buffer: Buffer.from(data.attendees) }]);
    await expect.poll(() => page.locator('table.documents tr[data-status="done"]').count(), { timeout: 30_000 }).toBe(4);
    await expect.poll(() => page.locator('#live-top').getAttribute('data-pending'), { timeout: 15_000 }).toBe('false');
    await shot(page, '13-claim-needs-info-submitter');
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.waitForURL('**/claims/NW-1');
    expect(await page.locator('.flash.ok').innerText()).toContain('needs info → submitted');
  });

  it('reports (CSV, PDF, charts) and the admin queue page render; sign-out kills the session cookie', async () => {
    const page = await newPage();
    await signIn(page, tokens.reviewer, '/reports');
    await page.getByRole('button', { name: 'Build a report now' }).click();
    await page.waitForURL('**/reports');
    expect(await page.locator('#chart-flags-title').innerText()).toContain('Open flags by code');
    expect(await page.locator('figure.chart svg rect.bar').count()).toBeGreaterThan(0);
    const csv = await page.request.get(await page.getByRole('link', { name: /^CSV of the report/ }).first().getAttribute('href') ?? '');
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('CT-1');
    const pdf = await page.request.get(await page.getByRole('link', { name: /^PDF of the report/ }).first().getAttribute('href') ?? '');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await shot(page, '14-reports');

    const admin = await newPage();
    await signIn(admin, tokens.admin, '/queues');
    expect(await admin.locator('table.counts').innerText()).toContain('ingest');
    // A file that cannot be read fails its ingest job for good: listed with its document, retryable.
    const csrf = await admin.locator('meta[name=csrf-token]').getAttribute('content');
    const upload = await admin.request.post('/claims/CT-1/upload', {
      headers: { 'X-CSRF-Token': csrf ?? '', Accept: 'application/json', Origin: server.url },
      multipart: { files: { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await makeCorruptPdf('truncated')) } },
    });
    expect(upload.status()).toBe(202);
    await expect
      .poll(async () => {
        await admin.reload();
        return admin.locator('table.failed').count();
      }, { timeout: 20_000 })
      .toBe(1);
    expect(await admin.locator('table.failed').innerText()).toContain('broken.pdf');
    await shot(admin, '15-queues');
    await admin.getByRole('button', { name: /^Retry job/ }).first().click();
    await admin.waitForURL('**/queues');
    expect(await admin.locator('.flash').innerText()).toMatch(/queued again|nothing to retry/);

    const cookies = await admin.context().cookies();
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.waitForURL('**/signin');
    // A copy of the old cookie no longer opens anything.
    const thief = await browser.newContext({ baseURL: server.url });
    contexts.push(thief);
    await thief.addCookies(cookies);
    const stolen = await thief.request.get('/queues', { maxRedirects: 0 });
    expect(stolen.status()).toBe(303);
    expect(stolen.headers()['location']).toContain('/signin');
  });

  it('no page broke its content security policy', () => {
    expect(cspErrors).toEqual([]);
  });

  it('no page moved under the reader as its data arrived (cumulative layout shift below 0.1)', () => {
    process.stdout.write(`layout shift per page: ${JSON.stringify(shifts)}\n`);
    for (const [name, cls] of Object.entries(shifts)) expect(cls, name).toBeLessThan(0.1);
  });
});
