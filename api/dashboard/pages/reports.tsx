// The stored incomplete-claims reports (each as CSV and PDF) and the charts of the latest one.
import { FLAG_CODES } from '../../../pipeline/enums.ts';
import type { ReportRun } from '../../../services/report.ts';
import type { Session } from '../../../services/sessions.ts';
import { BarChart, deadlineBuckets } from '../charts.tsx';
import { Day, Head, Stamp, flagName, plural } from '../format.tsx';
import { Csrf, Layout } from '../layout.tsx';

export function ReportsPage({ session, runs, latest, canRun, flash }: { session: Session; runs: Omit<ReportRun, 'report'>[]; latest: ReportRun | null; canRun: boolean; flash?: { kind: 'ok' | 'error'; message: string } | null }) {
  const byCode = latest?.report.summary.openFlagsByCode ?? {};
  const flagBars = FLAG_CODES.filter((c) => (byCode[c] ?? 0) > 0).map((c) => ({ label: flagName(c), value: byCode[c] ?? 0, tone: 'flagbar' }));
  const dayBars = latest ? deadlineBuckets(latest.report.claims.map((c) => c.daysLeft), latest.report.deadlineSoonDays) : [];
  return (
    <Layout title="Reports" session={session} section="reports" flash={flash ?? null}>
      <h1>Incomplete-claims reports</h1>
      {canRun && (
        <form method="post" action="/reports/build" class="inline">
          <Csrf session={session} />
          <button type="submit">Build a report now</button>
        </form>
      )}
      {latest ? (
        <>
          <p>
            Latest: as of <Day iso={latest.asOf} />, built <Stamp at={latest.createdAt} /> — {plural(latest.report.summary.incomplete, 'incomplete claim')} of {latest.report.summary.claims} open,{' '}
            {latest.report.summary.overdue} overdue, {latest.report.summary.dueSoon} due soon.
          </p>
          <div class="charts">
            <BarChart id="chart-flags" title={`Open flags by code (${latest.report.summary.openFlags})`} bars={flagBars} />
            <BarChart id="chart-days" title="Incomplete claims by days to deadline" bars={dayBars} />
          </div>
        </>
      ) : (
        <p class="muted">No report has been built yet.</p>
      )}
      <div class="table-wrap">
        <table>
          <caption>Stored reports, newest first</caption>
          <Head cols={['As of', 'Built', 'Trigger', 'By', 'Download']} />
          <tbody>
            {runs.map((r) => (
              <tr>
                <th scope="row">
                  <Day iso={r.asOf} />
                </th>
                <td>
                  <Stamp at={r.createdAt} />
                </td>
                <td>{r.trigger === 'schedule' ? 'nightly' : 'manual'}</td>
                <td>{r.actor}</td>
                <td>
                  <a href={`/reports/${r.id}/csv`} aria-label={`CSV of the report as of ${r.asOf}`}>
                    CSV
                  </a>{' '}
                  ·{' '}
                  <a href={`/reports/${r.id}/pdf`} aria-label={`PDF of the report as of ${r.asOf}`}>
                    PDF
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
