/**
 * A synthetic site with known ground truth: seeded leads whose behaviours are drawn at random and whose
 * conversion probability is a known logistic function of those behaviours,
 *   P(convert) = 1 / (1 + e^-(INTERCEPT + Σ weight_b * count_b)).
 * It emits each lead's events (as engine events for unit tests, as Segment batches for the real worker)
 * and the truth (counts, converted or not, when), and builds the config that scores it: points
 * proportional to the true weights, or with one named rule deliberately over-weighted.
 *
 * Everything a lead does happens in its first two days; a converting lead purchases 3 to 20 days after
 * its first event, inside the 30-day horizon, and after all its behaviours. No rule decays, so the score
 * just before the purchase (and a negative's score at the end of its horizon) is exactly
 * Σ points_b * count_b, which a test can compute without the engine.
 */
import type { ScoringConfig, ScoringEvent } from "../../worker/scoring";
import { seededRandom } from "../../worker/site/sample";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** One behaviour of the synthetic site: the event it emits, its true logit weight, how often it happens. */
export interface SyntheticBehaviour {
  rule: string;
  event: string;
  /** the true effect of one occurrence on the log-odds of converting */
  weight: number;
  /** the points the true config gives one occurrence (proportional to the weight) */
  points: number;
  /** occurrences are drawn uniformly from 0..maxCount after a coin with this probability */
  rate: number;
  maxCount: number;
}

/** The site's behaviours. `newsletter` has no effect at all: the rule to over-weight in tests. */
export const SYNTHETIC_BEHAVIOURS: readonly SyntheticBehaviour[] = [
  { rule: "pricing", event: "pricing_view", weight: 0.6, points: 12, rate: 0.6, maxCount: 3 },
  { rule: "cart", event: "cart_add", weight: 0.9, points: 18, rate: 0.35, maxCount: 2 },
  { rule: "demo", event: "demo_request", weight: 1.2, points: 24, rate: 0.15, maxCount: 1 },
  { rule: "docs", event: "docs_view", weight: 0.3, points: 6, rate: 0.5, maxCount: 4 },
  { rule: "newsletter", event: "newsletter_open", weight: 0, points: 0, rate: 0.5, maxCount: 3 },
];

/** The log-odds of converting for a lead that did nothing. */
export const SYNTHETIC_INTERCEPT = -3;
export const SYNTHETIC_HORIZON_DAYS = 30;
export const SYNTHETIC_CONVERSION_EVENT = "purchase";
/** Label lines of the synthetic config: warm at 30 points, hot at 60. */
export const SYNTHETIC_LABELS = [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }] as const;

export interface SyntheticLead {
  /** the anonymous id the lead's events carry */
  id: string;
  /** occurrences per behaviour rule */
  counts: Record<string, number>;
  /** the true conversion probability */
  p: number;
  converted: boolean;
  firstSeen: number;
  /** when it purchased, for a converting lead */
  convertedAt?: number;
  /** its events in time order, the purchase last */
  events: ScoringEvent[];
}

export interface SyntheticSiteOptions {
  seed?: number;
  leads?: number;
  /** the first lead's first event; leads arrive evenly over `spreadDays` from here */
  start: number;
  spreadDays?: number;
}

/** The worker's seeded PRNG (mulberry32): the same seed gives the same site on every machine. */
export const seeded = seededRandom;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The true conversion probability of a lead with these behaviour counts.
 *
 * @example trueProbability({ pricing: 1 }) // 1 / (1 + e^-(-3 + 0.6))
 */
export function trueProbability(counts: Record<string, number>): number {
  return sigmoid(SYNTHETIC_INTERCEPT + SYNTHETIC_BEHAVIOURS.reduce((sum, b) => sum + b.weight * (counts[b.rule] ?? 0), 0));
}

/**
 * Leads of the synthetic site, drawn from the seed.
 *
 * @example const leads = syntheticSite({ seed: 1, leads: 3000, start: Date.now() - 90 * DAY })
 */
export function syntheticSite(options: SyntheticSiteOptions): SyntheticLead[] {
  const { seed = 1, leads: n = 3000, start, spreadDays = 28 } = options;
  const rand = seeded(seed);
  const leads: SyntheticLead[] = [];
  for (let i = 0; i < n; i++) {
    const id = `syn-${seed}-${String(i).padStart(5, "0")}`;
    const firstSeen = start + Math.floor((i / n) * spreadDays * DAY);
    const counts: Record<string, number> = {};
    const events: ScoringEvent[] = [{ id: `${id}-0`, name: "page_view", ts: firstSeen, url: "https://shop.example/" }];
    for (const b of SYNTHETIC_BEHAVIOURS) {
      const count = rand() < b.rate ? 1 + Math.floor(rand() * b.maxCount) : 0;
      counts[b.rule] = count;
      for (let k = 0; k < count; k++) {
        // Whole minutes inside the first two days, after the landing page view.
        const ts = firstSeen + 60_000 * (1 + Math.floor(rand() * 47 * 60));
        events.push({ id: `${id}-${b.rule}-${k}`, name: b.event, ts });
      }
    }
    const p = trueProbability(counts);
    const converted = rand() < p;
    const lead: SyntheticLead = { id, counts, p, converted, firstSeen, events };
    if (converted) {
      lead.convertedAt = firstSeen + 3 * DAY + Math.floor(rand() * 17 * 24) * HOUR;
      events.push({ id: `${id}-purchase`, name: SYNTHETIC_CONVERSION_EVENT, ts: lead.convertedAt });
    }
    events.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
    leads.push(lead);
  }
  return leads;
}

/**
 * The config that scores the synthetic site: one rule per behaviour, points proportional to the true
 * weights, no decay, and the site's outcomes (a purchase within 30 days). `overweight` gives one rule
 * `points` instead of its own: the deliberate mistake a suggestion should correct.
 *
 * @example syntheticConfig({ overweight: { rule: "newsletter", points: 30 } })
 */
export function syntheticConfig(options: { overweight?: { rule: string; points: number }; modelId?: string } = {}): ScoringConfig {
  return {
    models: [
      {
        id: options.modelId ?? "synthetic",
        rules: SYNTHETIC_BEHAVIOURS.map((b) => ({
          id: b.rule,
          event: b.event,
          points: b.rule === options.overweight?.rule ? options.overweight.points : b.points,
        })),
        labels: SYNTHETIC_LABELS.map((band) => ({ ...band })),
        outcomes: { horizon: `${SYNTHETIC_HORIZON_DAYS}d`, conversion: [{ event: SYNTHETIC_CONVERSION_EVENT }] },
      },
    ],
  };
}

/**
 * A lead's score under a synthetic config by plain arithmetic, Σ points_b * count_b, the engine not involved.
 *
 * @example expectedScore(lead, syntheticConfig()) // 12 * lead.counts.pricing + 18 * lead.counts.cart + ...
 */
export function expectedScore(lead: SyntheticLead, config: ScoringConfig): number {
  const rules = config.models[0]!.rules as Array<{ id: string; points?: number }>;
  return rules.reduce((sum, rule) => sum + (rule.points ?? 0) * (lead.counts[rule.id] ?? 0), 0);
}

/** The label a score reaches under the synthetic lines (no hysteresis). */
export function expectedLabel(score: number): string {
  return [...SYNTHETIC_LABELS].reverse().find((band) => !("min" in band) || score >= band.min)!.name;
}

/**
 * The exact AUC of scores for telling positives from negatives (Mann-Whitney: ties count one half).
 *
 * @example exactAuc([{ score: 3, positive: true }, { score: 1, positive: false }]) // 1
 */
export function exactAuc(rows: Array<{ score: number; positive: boolean }>): number {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  let negativesBelow = 0;
  let wins = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    let pos = 0;
    let neg = 0;
    for (; j < sorted.length && sorted[j]!.score === sorted[i]!.score; j++) sorted[j]!.positive ? pos++ : neg++;
    wins += pos * (negativesBelow + neg / 2);
    negativesBelow += neg;
    positives += pos;
    i = j;
  }
  const negatives = sorted.length - positives;
  return positives && negatives ? wins / (positives * negatives) : NaN;
}

/** A Segment message of the synthetic site's, for `/v1/batch`. */
export interface SegmentTrackMessage {
  type: "track" | "page";
  anonymousId: string;
  event?: string;
  messageId: string;
  timestamp: string;
  properties?: Record<string, string>;
}

/**
 * The leads' events as `/v1/batch` bodies of about `perBatch` messages each (well under 500 KB),
 * never splitting a lead: each lead's events reach its object in one request, as a back-fill would.
 *
 * @example for (const body of segmentBatches(leads)) await post("/v1/batch", body)
 */
export function segmentBatches(leads: SyntheticLead[], perBatch = 400): Array<{ batch: SegmentTrackMessage[] }> {
  const bodies: Array<{ batch: SegmentTrackMessage[] }> = [];
  let batch: SegmentTrackMessage[] = [];
  for (const lead of leads) {
    if (batch.length > 0 && batch.length + lead.events.length > perBatch) {
      bodies.push({ batch });
      batch = [];
    }
    batch.push(...lead.events.map((e) => segmentMessage(lead.id, e)));
  }
  if (batch.length > 0) bodies.push({ batch });
  return bodies;
}

function segmentMessage(anonymousId: string, e: ScoringEvent): SegmentTrackMessage {
  const base = { anonymousId, messageId: e.id, timestamp: new Date(e.ts).toISOString() };
  return e.name === "page_view" ? { ...base, type: "page", properties: { url: e.url ?? "https://shop.example/" } } : { ...base, type: "track", event: e.name };
}
