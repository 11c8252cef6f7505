import { useState } from "preact/hooks";
import { href, navigate } from "../router";
import { Link } from "../components/Link";

/** Sites have no directory (a site exists once its config is saved): the operator names one. */
export function Home({ demo, lastSite }: { demo: boolean; lastSite: string | null }) {
  const [site, setSite] = useState(lastSite ?? (demo ? "demo" : ""));
  return (
    <main id="main" tabindex={-1}>
      <h1>Choose a site</h1>
      <form
        class="card inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (site.trim()) navigate(href({ page: "overview", site: site.trim() }));
        }}
      >
        <label for="site">Site id</label>
        <input id="site" name="site" required pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,63}" value={site} onInput={(e) => setSite((e.target as HTMLInputElement).value)} aria-describedby="site-help" />
        <button type="submit" class="button primary">Open</button>
        <p id="site-help" class="muted">The <code>data-site</code> of your snippet tag.</p>
      </form>
      {demo && (
        <p>
          Running locally with the demo shop: <Link href={href({ page: "overview", site: "demo" })}>open the demo site</Link>.
        </p>
      )}
    </main>
  );
}
