import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FLUSH_EVENTS } from "../../../worker/lead/decide";
import { foldRows } from "../../../worker/lead/retention";
import type { ScoringEvent } from "../../../worker/scoring";
import type { StoredConfig } from "../../../worker/site/SiteObject";
import { backtestLead } from "../../../worker/outcomes/backtest-lead";
import { ev, LEAD, MemoryLead, page, stored, T0 } from "./fixtures";

type Rules = StoredConfig["config"]["models"][number]["rules"];
const MIN = 60_000;

/** The fixture's config (pricing 30 once, cart 25 twice, chat 10, pages 1 ten times; warm 30, hot 60) as `version`, its rules edited. */
function withRules(version: number, edit: (rules: Rules) => Rules): StoredConfig {
  const s = stored({}, version);
  const model = s.config.models[0]!;
  s.config.models[0] = { ...model, rules: edit(model.rules) };
  return s;
}
const rule = (id: string, change: Record<string, unknown>) => (rules: Rules) => rules.map((r) => (r.id === id ? ({ ...r, ...change } as Rules[number]) : r));
const without = (id: string) => (rules: Rules) => rules.filter((r) => r.id !== id);
const same = (rules: Rules) => rules;
const adjust = (points: number, ts: number): ScoringEvent => ev("adjust", ts, { adjust: { points, reason: "called us" } });

/** Sends `events` under `v1`, one batch each a minute apart, then re-scores under `v2` (saved a minute after the last). */
function rescored(v1: StoredConfig, v2: StoredConfig, events: (ts: number) => ScoringEvent[]) {
  const lead = new MemoryLead(v1);
  const sent = events(T0);
  sent.forEach((e, i) => lead.send([{ ...e, ts: T0 + i * MIN }], T0 + i * MIN));
  const before = lead.record!.lastView!;
  const now = T0 + sent.length * MIN;
  const d = lead.run({ request: null, config: { ...v2, updatedAt: now }, now, rescore: { notify: true } });
  return { before, after: d.record.lastView!, d, lead };
}

const CASES: Array<{ name: string; v1: (rules: Rules) => Rules; v2: (rules: Rules) => Rules; events: (ts: number) => ScoringEvent[]; before: [number, string]; after: [number, string] }> = [
  { name: "a rule the new config adds counts for old events", v1: without("pricing"), v2: same, events: (t) => [page("/pricing", t), page("/", t)], before: [1 + 1, "cold"], after: [30 + 1 + 1, "warm"] },
  { name: "a changed `when` re-reads old events", v1: same, v2: rule("pricing", { when: { path: "/plans*" } }), events: (t) => [page("/pricing", t)], before: [30 + 1, "warm"], after: [1, "cold"] },
  { name: "a lowered cap applies to old events", v1: same, v2: rule("pages", { cap: { max: 3 } }), events: (t) => Array.from({ length: 10 }, () => page("/", t)), before: [10, "cold"], after: [3, "cold"] },
  { name: "a raised cap counts old events it used to refuse", v1: same, v2: rule("cart", { cap: { max: 4 } }), events: (t) => Array.from({ length: 4 }, () => ev("cart_add", t)), before: [2 * 25, "warm"], after: [4 * 25, "hot"] },
  { name: "changed points count for old events", v1: same, v2: rule("chat", { points: 40 }), events: (t) => [ev("chat_open", t), ev("chat_open", t)], before: [2 * 10, "cold"], after: [2 * 40, "hot"] },
  { name: "a removed rule's points are gone", v1: same, v2: without("cart"), events: (t) => [ev("cart_add", t), ev("cart_add", t)], before: [2 * 25, "warm"], after: [0, "cold"] },
  { name: "an operator's adjustment replays with the rest", v1: same, v2: rule("chat", { points: 40 }), events: (t) => [adjust(20, t), ev("chat_open", t)], before: [20 + 10, "warm"], after: [20 + 40, "hot"] },
];

describe("decide: a config change replays the lead's events under the new config", () => {
  // No decay: the rows' numbers are exact sums of points.
  const flat = (rules: Rules) => rules.map((r) => ({ ...r, decay: false }) as Rules[number]);

  it.each(CASES)("$name", ({ v1, v2, events, before, after }) => {
    const { before: was, after: now, d } = rescored(withRules(1, (r) => flat(v1(r))), withRules(2, (r) => flat(v2(r))), events);
    expect([was.score, was.label]).toEqual(before);
    expect([now.score, now.label]).toEqual(after);
    expect(d.record.configVersion).toBe(2);
    const label = d.changes.filter((c) => c.type === "lead.label_changed");
    expect(label).toEqual(before[1] === after[1] ? [] : [expect.objectContaining({ from: before[1], to: after[1], cause: { kind: "config" } })]);
  });

  it("replays the batch rows and the events riding in the record, each once", () => {
    const lead = new MemoryLead(withRules(1, without("pricing")));
    // FLUSH_EVENTS pages go to one batch row; one /pricing page still rides in the record.
    lead.send(Array.from({ length: FLUSH_EVENTS }, (_, i) => page(`/p${i}`, T0 + i)), T0 + FLUSH_EVENTS);
    lead.send([page("/pricing", T0 + MIN)], T0 + MIN);
    expect(lead.history).toHaveLength(FLUSH_EVENTS);
    expect(lead.record!.pending).toHaveLength(1);
    const d = lead.run({ request: null, config: withRules(2, same), now: T0 + MIN + 1 });
    // Pages are capped at 10 either way; the /pricing page now earns its 30.
    expect(d.record.lastView!.score).toBeCloseTo(10 + 30, 1);
    expect(d.batch).toBeNull();
  });

  it("starts from what retention folded: folded events keep the count they were folded with", () => {
    const lead = new MemoryLead(withRules(1, same));
    lead.send(Array.from({ length: FLUSH_EVENTS }, (_, i) => page("/", T0 + i)), T0 + FLUSH_EVENTS);
    // Retention folds that batch row away: its events are in no list any more.
    lead.record = { ...lead.record!, folded: foldRows(undefined, [{ receivedAt: T0 + FLUSH_EVENTS, firstId: lead.history[0]!.id, events: lead.history }], lead.config.config, T0 + MIN) };
    lead.history = [];
    lead.send([page("/", T0 + MIN), page("/", T0 + MIN + 1)], T0 + MIN + 2);
    // A cap lowered to 3 cannot take back what the folded state counted (10, the old cap): 10 stays.
    const d = lead.run({ request: null, config: withRules(2, rule("pages", { cap: { max: 3 }, decay: false })), now: T0 + MIN + 3 });
    expect(d.record.lastView!.score).toBe(10);
    expect(d.record.folded).toEqual(lead.decisions[1]!.record.folded);
  });

  it("records the config point at the save instant and leaves the points before it as they were", () => {
    const lead = new MemoryLead(withRules(1, (r) => flat(without("pricing")(r))));
    lead.send([page("/pricing", T0)], T0);
    const past = [...(lead.record!.history ?? [])];
    const d = lead.run({ request: null, config: { ...withRules(2, flat), updatedAt: T0 + MIN }, now: T0 + 2 * MIN, rescore: { notify: true } });
    const history = d.record.history!;
    expect(history.slice(0, past.length)).toEqual(past);
    expect(history.slice(past.length)).toMatchObject([{ t: T0 + MIN, score: 30 + 1, label: "warm", v: 2, cause: { kind: "config" }, moves: [{ kind: "label", from: "cold", to: "warm" }] }]);
  });

  it("issues no promo code: neither again to a lead that has one, nor to one a re-score makes hot", () => {
    const holder = new MemoryLead(withRules(1, same));
    holder.send([ev("cart_add", T0), ev("cart_add", T0 + 1), page("/pricing", T0 + 2)], T0 + 3); // 25 + 25 + 30 + 1: hot, with a cart
    expect(holder.record!.promos).toHaveLength(1);
    const again = holder.run({ request: null, config: withRules(2, rule("chat", { points: 11 })), now: T0 + 4, rescore: { notify: true } });
    expect(again.actions).toEqual([]);
    expect(again.record.promos).toEqual(holder.decisions[0]!.record.promos);

    const late = new MemoryLead(withRules(1, rule("cart", { points: 5 })));
    late.send([ev("cart_add", T0), ev("cart_add", T0 + 1), page("/pricing", T0 + 2)], T0 + 3); // 2 * 5 + 30 + 1: warm
    const moved = late.run({ request: null, config: withRules(2, same), now: T0 + 4, rescore: { notify: true } }); // 2 * 25 + 30 + 1: hot
    expect(moved.record.lastView!.label).toBe("hot");
    expect(moved.actions).toEqual([]);
    expect(moved.record.promos).toEqual([]);
  });

  it("refuses to replay without the lead's stored events", () => {
    const lead = new MemoryLead();
    lead.send([page("/", T0)], T0);
    expect(() => lead.run({ request: null, config: stored({}, 2), now: T0 + 1, history: undefined })).toThrow(/stored events/);
  });
});

const PATHS = ["/", "/pricing", "/pricing/team", "/blog"];
const eventArb = fc.oneof(
  fc.record({ name: fc.constant("page_view"), path: fc.constantFrom(...PATHS) }),
  fc.record({ name: fc.constantFrom("cart_add", "chat_open") }),
  fc.record({ name: fc.constant("adjust"), points: fc.integer({ min: -20, max: 30 }) }),
);
/** Events at strictly increasing instants (gaps up to 6 hours under the fixture's one-day decay), sent in batches as they happen. */
const streamArb = fc.array(fc.tuple(eventArb, fc.integer({ min: 1, max: 6 * 60 * MIN })), { minLength: 1, maxLength: 60 });

describe("decide: replaying under the same config (property)", () => {
  it("changes neither the score nor the label, and reports nothing", () => {
    fc.assert(
      fc.property(streamArb, fc.integer({ min: 1, max: 7 }), (stream, chunk) => {
        let ts = T0;
        const events = stream.map(([e, gap]) => {
          ts += gap;
          if (e.name === "page_view") return page(e.path!, ts);
          return e.name === "adjust" ? adjust(e.points!, ts) : ev(e.name, ts);
        });
        const lead = new MemoryLead();
        for (let i = 0; i < events.length; i += chunk) {
          const batch = events.slice(i, i + chunk);
          lead.send(batch, batch.at(-1)!.ts);
        }
        const now = ts + MIN;
        const before = lead.tick(now).record.lastView!;
        const d = lead.run({ request: null, config: { ...stored(), version: 2, updatedAt: now }, now, rescore: { notify: true } });
        expect(d.changes).toEqual([]);
        expect([d.record.lastView!.score, d.record.lastView!.label, d.record.lastView!.stage]).toEqual([before.score, before.label, before.stage]);
      }),
    );
  });
});

describe("the backtest replays as a re-score does", () => {
  it("starts both sides from what retention folded, and answers the label the real re-score gives", () => {
    const v1 = withRules(1, (r) => r.map((x) => ({ ...x, decay: false }) as Rules[number]));
    const v2 = withRules(2, (r) => rule("chat", { points: 40 })(r).map((x) => ({ ...x, decay: false }) as Rules[number]));
    const lead = new MemoryLead(v1);
    lead.send(Array.from({ length: FLUSH_EVENTS }, (_, i) => page("/", T0 + i)), T0 + FLUSH_EVENTS);
    const folded = foldRows(undefined, [{ receivedAt: T0 + FLUSH_EVENTS, firstId: lead.history[0]!.id, events: lead.history }], v1.config, T0 + MIN);
    lead.record = { ...lead.record!, folded };
    lead.history = [];
    lead.send([ev("chat_open", T0 + MIN)], T0 + MIN);
    const kept = lead.record!.pending.map((p) => p.event);
    const backtest = backtestLead(LEAD, kept, v1.config, v2.config, T0 + MIN + 1, folded);
    // 10 folded pages, then the chat: 10 + 10 now, 10 + 40 under the candidate.
    expect([backtest.current.score, backtest.candidate.score]).toEqual([10 + 10, 10 + 40]);
    const real = lead.run({ request: null, config: v2, now: T0 + MIN + 1 });
    expect([real.record.lastView!.score, real.record.lastView!.label]).toEqual([backtest.candidate.score, backtest.candidate.label]);
  });
});
