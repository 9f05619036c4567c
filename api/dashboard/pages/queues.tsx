// Queue status for admins: jobs waiting, active, delayed and failed per queue, the documents whose
// reading failed for good, and a retry for each failed job.
import type { DocumentDetail } from '../../../db/queries.ts';
import type { FailedJob, JobCounts, JobName } from '../../../services/jobs.ts';
import type { Session } from '../../../services/sessions.ts';
import { Head, Stamp } from '../format.tsx';
import { Csrf, Layout } from '../layout.tsx';

export interface FailedRow {
  job: FailedJob;
  document: DocumentDetail | null;
}

export function QueuesPage({ session, counts, failed, kind, flash }: { session: Session; counts: Record<JobName, JobCounts>; failed: FailedRow[]; kind: string; flash?: { kind: 'ok' | 'error'; message: string } | null }) {
  const names = Object.keys(counts) as JobName[];
  return (
    <Layout title="Queues" session={session} section="queues" flash={flash ?? null}>
      <h1>Queues</h1>
      <p class="sub">Backend: {kind === 'bullmq' ? 'BullMQ on Redis' : 'in-process (embedded)'}</p>
      <div class="table-wrap">
        <table class="counts">
          <caption>Jobs per queue</caption>
          <Head cols={['Queue', ['Waiting', 'num'], ['Active', 'num'], ['Delayed', 'num'], ['Failed', 'num'], ['Completed', 'num']]} />
          <tbody>
            {names.map((n) => (
              <tr>
                <th scope="row">{n}</th>
                <td class="num">{counts[n].waiting}</td>
                <td class="num">{counts[n].active}</td>
                <td class="num">{counts[n].delayed}</td>
                <td class={`num${counts[n].failed > 0 ? ' bad' : ''}`}>{counts[n].failed}</td>
                <td class="num">{counts[n].completed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Failed jobs</h2>
      {failed.length === 0 ? (
        <p class="muted">No failed jobs.</p>
      ) : (
        <div class="table-wrap">
          <table class="failed">
            <Head cols={['Job', 'Document / payload', 'Error', 'Failed', 'Retry']} />
            <tbody>
              {failed.map(({ job, document }) => (
                <tr>
                  <th scope="row">
                    {job.name}
                    <div class="sub">
                      {job.id} · {job.attempts} attempt{job.attempts === 1 ? '' : 's'}
                    </div>
                  </th>
                  <td>
                    {document ? (
                      <>
                        <a href={`/claims/${encodeURIComponent(document.claimId)}`}>{document.claimId}</a> · {document.fileName}
                        <div class="sub">status {document.status}</div>
                      </>
                    ) : (
                      <code>{JSON.stringify(job.payload)}</code>
                    )}
                  </td>
                  <td class="error-text">{job.error}</td>
                  <td>
                    <Stamp at={job.failedAt} />
                  </td>
                  <td>
                    <form method="post" action={`/queues/${job.name}/${encodeURIComponent(job.id)}/retry`}>
                      <Csrf session={session} />
                      <button type="submit" aria-label={`Retry job ${job.id}`}>
                        Retry
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
