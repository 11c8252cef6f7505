import { TRACK_QUERY } from "./config";
import { drop, enqueue, flush, type Props } from "./queue";
import { ids, setConsent } from "./store";
import { randomId } from "./id";

/**
 * `leadscore.track(name, props?)`: a custom or standard event (`cart_add`, `signup`, …). `now` (internal)
 * sends on the next task: a click that leaves the page should not depend on the pagehide flush alone.
 */
export const track = (n: string, p?: Props, now?: unknown) => enqueue({ k: "t", n, p }, now);

// What the last page view was about: the path, plus the query with data-track-query. Never empty
// once set (a path starts with "/"), so it also tells the first page view of the document.
let lastPage: string | undefined;
const here = () => location.pathname + (TRACK_QUERY ? location.search : "");

/**
 * `leadscore.page(props?)`: a `page_view`. The first one of the document flushes at once (the worker's
 * first answer should come fast) and is the only one carrying the referrer: after SPA navigations
 * `document.referrer` still names the original referrer, which would otherwise count as a new arrival.
 */
export const page = (p?: Props) => {
  enqueue({ k: "p", n: "page_view", p, r: lastPage ? undefined : document.referrer }, !lastPage);
  lastPage = here();
};

/** A page view only if the path (and query, when asked) really changed; hash changes never count. */
export const pageIfMoved = () => here() != lastPage && page();

/**
 * `leadscore.identify(userId, traits?, options?)`. An e-mail address is trimmed and lowercased so
 * that " Ada@Example.com" from a form and "ada@example.com" from the back end are one lead.
 * `options.signature` is the identity token the site's back end made for this user id; the options
 * ride on the identify event as given (`o`), and the worker picks the signature out. Only the
 * identifying batch needs it: once verified, this browser's anonymous id belongs to the person.
 *
 * @example leadscore.identify("ada@example.com", { company: "Acme" }, { signature: "1767225600.9f2c…" })
 */
export const identify = (u: string, tr?: Props, o?: { signature?: string }) => {
  // Pages pass numbers too, and forms whatever their field held.
  u = (u + "").trim();
  // The worker's rule too: an id with an "@" is an e-mail address.
  if (u) (ids.u = /@/.test(u) ? u.toLowerCase() : u), enqueue({ k: "i", n: "identify", tr, o }, 1);
};

/** `leadscore.consent(granted)`: true sends what waited in memory; false drops it and erases storage. */
export const consent = (g: unknown) => {
  setConsent(!!g);
  g || drop();
  flush();
};

/**
 * `leadscore.reset()`: on logout. What was captured so far still goes out under the old ids; the new
 * ones are stored by the next flush (at the latest on pagehide).
 */
export const reset = () => {
  flush();
  ids.a = randomId();
  delete ids.u;
};
