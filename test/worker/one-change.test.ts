import { describe, expect, it } from "vitest";
import { getLead, outboxDrained, pageView, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

/** Every webhook a site's receiver got, parsed, once the given leads owe nothing more. */
async function settled(site: string, refs: string[]): Promise<any[]> {
  for (const ref of refs) await outboxDrained(site, ref);
  return (await received(site)).map((h) => JSON.parse(h.body));
}

describe("one webhook per real change", () => {
  it("sends one lead.grade_changed when a separate model's fit grade changes, and carries the grade everywhere", async () => {
    const site = uniqueSite("grade");
    const anon = "visitor-grade-01";
    await putConfig(
      site,
      shopConfig(site, {}, {
        combine: "separate",
        grades: [{ name: "D" }, { name: "C", min: 10 }, { name: "B", min: 25 }],
        rules: [
          { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 30, cap: "once" },
          { id: "size-mid", trait: "companySize", match: { gte: 50 }, points: 30 },
        ],
      }),
    );
    const first = await send(site, anon, [pageView("/pricing")]);
    expect(first.body.lead).toMatchObject({ score: 30, label: "warm", grade: "D" });
    // Fit is the grade only: 30 fit points move the grade from D to B and leave the score at 30.
    const identified = await send(site, anon, [wire("i", "identify", { tr: { companySize: 200 } })]);
    expect(identified.body.lead).toMatchObject({ score: 30, label: "warm", grade: "B" });

    const hooks = await settled(site, [anon]);
    const grades = hooks.filter((p) => p.type === "lead.grade_changed");
    expect(grades).toHaveLength(1);
    expect(grades[0].data).toMatchObject({ previous: "D", current: "B", direction: "up", cause: { kind: "event", event: { name: "identify" } } });
    expect(grades[0].data.lead).toMatchObject({ grade: "B", model: "shop", score: 30 });
    const label = hooks.find((p) => p.type === "lead.label_changed");
    expect(label.data.lead).toMatchObject({ grade: "D", model: "shop", label: "warm" });
  });

  it("an anonymous visitor who became warm and then identifies is reported warm once", async () => {
    const site = uniqueSite("merge");
    await putConfig(site, shopConfig(site));
    const anon = "visitor-merge-01";
    const email = "warm-then-known@example.com";
    await send(site, anon, [pageView("/pricing")]); // 30 + 1 = 31: warm
    await outboxDrained(site, anon);
    const identified = await send(site, anon, [wire("i", "identify", { tr: { name: "Ada" } })], email);
    expect(identified.body.lead).toMatchObject({ label: "warm", score: 31 });

    const hooks = await settled(site, [anon, email]);
    const warm = hooks.filter((p) => p.type === "lead.label_changed" && p.data.previous === "cold" && p.data.current === "warm");
    expect(warm).toHaveLength(1);
    expect(warm[0].data.cause.kind).toBe("event");
    // The person's later crossing is still reported, once, by the known lead.
    await send(site, anon, [wire("t", "cart_add")]); // 31 + 25 = 56 warm
    await send(site, anon, [wire("t", "cart_add")]); // 56 + 25 = 81 hot
    const known = await getLead(site, email);
    const after = await settled(site, [email]);
    expect(after.filter((p) => p.type === "lead.label_changed")).toHaveLength(2);
    expect(after.find((p) => p.data.current === "hot").data.lead.id).toBe(known.body.id);
  });

  it("switching audience between models with differently named stages sends no stage change", async () => {
    const site = uniqueSite("audience");
    const pricing = { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 30, cap: "once" };
    const labels = [{ name: "cold" }, { name: "warm", min: 30 }];
    const config = shopConfig(site);
    config.models = [
      { id: "b2b", audience: { company: { exists: true } }, rules: [pricing], labels, stages: [{ name: "lead" }, { name: "MQL", min: 30 }] },
      { id: "shop", rules: [pricing], labels, stages: [{ name: "visitor" }, { name: "engaged", min: 30 }] },
    ] as never;
    await putConfig(site, config);
    const anon = "visitor-audience-01";
    await send(site, anon, [pageView("/pricing")]); // shop: 30, warm and engaged
    await send(site, anon, [wire("i", "identify", { tr: { company: "Acme" } })]); // b2b: 30, warm and MQL

    const lead = await getLead(site, anon);
    expect(lead.body).toMatchObject({ model: "b2b", stage: "MQL", label: "warm" });
    const hooks = await settled(site, [anon]);
    expect(hooks.map((p) => [p.type, p.data.previous, p.data.current])).toEqual(
      expect.arrayContaining([
        ["lead.label_changed", "cold", "warm"],
        ["lead.stage_changed", "visitor", "engaged"],
      ]),
    );
    expect(hooks).toHaveLength(2);
  });
});
