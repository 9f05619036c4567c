import type { Session } from '../../../services/sessions.ts';
import { Layout } from '../layout.tsx';

export function SignInPage({ next, error }: { next: string; error?: string | null }) {
  return (
    <Layout title="Sign in" session={null}>
      <div class="signin card">
        <h1>Sign in</h1>
        <p>Paste the API token you were given (it starts with <code>cp_</code>). It is checked once; the dashboard then keeps a session for 12 hours or until you sign out.</p>
        {error && (
          <p class="flash error" role="alert">
            {error}
          </p>
        )}
        <form method="post" action="/signin">
          <input type="hidden" name="next" value={next} />
          <div class="field">
            <label for="token">API token</label>
            <input id="token" name="token" type="password" autocomplete="off" required autofocus spellcheck={false} />
          </div>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}

export function ErrorPage({ session, status, title, message }: { session: Session | null; status: number; title: string; message: string }) {
  return (
    <Layout title={title} session={session}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p class="sub">HTTP {status}</p>
      <p>
        <a href="/claims">Back to the claims</a>
      </p>
    </Layout>
  );
}
