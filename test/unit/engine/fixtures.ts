/** Shared builders for engine tests: a small config, events at readable instants. */
import type { ScoringConfig, ScoringEvent } from "../../../worker/scoring";

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0); // a Monday, 09:00 UTC
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

let counter = 0;
/** An event with a fresh id unless one is given. */
export function ev(name: string, ts: number, extra: Partial<ScoringEvent> = {}): ScoringEvent {
  counter += 1;
  return { id: extra.id ?? `e${String(counter).padStart(5, "0")}`, name, ts, ...extra };
}

export function page(path: string, ts: number, extra: Partial<ScoringEvent> = {}): ScoringEvent {
  return ev("page_view", ts, { url: `https://shop.example${path}`, ...extra });
}

/** cold / warm 30 / hot 60, one decaying rule family, easy numbers. */
export function simpleConfig(overrides: Partial<ScoringConfig["models"][number]> = {}): ScoringConfig {
  return {
    models: [
      {
        id: "m",
        decay: { halfLife: "1d" },
        rules: [
          { id: "visit", event: "page_view", points: 10 },
          { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 20 },
          { id: "demo", event: "demo_request", points: 40 },
          { id: "careers", event: "page_view", when: { path: "/careers*" }, points: -10 },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
        ...overrides,
      },
    ],
  };
}
