import { decide, type DecideInput, type Decision } from "../../../worker/lead/decide";
import type { IngestRequest, LeadRecord } from "../../../worker/lead/types";
import type { ScoringEvent } from "../../../worker/scoring";
import { siteConfigSchema } from "../../../worker/site/config";
import type { StoredConfig } from "../../../worker/site/SiteObject";

export const T0 = Date.UTC(2026, 0, 5, 9);
export const SITE = "shop";
export const LEAD = "a_00000000000000000000000000000001";

/** pricing 30 (once), cart 25 (twice), chat 10, any page 1 (10 times); warm at 30, hot at 60; a promo for hot leads with a cart. */
export function stored(overrides: Record<string, unknown> = {}, version = 1): StoredConfig {
  const config = siteConfigSchema.parse({
    webhooks: [{ id: "crm", url: "https://hooks.example.com/lead", secret: { env: "CRM_SECRET" } }],
    promo: { label: "hot", requireEvent: "cart_add", prefix: "HOT-" },
    models: [
      {
        id: "shop",
        decay: "1d",
        rules: [
          { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 30, cap: "once" },
          { id: "cart", event: "cart_add", points: 25, cap: { max: 2 } },
          { id: "chat", event: "chat_open", points: 10 },
          { id: "pages", event: "page_view", points: 1, cap: { max: 10 } },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
      },
    ],
    ...overrides,
  });
  return { config, version, updatedAt: 0, disabledEndpoints: [] };
}

let n = 0;
export function ev(name: string, ts: number, extra: Partial<ScoringEvent> = {}): ScoringEvent {
  n += 1;
  return { id: `e${String(n).padStart(5, "0")}`, name, ts, ...extra };
}

export function page(path: string, ts: number): ScoringEvent {
  return ev("page_view", ts, { path, url: `https://shop.test${path}` });
}

export function request(events: ScoringEvent[], extra: Partial<IngestRequest> = {}): IngestRequest {
  return { site: SITE, leadId: LEAD, userId: null, anonymousId: "visitor-0001", events, configVersion: 1, leadEventsPerMinute: 1000, ...extra };
}

/** A deterministic byte source: ids and codes depend on nothing but the seed. */
export function seeded(seed = 1): (length: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

/**
 * A lead's storage in memory, as the object keeps it: the record, the batch rows' ids with their
 * instant of receipt, and every stored event.
 */
export class MemoryLead {
  record: LeadRecord | null = null;
  known = new Map<string, number>();
  history: ScoringEvent[] = [];
  readonly decisions: Decision[] = [];

  constructor(readonly config: StoredConfig = stored(), readonly random = seeded()) {}

  send(events: ScoringEvent[], now: number, extra: Partial<DecideInput> = {}): Decision {
    return this.run({ request: request(events), now, ...extra });
  }

  tick(now: number): Decision {
    return this.run({ request: null, now });
  }

  run(input: Partial<DecideInput> & { now: number }): Decision {
    const d = decide({ record: this.record, request: null, config: this.config, known: this.known, random: this.random, history: this.history, ...input });
    this.record = d.record;
    for (const e of d.batch?.events ?? []) {
      if (!this.history.some((h) => h.id === e.id)) this.history.push(e);
      this.known.set(e.id, d.batch!.receivedAt);
    }
    this.decisions.push(d);
    return d;
  }
}
