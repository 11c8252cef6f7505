/**
 * Leadscore browser snippet: reports what a visitor does to the Leadscore worker.
 *
 *   <script defer src="https://YOUR-WORKER/leadscore.js" data-site="demo"></script>
 *
 * Calls made before the script has loaded are queued by this one-line stub and replayed in order:
 *
 *   <script>window.leadscore=window.leadscore||{q:[]};"track page identify consent reset on".split(" ").forEach(function(m){leadscore[m]=leadscore[m]||function(){leadscore.q.push([m,arguments])}})</script>
 *
 * Attributes: data-site (required), data-endpoint, data-consent="required", data-track-query,
 * data-no-downloads, data-no-outbound.
 * The wire format is in docs/WIRE.md. Built by scripts/build.mjs into one IIFE with a 1,700-byte gzip
 * budget: prefer shared helpers and short wire keys to new code paths.
 *
 * The capture modules (pageviews, clicks with links, forms, chat) hook the page as they are imported, each behind
 * config's ACTIVE, because a start() function per module costs bytes in every visitor's download.
 */
import { consent, identify, page, reset, track } from "./api";
import "./chat";
import "./clicks";
import { ACTIVE, STUB } from "./config";
import { listen } from "./dom";
import "./forms";
import { on } from "./listeners";
import "./pageviews";
import { flush } from "./queue";

type Api = Record<string, (...args: unknown[]) => unknown>;

if (ACTIVE) {
  const api = ((window as { leadscore?: Api }).leadscore = { track, page, identify, consent, reset, on } as Api);
  // The load's page view goes first and the stub's calls join it: they were made while this page loaded.
  page();
  STUB.q!.map(([m, args]) => api[m]!(...(args as unknown[])));
  // pagehide is the last reliable moment on mobile, visibilitychange (to hidden; flushing early when a
  // tab comes back costs nothing) the last one before a background tab is discarded.
  listen("pagehide", flush);
  listen("visibilitychange", flush);
}
