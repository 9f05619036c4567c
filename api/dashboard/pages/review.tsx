// The review queue: open flags, the claim due soonest first. For the flag in view, the document
// page with boxes where vendor, total, date and number were read (the one in question
// emphasised), the claimed values beside the read ones, the match reasons, and the actions.
import type { ClaimDetail, DocumentWithExtraction, ExpenseRecord, FlagRecord, MatchRecord, ReviewFlag } from '../../../db/queries.ts';
import { FLAG_CODES, type FlagCode } from '../../../pipeline/enums.ts';
import { minorToDecimalText } from '../../../pipeline/money.ts';
import type { Box, ExtractedFields } from '../../../pipeline/types.ts';
import type { Session } from '../../../services/sessions.ts';
import { Badge, Day, Deadline, FlagCodeTag, Money, flagName, plural } from '../format.tsx';
import { Csrf, Layout } from '../layout.tsx';

type ReadField = 'vendor' | 'amount' | 'currency' | 'date' | 'invoiceNumber';

/** The field a flag is about, emphasised on the page and focused by the edit shortcut. */
export const FIELD_OF: Partial<Record<FlagCode, ReadField>> = {
  AMOUNT_MISMATCH: 'amount',
  CURRENCY_MISMATCH: 'currency',
  DATE_OUTSIDE_PERIOD: 'date',
  VENDOR_MISMATCH: 'vendor',
  DUPLICATE_DOCUMENT: 'invoiceNumber',
};

const FIELD_LABELS: Record<ReadField, string> = { vendor: 'Vendor', amount: 'Total', currency: 'Currency', date: 'Date', invoiceNumber: 'Invoice number' };
const BOXED: ReadField[] = ['vendor', 'amount', 'date', 'invoiceNumber'];

export interface ReviewItem {
  flag: FlagRecord;
  claim: ClaimDetail;
  expense: ExpenseRecord | null;
  document: DocumentWithExtraction | null;
  match: MatchRecord | null;
}

export interface ReviewResult {
  act: 'resolve' | 'dismiss' | 'correct';
  flagCode: string;
  /** The flag is no longer open after the act and the re-check. */
  cleared: boolean;
  claimId: string;
  complete: boolean;
  openBlocking: number;
}

export interface ReviewPageProps {
  session: Session;
  flags: ReviewFlag[];
  total: number;
  code: FlagCode | null;
  item: ReviewItem | null;
  prev: string | null;
  next: string | null;
  today: string;
  result: ReviewResult | null;
  error?: string | null;
}

/** The keys review.js handles, as listed on the page. */
const SHORTCUTS: Array<[string, string]> = [
  ['j', 'next flag'],
  ['k', 'previous flag'],
  ['e', 'edit the value in question'],
  ['r', 'resolve (type a note, Enter)'],
  ['d', 'dismiss (type why, Enter)'],
  ['Esc', 'leave a field'],
];

function qs(code: FlagCode | null, flag?: string | null): string {
  const p = new URLSearchParams();
  if (code) p.set('code', code);
  if (flag) p.set('flag', flag);
  const s = p.toString();
  return s ? `/review?${s}` : '/review';
}

/** The page to show: the emphasised field's page, else the first page anything was read on. */
export function previewPage(fields: ExtractedFields | null | undefined, focus: ReadField | null): number {
  if (!fields) return 1;
  const f = focus ? fields[focus] : null;
  if (f?.page) return f.page;
  for (const name of BOXED) if (fields[name]?.page) return fields[name]!.page!;
  return 1;
}

function Rect({ box, cls, label }: { box: Box; cls: string; label: string }) {
  // Boxes are fractions of the page; a little padding keeps the outline off the glyphs.
  const pad = 0.004;
  return (
    <rect class={cls} x={(box.x - pad) * 100} y={(box.y - pad) * 100} width={(box.w + 2 * pad) * 100} height={(box.h + 2 * pad) * 100} vector-effect="non-scaling-stroke">
      <title>{label}</title>
    </rect>
  );
}

function PageView({ doc, focus }: { doc: DocumentWithExtraction; focus: ReadField | null }) {
  const fields = doc.extraction?.fields;
  const page = previewPage(fields, focus);
  const boxes = BOXED.flatMap((name) => {
    const f = fields?.[name];
    return f && f.box && f.page === page ? [{ name, box: f.box }] : [];
  });
  const pages = doc.pageCount ?? 1;
  return (
    <figure class="page-view">
      <div class="viewer">
        <div class="sheet">
          <img src={`/documents/${doc.id}/pages/${page}`} alt={`Page ${page} of ${doc.fileName}`} />
          <svg class="boxes" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
            {boxes.map((b) => (
              <Rect box={b.box} cls={`box box-${b.name}${b.name === focus ? ' focus' : ''}`} label={FIELD_LABELS[b.name]} />
            ))}
          </svg>
        </div>
      </div>
      <figcaption>
        <a href={`/documents/${doc.id}/file`}>{doc.fileName}</a> · page {page} of {pages}
        <span class="legend">
          {boxes.map((b) => (
            <span class={`key key-${b.name}${b.name === focus ? ' focus' : ''}`}>{FIELD_LABELS[b.name]}</span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}

/** A flag about missing evidence: what was claimed, and the claim's documents to look through. */
function NoDocument({ item }: { item: ReviewItem }) {
  const e = item.expense;
  const docs = item.claim.documents;
  return (
    <div class="card no-document">
      <h3>No document is matched{e ? ` to ${e.expenseId}` : ''}</h3>
      {e && (
        <p>
          Claimed: {e.vendor}, <Money minor={e.amountMinor} currency={e.currency} />, <Day iso={e.date} /> ({e.type === 'in_house' ? 'needs a CSR' : 'needs an invoice'})
        </p>
      )}
      {docs.length === 0 ? (
        <p class="muted">The claim has no documents yet.</p>
      ) : (
        <>
          <p>The claim's documents:</p>
          <ul>
            {docs.map((d) => (
              <li>
                <a href={`/documents/${d.id}/file`}>{d.fileName}</a> <span class="sub">{d.extraction?.kind ?? d.status}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Compare({ item, focus }: { item: ReviewItem; focus: ReadField | null }) {
  const e = item.expense;
  const f = item.document?.extraction?.fields;
  const corrected = item.document?.extraction?.correctedFields ?? {};
  const docCurrency = f?.currency?.value ?? e?.currency ?? null;
  const rows: Array<{ name: ReadField; claimed: unknown; read: unknown; differs: boolean }> = [
    { name: 'vendor', claimed: e?.vendor ?? null, read: f?.vendor?.value ?? null, differs: false },
    { name: 'amount', claimed: e ? <Money minor={e.amountMinor} currency={e.currency} /> : null, read: f?.amount ? <Money minor={f.amount.value} currency={docCurrency} /> : null, differs: !!e && !!f?.amount && f.amount.value !== e.amountMinor },
    { name: 'currency', claimed: e?.currency ?? null, read: f?.currency?.value ?? null, differs: !!e && !!f?.currency && f.currency.value !== e.currency },
    { name: 'date', claimed: e ? <Day iso={e.date} /> : null, read: f?.date ? <Day iso={f.date.value} /> : null, differs: false },
    { name: 'invoiceNumber', claimed: null, read: f?.invoiceNumber?.value ?? null, differs: false },
  ];
  return (
    <table class="compare">
      <caption>Claimed and read values</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Claimed{e ? ` (${e.expenseId})` : ''}</th>
          <th scope="col">Read from the document</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const field = f?.[r.name];
          return (
            <tr class={`${r.name === focus ? 'focus' : ''}${r.differs ? ' differs' : ''}`}>
              <th scope="row">{FIELD_LABELS[r.name]}</th>
              <td>{r.claimed ?? <span class="muted">—</span>}</td>
              <td>
                {r.read ?? <span class="muted">not read</span>}
                {field && <div class="sub">{corrected[r.name] ? 'corrected by a reviewer' : `confidence ${Math.round(field.confidence * 100)} %`}</div>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Actions({ item, session, code, focus }: { item: ReviewItem; session: Session; code: FlagCode | null; focus: ReadField | null }) {
  const { flag, document: doc } = item;
  const f = doc?.extraction?.fields;
  const ret = <input type="hidden" name="code" value={code ?? ''} />;
  const currency = f?.currency?.value ?? item.expense?.currency ?? null;
  const inputs: Record<ReadField, { type: string; value: string; extra?: Record<string, string> }> = {
    vendor: { type: 'text', value: f?.vendor?.value ?? '' },
    amount: { type: 'text', value: f?.amount ? minorToDecimalText(f.amount.value, currency) : '', extra: { inputmode: 'decimal', pattern: '-?[0-9]+([.,][0-9]+)?' } },
    currency: { type: 'text', value: f?.currency?.value ?? '', extra: { pattern: '[A-Za-z]{3}', maxlength: '3' } },
    date: { type: 'date', value: f?.date?.value ?? '' },
    invoiceNumber: { type: 'text', value: f?.invoiceNumber?.value ?? '' },
  };
  const order: ReadField[] = focus ? [focus, ...(['vendor', 'amount', 'currency', 'date', 'invoiceNumber'] as ReadField[]).filter((n) => n !== focus)] : ['vendor', 'amount', 'currency', 'date', 'invoiceNumber'];
  return (
    <div class="review-actions">
      {doc && (
        <form method="post" action={`/review/documents/${doc.id}/correct`} class="correct card" id="correct-form">
          <h3>Correct a value</h3>
          <Csrf session={session} />
          {ret}
          <input type="hidden" name="flag" value={flag.id} />
          <div class="grid2">
            {order.map((name) => (
              <div class={`field${name === focus ? ' focus' : ''}`}>
                <label for={`fix-${name}`}>
                  {FIELD_LABELS[name]}
                  {name === 'amount' && currency ? ` (${currency})` : ''}
                </label>
                <input id={`fix-${name}`} name={name} type={inputs[name].type} value={inputs[name].value} data-original={inputs[name].value} data-edit={name === (focus ?? 'amount') ? 'true' : undefined} {...(inputs[name].extra ?? {})} />
              </div>
            ))}
          </div>
          <div class="field">
            <label for="fix-note">Note</label>
            <input id="fix-note" name="note" type="text" maxlength={2000} />
          </div>
          <button type="submit">Save correction and re-check</button>
        </form>
      )}
      <form method="post" action={`/review/flags/${flag.id}/resolve`} class="decide card">
        <Csrf session={session} />
        {ret}
        <label for="resolve-note">Resolve: note (what fixed it)</label>
        <input id="resolve-note" name="note" type="text" maxlength={2000} />
        <button type="submit">Resolve</button>
      </form>
      <form method="post" action={`/review/flags/${flag.id}/dismiss`} class="decide card">
        <Csrf session={session} />
        {ret}
        <label for="dismiss-note">Dismiss: why the gap is accepted{flag.severity === 'blocking' ? ' (required)' : ''}</label>
        <input id="dismiss-note" name="note" type="text" maxlength={2000} required={flag.severity === 'blocking'} />
        <button type="submit" class="secondary">
          Dismiss
        </button>
      </form>
    </div>
  );
}

function ResultBanner({ result }: { result: ReviewResult }) {
  const what = result.act === 'correct' ? 'Correction saved' : result.act === 'resolve' ? 'Flag resolved' : 'Flag dismissed';
  return (
    <div class={`flash ${result.complete ? 'ok' : 'info'}`} role="status" id="result">
      <strong>{what}; the checks re-ran.</strong> {flagName(result.flagCode)} {result.cleared ? 'is cleared' : 'is still open'}. Claim{' '}
      <a href={`/claims/${encodeURIComponent(result.claimId)}`}>{result.claimId}</a>{' '}
      {result.complete ? 'is now complete.' : `still has ${plural(result.openBlocking, 'open blocking flag')}.`}
    </div>
  );
}

export function ReviewPage(props: ReviewPageProps) {
  const { session, flags, item, code, today } = props;
  const focus = item ? (FIELD_OF[item.flag.code] ?? null) : null;
  return (
    <Layout title="Review queue" session={session} section="review" scripts={['review.js']}>
      <h1>Review queue</h1>
      {props.result && <ResultBanner result={props.result} />}
      {props.error && (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      )}
      <div class="review-grid">
        <aside class="queue" aria-labelledby="h-queue">
          <h2 id="h-queue">{plural(props.total, 'open flag')}</h2>
          <form method="get" action="/review" class="inline">
            <label for="f-code">Code</label>
            <select id="f-code" name="code">
              <option value="">All codes</option>
              {FLAG_CODES.map((c) => (
                <option value={c} selected={code === c}>
                  {flagName(c)}
                </option>
              ))}
            </select>
            <button type="submit">Filter</button>
          </form>
          <ol class="queue-list">
            {flags.map((f) => (
              <li class={item?.flag.id === f.id ? 'current' : undefined}>
                <a href={qs(code, f.id)} aria-current={item?.flag.id === f.id ? 'true' : undefined}>
                  <FlagCodeTag code={f.code} severity={f.severity} />
                  <span class="sub">
                    {f.claimId}
                    {f.expenseId ? ` · ${f.expenseId}` : ''} · due <Day iso={f.deadline} />
                  </span>
                </a>
              </li>
            ))}
          </ol>
          {props.total > flags.length && <p class="sub">The first {flags.length} are listed.</p>}
          <section class="shortcuts" aria-labelledby="h-keys">
            <h3 id="h-keys">Keyboard shortcuts</h3>
            <dl>
              {SHORTCUTS.map(([key, what]) => (
                <div>
                  <dt>
                    <kbd>{key}</kbd>
                  </dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
          </section>
        </aside>
        {item ? (
          <section class="current-flag" aria-labelledby="h-flag" data-flag={item.flag.id}>
            <div class="flag-head">
              <h2 id="h-flag">
                <FlagCodeTag code={item.flag.code} severity={item.flag.severity} /> <a href={`/claims/${encodeURIComponent(item.claim.claimId)}`}>{item.claim.claimId}</a>
                {item.expense ? ` · ${item.expense.expenseId}` : ''}
              </h2>
              <nav class="prevnext" aria-label="Flags">
                {props.prev ? (
                  <a id="prev-flag" href={qs(code, props.prev)}>
                    ← Previous (k)
                  </a>
                ) : (
                  <span class="muted">← Previous</span>
                )}
                {props.next ? (
                  <a id="next-flag" href={qs(code, props.next)}>
                    Next (j) →
                  </a>
                ) : (
                  <span class="muted">Next →</span>
                )}
              </nav>
            </div>
            <p class="message">{item.flag.message}</p>
            <p class="sub">
              {item.claim.partner} · {item.claim.program} · <Badge value={item.claim.status} /> · deadline{' '}
              <Deadline deadline={item.claim.deadline} today={today} settled={false} inline />
            </p>
            <div class="flag-body">
              <div class="flag-doc">{item.document ? <PageView doc={item.document} focus={focus} /> : <NoDocument item={item} />}</div>
              <div class="flag-side">
                {item.document && <Compare item={item} focus={focus} />}
                {item.match && (
                  <div class="card">
                    <h3>Why the document was matched</h3>
                    <ul class="reasons">
                      {item.match.reasons.map((r) => (
                        <li>{r}</li>
                      ))}
                    </ul>
                  </div>
                )}
                <Actions item={item} session={session} code={code} focus={focus} />
              </div>
            </div>
          </section>
        ) : (
          <section class="current-flag empty">
            {props.total > 0 ? (
              <p>Pick a flag from the list.</p>
            ) : code ? (
              <p>
                No open {flagName(code)} flags. <a href="/review">Show every code</a>
              </p>
            ) : (
              <p>No open flags: the queue is empty.</p>
            )}
          </section>
        )}
      </div>
    </Layout>
  );
}
