// The claims list: every claim the actor may see, filtered, searched, sorted and paginated on the
// server (the page holds one page of rows, however many claims there are).
import { CLAIM_SORTS, type ClaimSort, type ClaimSummary, type ListClaimsFilter } from '../../../db/queries.ts';
import { CLAIM_STATUSES, COMPLETENESS, isOneOf, type ClaimStatus, type Completeness } from '../../../pipeline/enums.ts';
import { isIsoDate } from '../../../pipeline/dates.ts';
import type { Session } from '../../../services/sessions.ts';
import { Badge, Deadline, Money, Select, plural, statusName } from '../format.tsx';
import { Layout } from '../layout.tsx';

export const PAGE_SIZE = 50;

export interface ClaimsQuery {
  status?: ClaimStatus;
  completeness?: Completeness;
  partner?: string;
  program?: string;
  deadlineBefore?: string;
  q?: string;
  sort: ClaimSort;
  dir: 'asc' | 'desc';
  page: number;
}

/** The list's query string read leniently: an unknown value is ignored, not an error page. */
export function parseClaimsQuery(params: Record<string, string | undefined>): ClaimsQuery {
  const page = Math.max(1, Math.min(100_000, Number.parseInt(params['page'] ?? '1', 10) || 1));
  const q: ClaimsQuery = {
    sort: isOneOf(CLAIM_SORTS, params['sort']) ? params['sort'] : 'deadline',
    dir: params['dir'] === 'desc' ? 'desc' : 'asc',
    page,
  };
  if (isOneOf(CLAIM_STATUSES, params['status'])) q.status = params['status'];
  if (isOneOf(COMPLETENESS, params['completeness'])) q.completeness = params['completeness'];
  if (params['partner']) q.partner = params['partner'].slice(0, 200);
  if (params['program']) q.program = params['program'].slice(0, 200);
  if (params['deadlineBefore'] && isIsoDate(params['deadlineBefore'])) q.deadlineBefore = params['deadlineBefore'];
  if (params['q']?.trim()) q.q = params['q'].trim().slice(0, 200);
  return q;
}

export function toFilter(q: ClaimsQuery): ListClaimsFilter {
  const f: ListClaimsFilter = { sort: q.sort, direction: q.dir, limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE };
  if (q.status) f.status = q.status;
  if (q.completeness) f.completeness = q.completeness;
  if (q.partner) f.partner = q.partner;
  if (q.program) f.program = q.program;
  if (q.deadlineBefore) f.deadlineBefore = q.deadlineBefore;
  if (q.q) f.search = q.q;
  return f;
}

function href(q: ClaimsQuery, change: Partial<ClaimsQuery>): string {
  const next = { ...q, ...change };
  const p = new URLSearchParams();
  for (const key of ['status', 'completeness', 'partner', 'program', 'deadlineBefore', 'q'] as const) {
    const v = next[key];
    if (v) p.set(key, v);
  }
  if (next.sort !== 'deadline') p.set('sort', next.sort);
  if (next.dir !== 'asc') p.set('dir', next.dir);
  if (next.page > 1) p.set('page', String(next.page));
  const s = p.toString();
  return s ? `/claims?${s}` : '/claims';
}

const SORT_LABELS: Record<ClaimSort, string> = {
  deadline: 'Deadline',
  claimId: 'Claim',
  partner: 'Partner',
  program: 'Programme',
  status: 'Status',
  completeness: 'Completeness',
  amount: 'Amount claimed',
};

function SortHeader({ q, sort, label, numeric }: { q: ClaimsQuery; sort: ClaimSort; label: string; numeric?: boolean }) {
  const active = q.sort === sort;
  const dir = active && q.dir === 'asc' ? 'desc' : 'asc';
  return (
    <th scope="col" class={numeric ? 'num' : undefined} aria-sort={active ? (q.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={href(q, { sort, dir, page: 1 })}>
        {label}
        <span class="sort-mark" aria-hidden="true">
          {active ? (q.dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </span>
      </a>
    </th>
  );
}

export interface ClaimsPageProps {
  session: Session;
  query: ClaimsQuery;
  rows: ClaimSummary[];
  total: number;
  today: string;
  facets: { partners: string[]; programs: string[] };
  flash?: { kind: 'ok' | 'error'; message: string } | null;
}

export function ClaimsPage(props: ClaimsPageProps) {
  const { query: q, rows, total, today, session } = props;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const submitter = session.actor.role === 'submitter';
  const first = total === 0 ? 0 : (q.page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, q.page * PAGE_SIZE);
  return (
    <Layout title="Claims" session={session} section="claims" flash={props.flash ?? null}>
      <h1>Claims{submitter ? ` of ${session.actor.partner}` : ''}</h1>
      <form class="filters" method="get" action="/claims" role="search" aria-label="Filter claims">
        <div class="field grow">
          <label for="f-q">Search</label>
          <input id="f-q" type="search" name="q" value={q.q ?? ''} placeholder="Claim id, partner, programme, activity" />
        </div>
        <Select id="f-status" name="status" label="Status" any="Any" options={CLAIM_STATUSES.map((v) => [v, statusName(v)])} selected={q.status} />
        <Select id="f-completeness" name="completeness" label="Completeness" any="Any" options={COMPLETENESS.map((v) => [v, statusName(v)])} selected={q.completeness} />
        {!submitter && <Select id="f-partner" name="partner" label="Partner" any="Any" options={props.facets.partners} selected={q.partner} />}
        <Select id="f-program" name="program" label="Programme" any="Any" options={props.facets.programs} selected={q.program} />
        <div class="field">
          <label for="f-deadline">Deadline before</label>
          <input id="f-deadline" type="date" name="deadlineBefore" value={q.deadlineBefore ?? ''} />
        </div>
        <Select id="f-sort" name="sort" label="Sort by" options={CLAIM_SORTS.map((v) => [v, SORT_LABELS[v]])} selected={q.sort} />
        <Select id="f-dir" name="dir" label="Order" options={[['asc', 'Ascending'], ['desc', 'Descending']]} selected={q.dir} />
        <div class="field actions">
          <button type="submit">Apply</button>
          <a class="button secondary" href="/claims">
            Clear
          </a>
        </div>
      </form>
      <p class="count" role="status">
        {total === 0 ? 'No claims match.' : `Showing ${first.toLocaleString('en-GB')}–${last.toLocaleString('en-GB')} of ${plural(total, 'claim')}`}
      </p>
      <div class="table-wrap">
        <table class="claims">
          <caption class="visually-hidden">Claims, {SORT_LABELS[q.sort]} {q.dir === 'asc' ? 'ascending' : 'descending'}</caption>
          <thead>
            <tr>
              <SortHeader q={q} sort="claimId" label="Claim" />
              <SortHeader q={q} sort="partner" label="Partner" />
              <SortHeader q={q} sort="program" label="Programme" />
              <SortHeader q={q} sort="amount" label="Amount claimed" numeric />
              <th scope="col" class="num">
                Evidence
              </th>
              <SortHeader q={q} sort="completeness" label="Completeness" />
              <th scope="col" class="num">
                Blocking flags
              </th>
              <SortHeader q={q} sort="status" label="Status" />
              <SortHeader q={q} sort="deadline" label="Deadline" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th scope="row">
                  <a href={`/claims/${encodeURIComponent(r.claimId)}`}>{r.claimId}</a>
                  <div class="sub">{r.activity}</div>
                </th>
                <td data-label="Partner">{r.partner}</td>
                <td data-label="Programme">{r.program}</td>
                <td data-label="Amount claimed" class="num">
                  {r.totalMinor === null ? <span class="muted" title="The expenses are in more than one currency">mixed currencies</span> : <Money minor={r.totalMinor} currency={r.currency} />}
                </td>
                <td data-label="Evidence" class="num">
                  {r.documentCount}
                </td>
                <td data-label="Completeness">
                  <Badge value={r.checkedAt === null && r.completeness === 'incomplete' ? 'incomplete' : r.completeness} />
                </td>
                <td data-label="Blocking flags" class="num">
                  {r.openBlockingCount > 0 ? <strong class="bad">{r.openBlockingCount}</strong> : <span class="muted">0</span>}
                </td>
                <td data-label="Status">
                  <Badge value={r.status} />
                </td>
                <td data-label="Deadline">
                  <Deadline deadline={r.deadline} today={today} settled={r.status === 'approved' || r.status === 'rejected'} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav class="pager" aria-label="Pages">
          {q.page > 1 ? <a href={href(q, { page: q.page - 1 })} rel="prev">← Previous</a> : <span class="muted">← Previous</span>}
          <span>
            Page {q.page.toLocaleString('en-GB')} of {pages.toLocaleString('en-GB')}
          </span>
          {q.page < pages ? <a href={href(q, { page: q.page + 1 })} rel="next">Next →</a> : <span class="muted">Next →</span>}
        </nav>
      )}
    </Layout>
  );
}
