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

const emit = (type: string, a: unknown, b?: unknown) => listeners.map(([t, f]) => t == type && f(a, b));

/**
 * `leadscore.on('label', (label, lead) => …)` / `leadscore.on('action', (action) => …)`.
 *
 * @example leadscore.on("action", (a) => a.type == "promo" && showBanner(a.code))
 */
export const on = (type: string, f: Listener) => listeners.push([type, f]);

/** Handles the worker's answer: `label` when it differs from the last one seen, `action` for each action. */
export const answer = (res: { lead?: Lead; actions?: unknown[] }) => {
  const lead = res.lead;
  if (lead && lead.label != label) emit("label", (label = lead.label), lead);
  (res.actions || []).map((a) => emit("action", a));
};
