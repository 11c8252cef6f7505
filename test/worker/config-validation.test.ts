import { describe, expect, it } from "vitest";
import { adminFetch, env, putConfig, shopConfig, uniqueSite } from "./helpers";

/** A PUT's outcome: the 422's issues, or the 200's warnings, as "path code-or-message" lines. */
async function outcome(site: string, config: unknown): Promise<{ status: number; issues: Array<{ path: string; message: string }>; warnings: Array<{ path: string; code: string; message: string }> }> {
  const res = await putConfig(site, config);
  const body = (await res.json()) as any;
  return { status: res.status, issues: body.error?.issues ?? [], warnings: body.warnings ?? [] };
}

function withChange(site: string, change: (c: any) => void): any {
  const c: any = shopConfig(site, { promo: { label: "hot", requireEvent: "cart_add" } });
  change(c);
  return c;
}

describe("config validation through the API", () => {
  it("answers every mistake of a config in one 422, shape and semantics together", async () => {
    const site = uniqueSite();
    const bad = withChange(site, (c) => {
      c.models[0].rules[0].when.props = { total: { gte: "50" } };
      c.models[0].rules[1].cap = "daily";
      c.models[0].rules[2].id = "pricing";
      c.models[0].decay = "0s";
      c.webhooks[0].url = "https://192.168.1.2/hook";
    });
    const { status, issues } = await outcome(site, bad);
    expect(status).toBe(422);
    expect(issues.map((i) => i.path).sort()).toEqual(
      ["$.models[0].rules[0].when.props.total.gte", "$.models[0].rules[1].cap", "$.models[0].rules[2].id", "$.models[0].decay", "$.webhooks[0].url"].sort(),
    );
    expect(issues.find((i) => i.path.endsWith(".gte"))!.message).toMatch(/expected number, received string/);
    expect(issues.find((i) => i.path.endsWith(".cap"))!.message).toMatch(/"once", \{ "max": N \}.*"per": "hour" \| "day" \| "week"/);
    expect((await adminFetch(`/v1/sites/${site}/config`)).status).toBe(404);
  });

  it.each<[string, (c: any) => void, string, RegExp]>([
    ['decay: "0s" (a half-life of nothing)', (c) => (c.models[0].decay = "0s"), "$.models[0].decay", /omit decay/],
    ["when.props on an identify (identify carries traits)", (c) => c.models[0].rules.push({ id: "pro", event: "identify", when: { props: { plan: "pro" } }, points: 5 }), "$.models[0].rules[5].when.props", /traits, not props/],
  ])("refuses %s with a 422", async (_name, change, path, message) => {
    const site = uniqueSite();
    const { status, issues } = await outcome(site, withChange(site, change));
    expect(status).toBe(422);
    expect(issues.find((i) => i.path === path)?.message).toMatch(message);
  });

  it.each<[string, (c: any) => void, string, string, RegExp]>([
    ['a rule on "Email Opened" (the Segment route sends email_open)', (c) => (c.models[0].rules[3].event = "Email Opened"), "segment_event_name", "$.models[0].rules[3].event", /did you mean "email_open"/],
    ['the typo "pageview"', (c) => (c.models[0].rules[4].event = "pageview"), "unknown_event", "$.models[0].rules[4].event", /did you mean "page_view"/],
    ["a trait-name typo", (c) => c.models[0].rules.push({ id: "a", trait: "companySize", match: { gte: 10 }, points: 5 }, { id: "b", trait: "companySize", match: { gte: 100 }, points: 5 }, { id: "c", trait: "compnySize", match: { gte: 500 }, points: 5 }), "trait_not_seen", "$.models[0].rules[7].trait", /not seen yet.*did you mean "companySize"/],
    ["a hot line at 120 on a 0-100 scale", (c) => { c.models[0].scale = { min: 0, max: 100 }; c.models[0].labels[2].min = 120; }, "unreachable_line", "$.models[0].labels[2].min", /scale stops at 100/],
    ["a promo label no model has", (c) => (c.promo.label = "vip"), "unknown_promo_label", "$.promo.label", /no model has a label "vip"/],
    ["a requireEvent typo", (c) => (c.promo.requireEvent = "cartadd"), "unknown_event", "$.promo.requireEvent", /did you mean "cart_add"/],
    ["a webhook secret naming a Worker secret that is not set", (c) => (c.webhooks[0].secret = { env: "TEST_WEBHOOK_SECRET_OLD" }), "secret_not_set", "$.webhooks[0].secret.env", /TEST_WEBHOOK_SECRET_OLD is not set/],
  ])("saves %s and warns", async (_name, change, code, path, message) => {
    const site = uniqueSite();
    const { status, warnings } = await outcome(site, withChange(site, change));
    expect(status).toBe(200);
    const hit = warnings.find((w) => w.code === code && w.path === path);
    expect(hit, JSON.stringify(warnings)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it("warns about a trait no lead has carried once the site has seen trait names", async () => {
    const site = uniqueSite();
    const stub = env.SITES.getByName(site);
    await stub.recordTraitNames(["email", "company_size"]);
    const config = withChange(site, (c) => c.models[0].rules.push({ id: "size", trait: "companySize", match: { gte: 10 }, points: 5 }));
    const { warnings } = await outcome(site, config);
    expect(warnings).toEqual([
      { path: "$.models[0].rules[5].trait", code: "trait_not_seen", message: 'trait "companySize" not seen yet: no identify of this site has carried "companySize"; did you mean "company_size"?' },
    ]);
    await stub.recordTraitNames(["companySize"]);
    expect((await outcome(site, config)).warnings).toEqual([]);
    expect(await stub.traitNames()).toEqual(["companySize", "company_size", "email"]);
  });

  it("answers no warnings for a sound config", async () => {
    const site = uniqueSite();
    expect(await outcome(site, withChange(site, () => {}))).toEqual({ status: 200, issues: [], warnings: [] });
  });
});
