import { page, pageIfMoved } from "./api";
import { ACTIVE } from "./config";
import { listen } from "./dom";

/**
 * Single-page apps navigate through the History API without loading a document, so pushState and
 * replaceState are wrapped (popstate covers back/forward). A page restored from the back-forward cache
 * runs no script again; `pageshow` with `persisted` is the only sign of that visit.
 */
if (ACTIVE) {
  for (const m of ["pushState", "replaceState"] as const) {
    const original = history[m];
    history[m] = function (this: History, ...args: never[]) {
      original.apply(this, args as never);
      pageIfMoved();
    };
  }
  listen("popstate", pageIfMoved);
  listen("pageshow", (e) => (e as PageTransitionEvent).persisted && page());
}
