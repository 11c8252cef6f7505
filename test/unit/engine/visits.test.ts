import { describe, expect, it } from "vitest";
import { applyEvents, explain, newLeadState, replay, type ScoringConfig, type ScoringEvent } from "../../../worker/scoring";
import { DAY, HOUR, MINUTE, T0, ev, page } from "./fixtures";

function model(rules: unknown[], extra: Record<string, unknown> = {}): ScoringConfig {
  return { models: [{ id: "m", rules, labels: [{ name: "cold" }, { name: "warm", min: 30 }], ...extra }] } as ScoringConfig;
}

const points = (config: ScoringConfig, events: ScoringEvent[], rule: string, now = events.at(-1)!.ts) =>
  explain(replay(events, config, now), config, now).contributions.find((c) => c.rule === rule)?.count ?? 0;

const visitRule = { id: "visit", event: "visit_start", points: 1 };
const visitsOf = (events: ScoringEvent[], extra: Record<string, unknown> = {}) => points(model([visitRule], extra), events, "visit");

describe("visits", () => {
  it.each<[string, ScoringEvent[], number]>([
    ["one page view is one visit", [page("/", T0)], 1],
    ["events 29 minutes apart stay in one visit", [page("/", T0), page("/a", T0 + 29 * MINUTE), page("/b", T0 + 58 * MINUTE)], 1],
    ["exactly 30 minutes apart is still the same visit", [page("/", T0), page("/a", T0 + 30 * MINUTE)], 1],
    ["30 minutes and 1 ms of inactivity starts a new visit", [page("/", T0), page("/a", T0 + 30 * MINUTE + 1)], 2],
    ["a new campaign starts a new visit at once", [page("/", T0), page("/?utm_source=news&utm_medium=email", T0 + MINUTE)], 2],
    ["the same campaign again does not", [page("/?utm_medium=email", T0), page("/?utm_medium=email", T0 + MINUTE)], 1],
    ["internal navigation (direct) does not break a campaign's visit", [page("/?utm_medium=cpc", T0), page("/pricing", T0 + MINUTE)], 1],
    ["a search referrer after a paid landing is a new visit", [page("/?utm_medium=cpc", T0), page("/", T0 + MINUTE, { referrer: "https://www.google.com/" })], 2],
    ["server-side events without a page are not visits", [ev("email_open", T0), ev("email_click", T0 + 2 * HOUR)], 0],
    ["three days, three visits", [page("/", T0), page("/", T0 + DAY), page("/", T0 + 2 * DAY)], 3],
  ])("%s", (_name, events, expected) => {
    expect(visitsOf(events)).toBe(expected);
  });

  it("takes its inactivity timeout from the model, and can ignore campaigns", () => {
    const events = [page("/", T0), page("/?utm_medium=email", T0 + 10 * MINUTE), page("/", T0 + 70 * MINUTE)];
    expect(visitsOf(events)).toBe(1 + 1 + 1);
    expect(visitsOf(events, { visits: { timeout: "2h" } })).toBe(1 + 1);
    expect(visitsOf(events, { visits: { timeout: "2h", newOnCampaign: false } })).toBe(1);
  });

  it("synthesises visit_start before the event that starts the visit, with its number, landing page and channel", () => {
    const config = model([
      { id: "returning", event: "visit_start", when: { visit: { number: { gte: 2 } } }, points: 10 },
      { id: "pricing-landing", event: "visit_start", when: { visit: { landing: "/pricing/**" } }, points: 7 },
      { id: "email-visit", event: "visit_start", when: { visit: { channel: "email" } }, points: 3 },
      { id: "cart-in-email-visit", event: "cart_add", when: { visit: { channel: "email", number: 2 } }, points: 5 },
      { id: "any", event: "*", points: 1 },
    ]);
    const events = [
      page("/", T0),
      page("/pricing/team?utm_medium=email", T0 + DAY),
      ev("cart_add", T0 + DAY + MINUTE, { url: "https://shop.example/products/beans" }),
    ];
    const { state } = applyEvents(newLeadState(), events, config, T0 + DAY + MINUTE);
    const byRule = Object.fromEntries(explain(state, config, T0 + DAY + MINUTE).contributions.map((c) => [c.rule, c]));
    expect(byRule.returning).toMatchObject({ count: 1, events: [`${events[1]!.id}:visit`] });
    expect(byRule["pricing-landing"]).toMatchObject({ count: 1 });
    expect(byRule["email-visit"]).toMatchObject({ count: 1 });
    expect(byRule["cart-in-email-visit"]).toMatchObject({ count: 1 });
    // "*" never matches the synthesised visit_start: three real events, three points.
    expect(byRule.any).toMatchObject({ count: 3 });
    expect(state.models.m!.visit).toMatchObject({ n: 2, landing: "/pricing/team", channel: "email" });
  });

  it("counts visits in a window: at least 3 visits in 7 days earns once per window", () => {
    const config = model([{ id: "frequent", event: "visit_start", when: { visits: { atLeast: 3, within: "7d" } }, points: 15 }], { visits: { timeout: "30m" } });
    const day = (n: number) => page("/", T0 + n * DAY);
    // Visits on days 0, 1, 2 (3 in 7 days: earns), 3 and 4 (same window: no), 9, 10, 11 (earns again: 7 days after the first earning)
    const events = [0, 1, 2, 3, 4, 9, 10, 11].map(day);
    const { state } = applyEvents(newLeadState(), events, config, T0 + 11 * DAY);
    const c = explain(state, config, T0 + 11 * DAY).contributions.find((x) => x.rule === "frequent")!;
    expect(c.count).toBe(2);
    expect(c.events).toEqual([`${events[2]!.id}:visit`, `${events[5]!.id}:visit`]);
  });

  it("counts visits across the 30-minute boundary exactly", () => {
    const config = model([{ id: "third", event: "visit_start", when: { visits: { atLeast: 3, within: "1d" } }, points: 15, cap: "once" }]);
    const close = [page("/", T0), page("/", T0 + 30 * MINUTE), page("/", T0 + 60 * MINUTE)];
    const apart = [page("/", T0), page("/", T0 + 30 * MINUTE + 1), page("/", T0 + 60 * MINUTE + 2)];
    expect(points(config, close, "third")).toBe(0);
    expect(points(config, apart, "third")).toBe(1);
  });

  it("a rule with a cap counts visits as capped instead of once per window", () => {
    const config = model([{ id: "frequent", event: "visit_start", when: { visits: { atLeast: 2, within: "7d" } }, points: 5, cap: { max: 3 } }]);
    const events = [0, 1, 2, 3, 4].map((n) => page("/", T0 + n * DAY));
    expect(points(config, events, "frequent")).toBe(3);
  });

  it("keeps visit starts only as far back as the windows need", () => {
    const config = model([{ id: "frequent", event: "visit_start", when: { visits: { atLeast: 3, within: "2d" } }, points: 5 }]);
    const events = Array.from({ length: 60 }, (_, n) => page("/", T0 + n * DAY));
    const state = replay(events, config, T0 + 60 * DAY);
    expect(state.models.m!.visit!.n).toBe(60);
    expect(state.models.m!.visit!.starts).toEqual([T0 + 58 * DAY, T0 + 59 * DAY]);
    // With no visit-count rule nothing but the current visit's start is kept.
    expect(replay(events, model([visitRule]), T0 + 60 * DAY).models.m!.visit!.starts).toEqual([T0 + 59 * DAY]);
  });

  it("a late event does not start a visit in the past", () => {
    const late = page("/", T0 + HOUR);
    const config = model([visitRule]);
    const first = applyEvents(newLeadState(), [page("/", T0), page("/", T0 + 3 * HOUR)], config, T0 + 3 * HOUR).state;
    const after = applyEvents(first, [late], config, T0 + 3 * HOUR).state;
    expect(after.models.m!.visit!.n).toBe(2);
  });
});
