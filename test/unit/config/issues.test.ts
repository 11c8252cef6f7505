import { describe, expect, it, vi } from "vitest";
import { issuesFromZod } from "../../../worker/http/errors";
import { checkSiteConfig, siteConfigIssues, siteConfigSchema } from "../../../worker/site/config";

function site(change: (c: any) => void = () => {}): any {
  const c: any = {
    origins: ["https://shop.example"],
    webhooks: [{ id: "sales", url: "https://hooks.example/x", secret: { env: "SHOP_WEBHOOK_SECRET" } }],
    models: [
      {
        id: "shop",
        rules: [
          { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 20, cap: "once" },
          { id: "cart", event: "cart_add", points: 25 },
          { id: "title", trait: "jobTitle", match: { pattern: "ceo" }, points: 10 },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
      },
    ],
  };
  change(c);
  return c;
}

const find = (issues: Array<{ path: string; message: string }>, path: string) => issues.find((i) => i.path === path);

describe("site config issues", () => {
  it("reports shape and semantic mistakes of one config together, in one answer", () => {
    // Five mistakes: two of shape, three that only a semantic check sees.
    const bad = site((c) => {
      c.models[0].rules[0].points = "20"; // shape
      c.webhooks[0].types = ["lead.exploded"]; // shape
      c.models[0].rules[1].when = { path: "pricing" }; // semantic: a glob must start with "/"
      c.models[0].labels = [{ name: "cold" }, { name: "hot", min: 60 }, { name: "warm", min: 30 }]; // semantic: order
      c.webhooks[0].url = "https://10.0.0.5/hook"; // semantic: private address
    });
    const paths = siteConfigIssues(bad).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "$.models[0].rules[0].points",
        "$.webhooks[0].types[0]",
        "$.models[0].rules[1].when.path",
        "$.models[0].labels[2].min",
        "$.webhooks[0].url",
      ]),
    );
  });

  it("says a numeric test wants a number, not that a condition wants a string", () => {
    const [issue, ...rest] = siteConfigIssues(site((c) => (c.models[0].rules[1].when = { props: { total: { gte: "50" } } })));
    expect(rest).toEqual([]);
    expect(issue).toEqual({ path: "$.models[0].rules[1].when.props.total.gte", message: expect.stringMatching(/expected number, received string/) });
  });

  it("lists the accepted forms of a cap", () => {
    const issue = find(siteConfigIssues(site((c) => (c.models[0].rules[0].cap = "daily"))), "$.models[0].rules[0].cap");
    expect(issue?.message).toBe('expected a cap: "once", { "max": N } (N times ever) or { "max": N, "per": "hour" | "day" | "week" }, got "daily"');
  });

  it("lists the accepted forms of a decay and a duration", () => {
    expect(find(siteConfigIssues(site((c) => (c.models[0].decay = true))), "$.models[0].decay")?.message).toMatch(/false \(no decay\), a half-life such as "7d", or \{ "halfLife": "7d" \}, got true/);
    expect(find(siteConfigIssues(site((c) => (c.models[0].decay = "soon"))), "$.models[0].decay")?.message).toMatch(/a duration such as "90m", "36h", "7d"/);
    expect(find(siteConfigIssues(site((c) => (c.models[0].decay = { halfLife: -1 }))), "$.models[0].decay.halfLife")?.message).toMatch(/a number of hours above 0 \(for no decay, write false or omit decay\)/);
  });

  it("points at the misspelt key of a rule in a site config (the union branch the author meant)", () => {
    const issues = siteConfigIssues(site((c) => (c.models[0].rules[2].mtach = c.models[0].rules[2].match)));
    expect(issues.map((i) => i.path)).toContain("$.models[0].rules[2]");
    expect(issues.find((i) => i.path === "$.models[0].rules[2]")!.message).toMatch(/mtach/);
  });

  it.each<[string, (c: any) => void, string, RegExp]>([
    ['a model half-life of "0s"', (c) => (c.models[0].decay = "0s"), "$.models[0].decay", /omit decay \(or write false\) for no decay/],
    ['a rule half-life of "0m"', (c) => (c.models[0].rules[1].decay = { halfLife: "0m" }), "$.models[0].rules[1].decay.halfLife", /write false for no decay on this rule, or omit decay to use the model's/],
    ["props on an identify", (c) => (c.models[0].rules[1] = { id: "pro", event: "identify", when: { props: { plan: "pro" } }, points: 5 }), "$.models[0].rules[1].when.props", /carry traits, not props.*fit rule/],
  ])("refuses %s", (_name, change, path, message) => {
    expect(find(siteConfigIssues(site(change)), path)?.message).toMatch(message);
  });

  it("leaves props on a rule that also takes props-carrying events to a warning", () => {
    expect(siteConfigIssues(site((c) => (c.models[0].rules[1] = { id: "pro", event: ["identify", "signup"], when: { props: { plan: "pro" } }, points: 5 })))).toEqual([]);
  });

  it("checks the valid parts of a config whose shape is wrong elsewhere", () => {
    const issues = siteConfigIssues(site((c) => {
      c.models[0].rules[0].points = "20";
      c.models[0].rules[2].match = { pattern: "(" };
      c.models[0].hysteresis = 40;
    }));
    expect(issues.map((i) => i.path)).toEqual(["$.models[0].rules[0].points", "$.models[0].rules[2].match.pattern", "$.models[0].hysteresis"]);
  });

  it("parses a valid config once", () => {
    const spy = vi.spyOn(siteConfigSchema, "safeParse");
    const check = checkSiteConfig(site());
    expect(check.ok).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it("is the same chooser for request bodies (a shared module)", () => {
    const input = { models: [{ id: "m", rules: [{ id: "r", trait: "x", match: 1, ponts: 1 }], labels: [{ name: "c" }] }] };
    const result = siteConfigSchema.safeParse(input);
    expect(issuesFromZod(result.error!, input)).toEqual(siteConfigIssues(input));
  });
});
