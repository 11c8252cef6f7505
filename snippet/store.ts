import { CONSENT_REQUIRED } from "./config";
import { randomId } from "./id";

/** What the snippet remembers about this browser, stored as is. */
interface Ids {
  /** anonymous id */
  a: string;
  /** user id, once identified */
  u?: string;
  /** true after an explicit consent(true) */
  c?: boolean;
}

// One localStorage entry, never cookies: nothing rides along to the site's own servers. Storage throws
// in sandboxed iframes and some private modes, hence the guards; this object is then the in-memory
// fallback for the life of the page.
export let ids = {} as Ids;
try {
  ids = JSON.parse(localStorage.leadscore);
} catch {}
ids.a = ids.a || randomId();

/**
 * true: may send and store; undefined: waiting for consent (keep events in memory); false: refused.
 * Tested with `== 0`, which only false meets, because that is the shortest test for a refusal.
 */
export let granted: unknown = !CONSENT_REQUIRED || ids.c;

/** Stores the ids once storing is allowed, after a refusal erases them; called by every flush. */
export const persist = () => {
  try {
    if (granted) localStorage.leadscore = JSON.stringify(ids);
    else if (granted == 0) delete localStorage.leadscore;
  } catch {}
};

/**
 * Records the visitor's choice (the flush that follows stores or erases). `c` is stored only while
 * granted, so a stored `c` always means yes; a consent given while none was required is remembered
 * too, in case the site starts requiring it.
 */
export const setConsent = (g: boolean) => (granted = ids.c = g);
