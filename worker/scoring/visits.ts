/**
 * Visits (sessions) derived from a lead's events, as analytics tools count them: a new visit starts
 * after `timeout` (default 30 minutes) without events, or when an event arrives from a new campaign
 * (another channel, or another utm_source / utm_medium / utm_campaign). Only events on the site (with
 * a URL or path) are visits' events: a server-side e-mail open is not a visit. The engine synthesises
 * a `visit_start` event before the event that starts a visit, so rules can score it.
 */
import type { CompiledModel } from "./compile";
import type { EventFacts } from "./event-facts";
import type { ModelState, ScoringEvent, VisitState } from "./types";

/** The synthesised event's name. */
export const VISIT_START = "visit_start";
/** Visit starts remembered at most, whatever the windows: the state stays bounded. */
export const VISIT_STARTS_MAX = 200;

/** The campaign an event came from; "" when it carries none (internal navigation, direct). */
function campaignKey(facts: EventFacts): string {
  if (facts.channel === "direct" && !facts.utmSource && !facts.utmMedium && !facts.utmCampaign) return "";
  return [facts.channel, facts.utmSource ?? "", facts.utmMedium ?? "", facts.utmCampaign ?? ""].join("|").toLowerCase();
}

/**
 * Fold an event into the model's visit; returns the `visit_start` event to score first when the event
 * starts a visit. A late event (older than the visit's latest) belongs to a visit already counted.
 *
 * @example trackVisit(ms, model, event, facts) // { id: "e9:visit", name: "visit_start", props: { number: 2, ... } }
 */
export function trackVisit(ms: ModelState, model: CompiledModel, event: ScoringEvent, facts: EventFacts): ScoringEvent | undefined {
  if (event.url === undefined && event.path === undefined) return undefined;
  const visit = ms.visit;
  if (visit && event.ts < visit.last) return undefined;
  const key = campaignKey(facts);
  const newCampaign = model.visits.newOnCampaign && key !== "" && visit !== undefined && key !== visit.key;
  if (visit && event.ts - visit.last <= model.visits.timeout && !newCampaign) {
    visit.last = event.ts;
    return undefined;
  }
  const starts = (visit?.starts ?? []).filter((t) => t > event.ts - model.visits.keep);
  starts.push(event.ts);
  const next: VisitState = { n: (visit?.n ?? 0) + 1, start: event.ts, last: event.ts, key, channel: facts.channel, starts: starts.slice(-VISIT_STARTS_MAX) };
  if (facts.path !== undefined) next.landing = facts.path;
  ms.visit = next;
  const props: NonNullable<ScoringEvent["props"]> = { number: next.n, channel: next.channel, ...(next.landing !== undefined ? { landing: next.landing } : {}) };
  return { ...event, id: `${event.id}:visit`, name: VISIT_START, props: { ...event.props, ...props } };
}
