import { useEffect, useState } from "preact/hooks";
import { onUnauthorized } from "./api/http";
import { currentSession, signIn, signOut, type SessionInfo } from "./api/session";
import { Link } from "./components/Link";
import { Lead } from "./pages/Lead";
import { Leads } from "./pages/Leads";
import { Home } from "./pages/Home";
import { Overview } from "./pages/Overview";
import { Scoring } from "./pages/Scoring";
import { SignIn } from "./pages/SignIn";
import { Webhooks } from "./pages/Webhooks";
import { href, navigate, parseRoute, usePath, type Route } from "./router";

/** Not a secret: which site the operator looked at last, so the console opens on it. */
const LAST_SITE_KEY = "leadscore.console.site";

const NAV: Array<{ page: "overview" | "leads" | "scoring" | "webhooks"; name: string }> = [
  { page: "overview", name: "Overview" },
  { page: "leads", name: "Leads" },
  { page: "scoring", name: "Scoring" },
  { page: "webhooks", name: "Webhooks" },
];

const TITLES: Record<Route["page"], string> = { home: "Choose a site", overview: "Overview", leads: "Leads", lead: "Lead", scoring: "Scoring", webhooks: "Webhooks" };

/**
 * A one-click sign-in link (`/console/#token=…`, what `npm start` prints): the fragment never
 * leaves the browser, is removed from the address bar and history at once, and the token is posted
 * once to trade it for the session cookie.
 */
function takeFragmentToken(): string | null {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (token) history.replaceState(null, "", location.pathname + location.search);
  return token;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "overview":
      return <Overview site={route.site} />;
    case "leads":
      return <Leads site={route.site} />;
    case "lead":
      return <Lead site={route.site} leadRef={route.lead} />;
    case "scoring":
      return <Scoring site={route.site} />;
    case "webhooks":
      return <Webhooks site={route.site} />;
    default:
      return null;
  }
}

export function App() {
  const [session, setSession] = useState<SessionInfo | null | "checking">("checking");
  const [problem, setProblem] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const path = usePath();
  const route = parseRoute(path);

  useEffect(() => {
    const token = takeFragmentToken();
    (token ? signIn(token) : currentSession()).then(setSession, () => {
      setSession(null);
      if (token) setProblem("The sign-in link's token was refused; type the admin token instead.");
    });
    return onUnauthorized(() => {
      setSession(null);
      setProblem("Your session has ended. Sign in again.");
    });
  }, []);

  const site = route && "site" in route ? route.site : null;
  const lastSite = localStorage.getItem(LAST_SITE_KEY);
  // The bare /console/ opens the site looked at last, unless the operator asked to choose another.
  const resume = route?.page === "home" && lastSite && !new URLSearchParams(location.search).has("choose") ? lastSite : null;
  useEffect(() => {
    if (resume && session !== "checking" && session !== null) navigate(href({ page: "overview", site: resume }), { replace: true });
    if (site) localStorage.setItem(LAST_SITE_KEY, site);
    document.title = `${route ? TITLES[route.page] : "Not found"}${site ? ` · ${site}` : ""} · Leadscore`;
  }, [path, session]);

  if (session === "checking") return <p class="loading">Checking your session…</p>;
  if (session === null) return <SignIn onSignedIn={(s) => (setProblem(undefined), setNotice(undefined), setSession(s))} problem={problem} notice={notice} />;

  if (resume) return null;

  const current = route?.page === "lead" ? "leads" : route?.page;
  const out = async () => {
    await signOut().catch(() => undefined);
    setProblem(undefined);
    setNotice("You are signed out.");
    setSession(null);
  };

  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <Link href={site ? href({ page: "overview", site }) : href({ page: "home" })} class="brand">
          Leadscore
        </Link>
        {site && (
          <nav aria-label="Console">
            <ul>
              {NAV.map((n) => (
                <li key={n.page}>
                  <Link href={href({ page: n.page, site })} aria-current={current === n.page ? "page" : undefined}>
                    {n.name}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="top-end">
          {site && (
            <Link href={`${href({ page: "home" })}?choose`} class="site-chip" title="Choose another site">
              site <strong>{site}</strong>
            </Link>
          )}
          <button type="button" class="button small" onClick={out}>
            Sign out
          </button>
        </div>
      </header>
      {route?.page === "home" ? (
        <Home demo={session.demo} lastSite={lastSite} />
      ) : (
        <main id="main" tabindex={-1}>{route ? <Page route={route} /> : <p>No such page. <Link href={href({ page: "home" })}>Start again</Link></p>}</main>
      )}
    </>
  );
}
