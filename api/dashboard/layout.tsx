// The page frame: header with the sections the role may use, the signed-in identity, sign-out,
// a flash message, and the page's own scripts (external files only: the CSP allows no inline code).
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { can } from '../../services/access.ts';
import type { Session } from '../../services/sessions.ts';

export interface PageProps {
  title: string;
  session: Session | null;
  /** Which navigation entry is current. */
  section?: 'claims' | 'review' | 'reports' | 'queues';
  scripts?: string[];
  flash?: { kind: 'ok' | 'error'; message: string } | null;
  children?: Child;
}

/** A hidden field with the session's CSRF token, in every form that changes something. */
export function Csrf({ session }: { session: Session | null }) {
  return <input type="hidden" name="_csrf" value={session?.csrfToken ?? ''} />;
}

export function Layout(props: PageProps) {
  const { session, section } = props;
  const actor = session?.actor;
  const nav: Array<[PageProps['section'], string, string]> = [];
  if (actor) {
    nav.push(['claims', '/claims', 'Claims']);
    if (can(actor, 'flag.decide')) nav.push(['review', '/review', 'Review queue']);
    if (can(actor, 'report.read')) nav.push(['reports', '/reports', 'Reports']);
    if (can(actor, 'queue.read')) nav.push(['queues', '/queues', 'Queues']);
  }
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · claimproof`}</title>
          <link rel="stylesheet" href="/assets/app.css" />
          {session && <meta name="csrf-token" content={session.csrfToken} />}
          {(props.scripts ?? []).map((s) => (
            <script src={`/assets/${s}`} defer></script>
          ))}
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/claims">
              claimproof
            </a>
            {nav.length > 0 && (
              <nav aria-label="Sections">
                <ul>
                  {nav.map(([key, href, label]) => (
                    <li>
                      <a href={href} aria-current={key === section ? 'page' : undefined}>
                        {label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {actor && (
              <form class="who" method="post" action="/signout">
                <span title={actor.name}>
                  {actor.role === 'submitter' ? actor.partner : actor.role}
                  <span class="muted"> · {actor.name.replace(/^token:/, '')}</span>
                </span>
                <Csrf session={session} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            )}
          </header>
          <main id="main" tabindex={-1}>
            {props.flash && (
              <p class={`flash ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>
                {props.flash.message}
              </p>
            )}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}
