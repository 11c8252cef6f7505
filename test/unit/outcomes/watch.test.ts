import { describe, expect, it } from "vitest";
import { openHorizonEnd, watchOutcome } from "../../../worker/outcomes/watch";
import type { ScoringConfig, ScoringEvent } from "../../../worker/scoring";
import { DAY, T0, ev, page } from "../engine/fixtures";

const config: ScoringConfig = {
  models: [
    {
      id: "m",
      rules: [{ id: "visit", event: "page_view", points: 10 }],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }],
      outcomes: { horizon: "30d", conversion: [{ event: "purchase" }, { trait: "crm.status", match: "won" }] },
    },
  ],
};

/** A loader that counts its reads: a replay reads the lead's stored events, an ordinary event must not. */
function loader(events: ScoringEvent[]) {
  const reads = { n: 0 };
  return { reads, events: () => (reads.n++, events) };
}

describe("the Lead object's outcome watch", () => {
  it("replays once for a lead's first decision, then not for ordinary events", () => {
    const first = [page("/", T0)];
    const a = loader(first);
    const opened = watchOutcome({ watch: undefined, config, fresh: first, changes: [], events: a.events, now: T0 });
    expect(opened).toEqual({ watch: { horizonEnd: T0 + 30 * DAY }, settled: null });
    expect(a.reads.n).toBe(1);
    const b = loader([...first, page("/b", T0 + DAY)]);
    const again = watchOutcome({ watch: opened.watch, config, fresh: [page("/b", T0 + DAY)], changes: [], events: b.events, now: T0 + DAY });
    expect(again.watch).toBe(opened.watch);
    expect(b.reads.n).toBe(0);
  });

  it("settles on a conversion event, on a trait under its first segment, and at the horizon's end", () => {
    const watch = { horizonEnd: T0 + 30 * DAY };
    const bought = [page("/", T0), ev("purchase", T0 + DAY)];
    expect(watchOutcome({ watch, config, fresh: [bought[1]!], changes: [], events: () => bought, now: T0 + DAY }).settled).toMatchObject({ kind: "converted", before: { score: 10 } });
    const won = [page("/", T0), ev("identify", T0 + DAY, { traits: { crm: { status: "won" } } })];
    expect(watchOutcome({ watch, config, fresh: [won[1]!], changes: [], events: () => won, now: T0 + DAY }).settled).toMatchObject({ kind: "converted", trigger: "trait crm.status" });
    const quiet = [page("/", T0)];
    const closed = watchOutcome({ watch, config, fresh: [], changes: [], events: () => quiet, now: T0 + 30 * DAY + 1 });
    expect(closed).toMatchObject({ watch: { settled: { kind: "negative", at: T0 + 30 * DAY } }, settled: { kind: "negative" } });
    // Settled is final: nothing is replayed or sent again.
    expect(watchOutcome({ watch: closed.watch, config, fresh: bought, changes: [], events: () => bought, now: T0 + 40 * DAY }).settled).toBeNull();
  });

  it("tells the index the open horizon's end: none once settled, for a lead no model judges, or under a config without outcomes", () => {
    expect(openHorizonEnd({ horizonEnd: T0 }, config)).toBe(T0);
    expect(openHorizonEnd({ horizonEnd: T0, settled: { kind: "converted", at: T0 } }, config)).toBeNull();
    expect(openHorizonEnd({ horizonEnd: Number.MAX_SAFE_INTEGER }, config)).toBeNull();
    expect(openHorizonEnd(undefined, config)).toBeNull();
    const without = { models: [{ ...config.models[0]!, outcomes: undefined }] };
    expect(openHorizonEnd({ horizonEnd: T0 }, without)).toBeNull();
  });
});
