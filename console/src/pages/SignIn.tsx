import { useState } from "preact/hooks";
import { ApiError } from "../api/http";
import { signIn, type SessionInfo } from "../api/session";

/**
 * The admin token, typed once: the worker answers with an HttpOnly cookie and the token is
 * forgotten. A password field so the browser neither shows nor autocompletes it into other forms.
 */
export function SignIn({ onSignedIn, problem, notice }: { onSignedIn: (s: SessionInfo) => void; problem?: string; notice?: string }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | undefined>(problem);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const session = await signIn(token.trim());
      setToken("");
      onSignedIn(session);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? "That is not the admin token." : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" tabindex={-1} class="signin">
      <h1>Sign in to Leadscore</h1>
      <form onSubmit={submit} class="card">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} aria-describedby="token-help" />
        <p id="token-help" class="muted">
          The worker's <code>ADMIN_TOKEN</code>: in <code>.dev.vars</code> locally (<code>npm start</code> prints a link that signs you in), a Worker secret in production. It is sent once; the browser keeps only a session cookie it cannot read.
        </p>
        {notice && !error && <p class="notice notice-ok" role="status">{notice}</p>}
        {error && <p class="notice notice-error" role="alert">{error}</p>}
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
