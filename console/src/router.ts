/**
 * The console's addresses: `/console/{site}/{page}`. Real paths rather than `#/…` fragments, so a
 * page can be bookmarked, opened in a new tab and shared; the worker answers every one of them
 * with the console's index.html.
 */
import { useEffect, useState } from "preact/hooks";

export const BASE = "/console";

export type Route =
  | { page: "home" }
  | { page: "overview"; site: string }
  | { page: "leads"; site: string }
  | { page: "lead"; site: string; lead: string }
  | { page: "scoring"; site: string }
  | { page: "webhooks"; site: string };

const PAGES: Record<string, (site: string, rest: string[]) => Route | null> = {
  "": (site) => ({ page: "overview", site }),
  leads: (site, rest) => (rest.length === 0 ? { page: "leads", site } : rest.length === 1 ? { page: "lead", site, lead: rest[0]! } : null),
  scoring: (site) => ({ page: "scoring", site }),
  webhooks: (site) => ({ page: "webhooks", site }),
};

/**
 * What a path shows.
 *
 * @example parseRoute("/console/demo/leads/ada%40example.com") // { page: "lead", site: "demo", lead: "ada@example.com" }
 */
export function parseRoute(pathname: string): Route | null {
  if (!pathname.startsWith(BASE)) return null;
  const parts = pathname.slice(BASE.length).split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "home" };
  const [site, page = "", ...rest] = parts;
  return PAGES[page]?.(site!, rest) ?? null;
}

/**
 * The path of a page.
 *
 * @example href({ page: "lead", site: "demo", lead: "ada@example.com" }) // "/console/demo/leads/ada%40example.com"
 */
export function href(route: Route): string {
  if (route.page === "home") return `${BASE}/`;
  const site = `${BASE}/${encodeURIComponent(route.site)}`;
  if (route.page === "overview") return site;
  if (route.page === "lead") return `${site}/leads/${encodeURIComponent(route.lead)}`;
  return `${site}/${route.page}`;
}

/** Goes to a console path without reloading (links call this on a plain left click). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** The current path, following navigation. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener("popstate", update);
    return () => removeEventListener("popstate", update);
  }, []);
  return path;
}
