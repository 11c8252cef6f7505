import { describe, expect, it } from "vitest";
import { LEAD, MemoryLead, page, stored, T0 } from "./fixtures";

const MIN = 60_000;
/** Webhook deliveries as type>endpoint, then "index" when the decision owes the site an index entry. */
const types = (d: ReturnType<MemoryLead["send"]>) => [...d.added.map((x) => `${x.type}>${x.endpointId}`), ...(d.index ? ["index"] : [])];
/** The fixture's config as version 2, with the hot line moved down from 60 to 31 (warm stays at 30). */
function hotAt31() {
  const s = stored({}, 2);
  const model = s.config.models[0]!;
  s.config.models[0] = { ...model, labels: model.labels.map((l) => (l.name === "hot" ? { ...l, min: 31 } : l)) };
  return s;
}

describe("decide: the index hears of a lead once on its own", () => {
  it("lists a lead at its first scored batch and not at later in-band ones", () => {
    const lead = new MemoryLead();
    expect(types(lead.send([page("/", T0)], T0 + 1))).toEqual(["index"]);
    expect(lead.record?.indexOwed).toMatchObject({ leadId: LEAD, score: 1, label: "cold" });
    expect(types(lead.send([page("/", T0 + MIN)], T0 + MIN + 1))).toEqual([]);
  });
});

describe("decide: a re-score", () => {
  it("reports the new config's label change with cause config, records it, and lists the new score", () => {
    const lead = new MemoryLead();
    lead.send([page("/pricing", T0)], T0 + 1); // 30 + 1: warm
    const d = lead.run({ request: null, config: hotAt31(), now: T0 + 2, rescore: { notify: true } });
    expect(d.changes).toMatchObject([{ type: "lead.label_changed", from: "warm", to: "hot", cause: { kind: "config" } }]);
    expect(types(d)).toEqual(["lead.label_changed>crm", "index"]);
    expect(d.record).toMatchObject({ configVersion: 2, rescored: { version: 2, label: true, stage: false } });
  });

  it("with notify false changes the label without a webhook, and the next event reports nothing for it", () => {
    const quiet = new MemoryLead();
    quiet.send([page("/pricing", T0)], T0 + 1);
    const silent = quiet.run({ request: null, config: hotAt31(), now: T0 + 2, rescore: { notify: false } });
    expect(silent.record.lastView?.label).toBe("hot");
    expect(types(silent)).toEqual(["index"]);
    expect(silent.record.rescored).toEqual({ version: 2, label: true, stage: false });
    const next = quiet.run({ request: null, config: hotAt31(), now: T0 + 3 });
    expect(next.changes).toEqual([]);
  });

  it("changes nothing for a lead the new config leaves where it was", () => {
    const lead = new MemoryLead();
    lead.send([page("/", T0)], T0 + 1); // 1: cold under both
    const d = lead.run({ request: null, config: hotAt31(), now: T0 + 2, rescore: { notify: true } });
    expect(d.changes).toEqual([]);
    expect(d.record.rescored).toEqual({ version: 2, label: false, stage: false });
  });
});
