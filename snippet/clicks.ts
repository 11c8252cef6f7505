import { track } from "./api";
import { ACTIVE } from "./config";
import { listen } from "./dom";
import { trackLink } from "./links";

/**
 * `<button data-leadscore-event="quote_request" data-leadscore-prop-plan="pro">` tracks
 * `quote_request {plan: "pro"}` when it, or something up to five levels inside it (an icon, a <span>),
 * is clicked. The depth limit keeps a tagged page-wide wrapper from claiming every click below it.
 * Captured, so a site handler that stops propagation does not hide the click. An untagged click on a
 * link may still be a download or an outbound click (links.ts).
 */
if (ACTIVE)
  listen(
    "click",
    (e) => {
      for (let el = e.target as Element | null, depth = 6; el && depth--; el = el.parentElement) {
        const name = el.getAttribute("data-leadscore-event");
        if (name) {
          const p: Record<string, string> = {};
          for (const a of el.attributes) if (!a.name.indexOf("data-leadscore-prop-")) p[a.name.slice(20)] = a.value; // 20 characters
          return track(name, p);
        }
      }
      trackLink((e.target as Element).closest("a"));
    },
    true,
  );
