import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvents, explain, newLeadState, replay, type ScoringConfig, type ScoringEvent } from "../../../worker/scoring";
import { DAY, HOUR, T0, ev, page } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "m",
      rules: [
        { id: "engaged-email", all: [{ event: "email_open" }, { event: "email_click" }], within: "7d", points: 10 },
        {
          id: "pricing-after-demo",
          all: [{ event: "demo_request" }, { event: "page_view", when: { path: "/pricing/**" } }],
          inOrder: true,
          within: "14d",
          points: 15,
          cap: "once",
        },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }],
    },
  ],
};

const count = (events: ScoringEvent[], rule: string, config = CONFIG) => {
  const now = Math.max(...events.map((e) => e.ts));
  return explain(replay(events, config, now), config, now).contributions.find((c) => c.rule === rule)?.count ?? 0;
};

describe("combined rules", () => {
  it.each<[string, ScoringEvent[], string, number]>([
    ["opened then clicked", [ev("email_open", T0), ev("email_click", T0 + HOUR)], "engaged-email", 1],
    ["clicked then opened: any order", [ev("email_click", T0), ev("email_open", T0 + HOUR)], "engaged-email", 1],
    ["one step alone earns nothing", [ev("email_open", T0), ev("email_open", T0 + HOUR)], "engaged-email", 0],
    ["steps further apart than the window", [ev("email_open", T0), ev("email_click", T0 + 7 * DAY + 1)], "engaged-email", 0],
    ["exactly the window apart still counts", [ev("email_open", T0), ev("email_click", T0 + 7 * DAY)], "engaged-email", 1],
    ["an earning uses its steps up", [ev("email_open", T0), ev("email_click", T0 + HOUR), ev("email_click", T0 + 2 * HOUR)], "engaged-email", 1],
    ["two pairs earn twice", [ev("email_open", T0), ev("email_click", T0 + HOUR), ev("email_open", T0 + DAY), ev("email_click", T0 + DAY + 1)], "engaged-email", 2],
    ["a stale step is replaced by a fresh one", [ev("email_open", T0), ev("email_click", T0 + 10 * DAY), ev("email_open", T0 + 12 * DAY)], "engaged-email", 1],
    ["pricing after a demo request", [ev("demo_request", T0), page("/pricing/team", T0 + DAY)], "pricing-after-demo", 1],
    ["pricing before the demo request does not count in order", [page("/pricing/team", T0), ev("demo_request", T0 + DAY)], "pricing-after-demo", 0],
    ["the step's conditions hold", [ev("demo_request", T0), page("/blog/x", T0 + DAY)], "pricing-after-demo", 0],
    ["in order, outside the window", [ev("demo_request", T0), page("/pricing", T0 + 15 * DAY)], "pricing-after-demo", 0],
    ["its own cap holds", [ev("demo_request", T0), page("/pricing", T0 + DAY), ev("demo_request", T0 + 2 * DAY), page("/pricing", T0 + 3 * DAY)], "pricing-after-demo", 1],
  ])("%s", (_name, events, rule, expected) => {
    expect(count(events, rule)).toBe(expected);
  });

  it("in order, a later start keeps the chain alive in the window", () => {
    // demo at day 0 and again at day 10; pricing at day 20 is 10 days after the second: within 14.
    expect(count([ev("demo_request", T0), ev("demo_request", T0 + 10 * DAY), page("/pricing", T0 + 20 * DAY)], "pricing-after-demo")).toBe(1);
  });

  it("earns on the event that completes it, named in the explanation", () => {
    const click = ev("email_click", T0 + HOUR);
    const { state } = applyEvents(newLeadState(), [ev("email_open", T0), click], CONFIG, T0 + HOUR);
    expect(explain(state, CONFIG, T0 + HOUR).contributions).toEqual([
      { rule: "engaged-email", kind: "behaviour", points: 10, rawPoints: 10, count: 1, events: [click.id] },
    ]);
  });

  it("caps hold however many steps happen (property)", () => {
    const capped: ScoringConfig = { models: [{ ...CONFIG.models[0]!, rules: CONFIG.models[0]!.rules.map((r) => ({ ...r, cap: { max: 2 } })) }] };
    const eventArb = fc.record({
      name: fc.constantFrom("email_open", "email_click", "demo_request", "page_view"),
      ts: fc.integer({ min: 0, max: 30 * DAY }),
    });
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (list) => {
        const events = list.map((e, i) => (e.name === "page_view" ? page("/pricing", T0 + e.ts, { id: `c${i}` }) : ev(e.name, T0 + e.ts, { id: `c${i}` })));
        const state = replay(events, capped, T0 + 31 * DAY);
        for (const c of explain(state, capped, T0 + 31 * DAY).contributions) expect(c.count).toBeLessThanOrEqual(2);
      }),
    );
  });
});
