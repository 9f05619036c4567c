// A claim: what is missing in plain words, each expense beside the document matched to it (and
// why), the documents with their reading status (refreshed live while any is being read), upload,
// flags, the workflow actions the role allows, and the history.
import type { AuditRecord, ClaimDetail, DocumentWithExtraction, ExpenseRecord } from '../../../db/queries.ts';
import { CLAIM_TRANSITIONS } from '../../../db/queries.ts';
import type { ClaimStatus } from '../../../pipeline/enums.ts';
import { sumByCurrency } from '../../../pipeline/money.ts';
import { can, canMoveTo } from '../../../services/access.ts';
import type { MissingItem } from '../../../services/reports/missing.ts';
import type { Session } from '../../../services/sessions.ts';
import { Badge, Day, Deadline, FlagCodeTag, Head, Money, Stamp, plural, statusName, who } from '../format.tsx';
import { Csrf, Layout } from '../layout.tsx';

export interface ClaimView {
  claim: ClaimDetail;
  today: string;
  missing: MissingItem[];
  /** Review-level items (not blocking), for the partner's information. */
  notes: MissingItem[];
  /** Document id → a readable name of the document it duplicates, when the actor may see it. */
  duplicateNames: Map<string, string>;
}

const MOVE_LABELS: Record<ClaimStatus, string> = {
  draft: 'Back to draft',
  submitted: 'Submit for review',
  needs_info: 'Request more documentation',
  approved: 'Approve',
  rejected: 'Reject',
};

/** Whether documents are still being read or the checks have not run since the last change. */
export function isPending(claim: ClaimDetail): boolean {
  const checked = claim.checkedAt;
  if (checked === null) return true;
  // A document read after the last check is waiting for its claim's re-check.
  return claim.documents.some((d) => d.status === 'queued' || d.status === 'processing' || d.updatedAt > checked);
}

function kindName(kind: string | null | undefined): string {
  return kind === 'csr' ? 'CSR' : kind === 'poe' ? 'Proof of execution' : kind === 'invoice' ? 'Invoice' : kind === 'other' ? 'Other' : '—';
}

function ReadValues({ doc }: { doc: DocumentWithExtraction }) {
  const f = doc.extraction?.fields;
  if (!f) return <span class="muted">{doc.status === 'failed' ? doc.errorMessage ?? 'could not be read' : 'not read yet'}</span>;
  return (
    <dl class="read">
      <dt>Vendor</dt>
      <dd>{f.vendor?.value ?? <span class="muted">—</span>}</dd>
      <dt>Total</dt>
      <dd>
        <Money minor={f.amount?.value ?? null} currency={f.currency?.value ?? null} />
      </dd>
      <dt>Date</dt>
      <dd>
        <Day iso={f.date?.value ?? null} />
      </dd>
      <dt>Number</dt>
      <dd>{f.invoiceNumber?.value ?? <span class="muted">—</span>}</dd>
    </dl>
  );
}

function ExpenseRow({ e, view, session }: { e: ExpenseRecord; view: ClaimView; session: Session }) {
  const { claim } = view;
  const match = claim.matches.find((m) => m.expenseRef === e.id);
  const doc = match ? claim.documents.find((d) => d.id === match.documentId) : undefined;
  const flags = claim.flags.filter((f) => f.status === 'open' && f.expenseRef === e.id);
  const reviewer = can(session.actor, 'flag.decide');
  return (
    <tr>
      <th scope="row">
        {e.expenseId}
        <div class="sub">{e.type === 'in_house' ? 'In-house (CSR)' : 'Third party (invoice)'}</div>
      </th>
      <td data-label="Claimed">
        <dl class="read">
          <dt>Vendor</dt>
          <dd>{e.vendor}</dd>
          <dt>Amount</dt>
          <dd>
            <Money minor={e.amountMinor} currency={e.currency} />
          </dd>
          <dt>Date</dt>
          <dd>
            <Day iso={e.date} />
          </dd>
        </dl>
        {e.description && <div class="sub">{e.description}</div>}
      </td>
      <td data-label="Matched document">
        {doc ? (
          <>
            <a href={`/documents/${doc.id}/file`}>{doc.fileName}</a> <span class="sub">({kindName(doc.extraction?.kind ?? doc.kind)})</span>
            <ReadValues doc={doc} />
          </>
        ) : (
          <span class="bad">No document matched</span>
        )}
      </td>
      <td data-label="Why">
        {match ? (
          <ul class="reasons">
            {match.reasons.map((r) => (
              <li>{r}</li>
            ))}
          </ul>
        ) : (
          <span class="muted">—</span>
        )}
        {flags.map((f) => (
          <div class="flagline">
            <FlagCodeTag code={f.code} severity={f.severity} />
            {reviewer && (
              <>
                {' '}
                <a href={`/review?flag=${f.id}`}>review</a>
              </>
            )}
          </div>
        ))}
      </td>
    </tr>
  );
}

/** Summary and what is missing: the top of the part that refreshes while documents are read. */
function LiveTop({ view }: { view: ClaimView }) {
  const { claim } = view;
  const pending = isPending(claim);
  return (
    <div id="live-top" data-live="" data-live-url={`/claims/${encodeURIComponent(claim.claimId)}/live`} data-pending={pending ? 'true' : 'false'}>
      <div class="summary">
        <Badge value={claim.status} />
        <Badge value={claim.completeness} />
        <span class={pending ? 'checking' : 'checked'} role="status">
          {pending ? 'Reading documents and checking…' : claim.checkedAt ? <>Checked <Stamp at={claim.checkedAt} /></> : ''}
        </span>
      </div>

      <section aria-labelledby="h-missing" class="card">
        <h2 id="h-missing">What is missing</h2>
        {view.missing.length === 0 ? (
          <p class="good">{claim.completeness === 'complete' ? 'Nothing: the evidence is complete.' : pending ? 'The checks are still running.' : 'Nothing blocking.'}</p>
        ) : (
          <ul class="missing">
            {view.missing.map((m) => (
              <li data-code={m.code}>{m.text}</li>
            ))}
          </ul>
        )}
        {view.notes.length > 0 && (
          <>
            <h3>Being reviewed</h3>
            <ul class="notes">
              {view.notes.map((m) => (
                <li data-code={m.code}>{m.text}</li>
              ))}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}

/** Expenses with their evidence, the documents and the open flags. */
function LiveRest({ view, session }: { view: ClaimView; session: Session }) {
  const { claim } = view;
  const openFlags = claim.flags.filter((f) => f.status === 'open');
  const reviewer = can(session.actor, 'flag.decide');
  return (
    <div id="live-rest" data-live="">
      <section aria-labelledby="h-expenses" class="card">
        <h2 id="h-expenses">Expenses and their evidence</h2>
        <div class="table-wrap">
          <table class="expenses">
            <Head cols={['Expense', 'Claimed', 'Matched document', 'Why it matched · flags']} />
            <tbody>
              {claim.expenses.map((e) => (
                <ExpenseRow e={e} view={view} session={session} />
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="h-docs" class="card">
        <h2 id="h-docs">Documents ({claim.documents.length})</h2>
        {claim.documents.length === 0 ? (
          <p class="muted">No evidence uploaded yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="documents">
              <Head cols={['File', 'Status', 'Kind', 'Read', 'Uploaded']} />
              <tbody>
                {claim.documents.map((d) => (
                  <tr data-document={d.id} data-status={d.status}>
                    <th scope="row">
                      <a href={`/documents/${d.id}/file`}>{d.fileName}</a>
                      {view.duplicateNames.get(d.id) && <div class="sub warn">Same file as {view.duplicateNames.get(d.id)}</div>}
                    </th>
                    <td data-label="Status">
                      <Badge value={d.status} />
                      {d.status === 'failed' && d.errorMessage && <div class="sub bad">{d.errorMessage}</div>}
                    </td>
                    <td data-label="Kind">{kindName(d.extraction?.kind ?? d.kind)}</td>
                    <td data-label="Read">
                      <ReadValues doc={d} />
                    </td>
                    <td data-label="Uploaded">
                      <Stamp at={d.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="h-flags" class="card">
        <h2 id="h-flags">Open flags ({openFlags.length})</h2>
        {openFlags.length === 0 ? (
          <p class="muted">No open flags.</p>
        ) : (
          <ul class="flags">
            {openFlags.map((f) => (
              <li>
                <FlagCodeTag code={f.code} severity={f.severity} />
                {f.expenseId && <span class="sub"> {f.expenseId}</span>}
                {f.file && <span class="sub"> · {f.file}</span>}
                <div>{f.message}</div>
                {reviewer && <a href={`/review?flag=${f.id}`}>Review this flag</a>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** The parts of the page that refresh themselves while documents are read (live.js swaps them by id). */
export function ClaimLive({ view, session }: { view: ClaimView; session: Session }) {
  return (
    <>
      <LiveTop view={view} />
      <LiveRest view={view} session={session} />
    </>
  );
}

function StatusActions({ claim, session }: { claim: ClaimDetail; session: Session }) {
  const moves = CLAIM_TRANSITIONS[claim.status].filter((to) => canMoveTo(session.actor, to));
  if (moves.length === 0) return null;
  const action = `/claims/${encodeURIComponent(claim.claimId)}/status`;
  return (
    <section aria-labelledby="h-actions" class="card">
      <h2 id="h-actions">Actions</h2>
      <div class="moves">
        {moves.map((to) => (
          <form method="post" action={action} class={`move move-${to}`}>
            <Csrf session={session} />
            <input type="hidden" name="status" value={to} />
            <label for={`note-${to}`}>{to === 'needs_info' ? 'Message to the partner (what to send)' : 'Note (optional)'}</label>
            <textarea id={`note-${to}`} name="note" rows={to === 'needs_info' ? 3 : 1} required={to === 'needs_info'} maxlength={2000}></textarea>
            <button type="submit" class={to === 'rejected' ? 'danger' : undefined}>
              {MOVE_LABELS[to]}
            </button>
          </form>
        ))}
      </div>
    </section>
  );
}

function Upload({ claim, session }: { claim: ClaimDetail; session: Session }) {
  if (!can(session.actor, 'document.upload') || claim.status === 'approved' || claim.status === 'rejected') return null;
  return (
    <section aria-labelledby="h-upload" class="card">
      <h2 id="h-upload">Upload evidence</h2>
      <form
        id="upload"
        method="post"
        enctype="multipart/form-data"
        action={`/claims/${encodeURIComponent(claim.claimId)}/upload`}
        class="dropzone"
      >
        <Csrf session={session} />
        <label for="files">Invoices, CSRs, proof of execution (PDF, PNG, JPEG, TIFF, WebP) or a ZIP of them</label>
        <input id="files" type="file" name="files" multiple accept=".pdf,.png,.jpg,.jpeg,.tif,.tiff,.webp,.zip,application/pdf,image/*,application/zip" />
        <p class="hint">…or drop files here.</p>
        <button type="submit">Upload</button>
      </form>
      <ol id="upload-results" class="uploads" aria-live="polite"></ol>
    </section>
  );
}

export function ClaimPage({ view, session, audit, flash }: { view: ClaimView; session: Session; audit: AuditRecord[] | null; flash?: { kind: 'ok' | 'error'; message: string } | null }) {
  const { claim, today } = view;
  const settled = claim.status === 'approved' || claim.status === 'rejected';
  const request = claim.status === 'needs_info' ? [...claim.history].reverse().find((h) => h.toStatus === 'needs_info') : undefined;
  const totals = sumByCurrency(claim.expenses);
  return (
    <Layout title={`Claim ${claim.claimId}`} session={session} section="claims" scripts={['live.js', 'upload.js']} flash={flash ?? null}>
      <p class="crumbs">
        <a href="/claims">Claims</a> ›
      </p>
      <h1>
        Claim {claim.claimId} <span class="sub">{claim.activity}</span>
      </h1>
      <dl class="facts">
        <div>
          <dt>Partner</dt>
          <dd>{claim.partner}</dd>
        </div>
        <div>
          <dt>Programme</dt>
          <dd>{claim.program}</dd>
        </div>
        <div>
          <dt>Usage period</dt>
          <dd>
            <Day iso={claim.usageStart} /> – <Day iso={claim.usageEnd} />
          </dd>
        </div>
        <div>
          <dt>Deadline</dt>
          <dd>
            <Deadline deadline={claim.deadline} today={today} settled={settled} />
          </dd>
        </div>
        <div>
          <dt>Amount claimed</dt>
          <dd>
            {totals.length === 0 ? (
              <Money minor={0} currency={claim.currency} />
            ) : (
              // Amounts in different currencies are never added: each currency's sum, side by side.
              totals.map((t, i) => (
                <>
                  {i > 0 ? ' + ' : ''}
                  <Money minor={t.minor} currency={t.currency} />
                </>
              ))
            )}
          </dd>
        </div>
        <div>
          <dt>Packet</dt>
          <dd>
            <a href={`/api/claims/${encodeURIComponent(claim.claimId)}/packet.pdf`} download>
              Download the claim packet (PDF)
            </a>
          </dd>
        </div>
      </dl>
      {request && (
        <section class="request" role="note" aria-labelledby="h-request">
          <h2 id="h-request">The programme asked for more documentation</h2>
          <p class="request-note">{request.note}</p>
          <p class="sub">
            {who(request.actor)} · <Stamp at={request.at} />
          </p>
          {session.actor.role === 'submitter' && <p>Upload what was asked for below, then submit the claim again.</p>}
        </section>
      )}
      <div class="claim-grid">
        <div class="claim-main">
          <LiveTop view={view} />
          <Upload claim={claim} session={session} />
          <LiveRest view={view} session={session} />
        </div>
        <div class="claim-side">
          <StatusActions claim={claim} session={session} />
          <section aria-labelledby="h-history" class="card">
            <h2 id="h-history">Status history</h2>
            <ol class="history">
              {claim.history.map((h) => (
                <li>
                  <strong>{h.fromStatus ? `${statusName(h.fromStatus)} → ${statusName(h.toStatus)}` : `Created as ${statusName(h.toStatus)}`}</strong>
                  <div class="sub">
                    {who(h.actor)} · <Stamp at={h.at} />
                  </div>
                  {h.note && <div class="note">{h.note}</div>}
                </li>
              ))}
            </ol>
          </section>
          {audit && (
            <section aria-labelledby="h-audit" class="card">
              <h2 id="h-audit">Audit trail ({plural(audit.length, 'entry', 'entries')})</h2>
              <ol class="audit">
                {audit.map((a) => (
                  <li>
                    <code>{a.action}</code> <span class="sub">{who(a.actor)}</span>
                    <div class="sub">
                      <Stamp at={a.at} />
                      {a.after !== null && a.after !== undefined && <> · {JSON.stringify(a.after).slice(0, 160)}</>}
                    </div>
                    {a.note && <div class="note">{a.note}</div>}
                  </li>
                ))}
              </ol>
            </section>
          )}
        </div>
      </div>
    </Layout>
  );
}
