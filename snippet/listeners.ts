/** The worker's view of the lead, as answered to a batch. */
export interface Lead {
  id?: string;
  score?: number;
  label?: string;
  stage?: string;
}
type Listener = (a: unknown, b?: unknown) => void;

// A flat list of [type, listener]: two types do not pay for a map of arrays.
const listeners: [string, Listener][] = [];
let label: string | undefined;
let warned: unknown;

const emit = (type: string, a: unknown, b?: unknown) => listeners.map(([t, f]) => t == type && f(a, b));

/**
 * `leadscore.on('label', (label, lead) => …)` / `leadscore.on('action', (action) => …)`.
 *
 * @example leadscore.on("action", (a) => a.type == "promo" && showBanner(a.code))
 */
export const on = (type: string, f: Listener) => listeners.push([type, f]);

/**
 * Handles the worker's answer: `label` when it differs from the last one seen, `action` for each action.
 * A refusal (e.g. 403 `origin_not_allowed` on a first install) is said once in the console, in the
 * worker's own words, which name the fix: otherwise the site owner sees nothing but a silent 403.
 */
export const answer = (res: { lead?: Lead; actions?: unknown[]; error?: { message: string } }) => {
  const lead = res.lead;
  if (res.error && !warned) console.warn((warned = res.error.message));
  if (lead && lead.label != label) emit("label", (label = lead.label), lead);
  (res.actions || []).map((a) => emit("action", a));
};
