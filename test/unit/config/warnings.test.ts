import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { siteConfigSchema, type SiteConfig } from "../../../worker/site/config";
import { configWarnings, didYouMean, editDistance, type WarningContext } from "../../../worker/site/config-warnings";

const SECRETS: Record<string, string> = {
  SHOP_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  SHOP_WRITE_KEY: "shop.wk_0123456789",
  SHORT_SECRET: "whsec_c2hvcnQ=",
  OTHER_SITE_KEY: "other.wk_0123456789",
};
const CONTEXT: WarningContext = { site: "shop", secret: (name) => SECRETS[name], seenTraits: [] };

function config(change: (c: any) => void = () => {}): SiteConfig {
  const c: any = {
    origins: ["https://shop.example"],
    writeKey: { env: "SHOP_WRITE_KEY" },
    webhooks: [{ id: "sales", url: "https://hooks.example/x", secret: { env: "SHOP_WEBHOOK_SECRET" } }],
    promo: { label: "hot", requireEvent: "cart_add" },
    models: [
      {
        id: "shop",
        scale: { min: 0, max: 100 },
        rules: [
          { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 20 },
          { id: "cart", event: "cart_add", points: 25 },
          { id: "size", trait: "companySize", match: { gte: 50 }, points: 10 },
          { id: "size-big", trait: "companySize", match: { gte: 500 }, points: 10 },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
      },
    ],
  };
  change(c);
  return siteConfigSchema.parse(c);
}

const codes = (c: SiteConfig, context = CONTEXT) => configWarnings(c, context).map((w) => `${w.code} ${w.path}`);

describe("configWarnings", () => {
  it("has nothing to say about a sound config", () => {
    expect(configWarnings(config(), CONTEXT)).toEqual([]);
  });

  it.each(["b2b.json", "b2c-shop.json"])("has nothing to say about examples/%s", (name) => {
    const example = siteConfigSchema.parse(JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), "utf8")));
    expect(configWarnings(example, CONTEXT)).toEqual([]);
  });

  it.each<[string, (c: any) => void, string, RegExp]>([
    ["a Segment spec name the Segment route renames", (c) => (c.models[0].rules[1].event = "Email Opened"), "segment_event_name $.models[0].rules[1].event", /did you mean "email_open"/],
    ["a Segment name in a list", (c) => (c.models[0].rules[1].event = ["cart_add", "Product Added"]), "segment_event_name $.models[0].rules[1].event[1]", /"cart_add"/],
    ["a typo of a standard name", (c) => (c.models[0].rules[0].event = "pageview"), "unknown_event $.models[0].rules[0].event", /did you mean "page_view"/],
    ["a standard name in another case", (c) => (c.models[0].rules[1].event = "Cart_Add"), "unknown_event $.models[0].rules[1].event", /did you mean "cart_add"/],
    ["a typo of a name the config uses more", (c) => c.models[0].rules.push({ id: "w1", event: "webinar_joined", points: 5 }, { id: "w2", event: "webinar_joined", points: 5 }, { id: "w3", event: "webinar_joind", points: 5 }), "unknown_event $.models[0].rules[6].event", /did you mean "webinar_joined"/],
    ["a line the scale cannot reach", (c) => (c.models[0].labels[2].min = 120), "unreachable_line $.models[0].labels[2].min", /scale stops at 100/],
    ["a line the capped rules cannot reach", (c) => { delete c.models[0].scale; c.models[0].rules = [{ id: "a", event: "page_view", points: 20, cap: "once" }, { id: "b", event: "cart_add", points: 10, cap: { max: 2 } }]; }, "unreachable_line $.models[0].labels[2].min", /add up to 40 at most/],
    ["a promo label no model has", (c) => (c.promo.label = "Hot"), "unknown_promo_label $.promo.label", /did you mean "hot"/],
    ["a requireEvent typo", (c) => (c.promo.requireEvent = "cart_ad"), "unknown_event $.promo.requireEvent", /did you mean "cart_add"/],
    ["a requireEvent nothing knows", (c) => (c.promo.requireEvent = "coupon_seen"), "unknown_event $.promo.requireEvent", /no rule scores "coupon_seen"/],
    ["a webhook secret that is not set", (c) => (c.webhooks[0].secret.env = "SHOP_WEBHOOK_SECRE"), "secret_not_set $.webhooks[0].secret.env", /SHOP_WEBHOOK_SECRE is not set/],
    ["a previous secret that is not set", (c) => (c.webhooks[0].previousSecret = { env: "OLD_SECRET" }), "secret_not_set $.webhooks[0].previousSecret.env", /OLD_SECRET/],
    ["a webhook secret that is not whsec_", (c) => (c.webhooks[0].secret.env = "SHORT_SECRET"), "secret_malformed $.webhooks[0].secret.env", /whsec_/],
    ["a write key that is not set", (c) => (c.writeKey.env = "NOPE"), "secret_not_set $.writeKey.env", /401/],
    ["a write key of another site", (c) => (c.writeKey.env = "OTHER_SITE_KEY"), "write_key_site $.writeKey.env", /"shop\."/],
    ["a trait typo next to a trait the config uses", (c) => (c.models[0].rules[3].trait = "companySise"), "trait_not_seen $.models[0].rules[3].trait", /not seen yet.*did you mean "companySize"/],
    ["a trait typo of a common trait", (c) => c.models[0].rules.push({ id: "t", trait: "emial", match: { exists: true }, points: 1 }), "trait_not_seen $.models[0].rules[4].trait", /did you mean "email"/],
    ["props on a rule that also takes identify", (c) => (c.models[0].rules[1] = { id: "x", event: ["identify", "signup"], when: { props: { plan: "pro" } }, points: 5 }), "props_on_identify $.models[0].rules[1].when.props", /traits, not props/],
  ])("warns about %s", (_name, change, expected, message) => {
    const warnings = configWarnings(config(change), CONTEXT);
    const hit = warnings.find((w) => `${w.code} ${w.path}` === expected);
    expect(hit, JSON.stringify(warnings)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it("warns about every trait no lead has carried once leads report them, and names the nearest one seen", () => {
    const seenTraits = ["company_size", "email", "company.industry"];
    expect(codes(config(), { ...CONTEXT, seenTraits })).toEqual(["trait_not_seen $.models[0].rules[2].trait", "trait_not_seen $.models[0].rules[3].trait"]);
    const [first] = configWarnings(config(), { ...CONTEXT, seenTraits });
    expect(first!.message).toMatch(/no identify of this site has carried "companySize"; did you mean "company_size"\?/);
    expect(codes(config(), { ...CONTEXT, seenTraits: ["companySize"] })).toEqual([]);
  });

  it("counts a nested trait as seen through its object", () => {
    const nested = config((c) => (c.models[0].rules[2].trait = c.models[0].rules[3].trait = "company.employees"));
    expect(codes(nested, { ...CONTEXT, seenTraits: ["company"] })).toEqual([]);
    expect(codes(nested, { ...CONTEXT, seenTraits: ["company.employees.count"] })).toEqual([]);
  });

  it("leaves a custom event alone when it is near no known name", () => {
    expect(codes(config((c) => (c.models[0].rules[1].event = "webinar_attended")))).toEqual([]);
  });
});

describe("didYouMean", () => {
  it.each<[string, string[], string | undefined]>([
    ["pageview", ["page_view", "cart_add"], "page_view"],
    ["PageView", ["page_view"], "page_view"],
    ["cart_ad", ["page_view", "cart_add"], "cart_add"],
    ["checkout", ["page_view", "cart_add"], undefined],
    ["ab", ["ac"], "ac"],
    ["ab", ["cd"], undefined],
  ])("%s among %j: %s", (name, known, meant) => {
    expect(didYouMean(name, known)).toBe(meant);
  });

  it("measures edits, bounded", () => {
    expect(editDistance("kitten", "sitting", 5)).toBe(3);
    expect(editDistance("kitten", "sitting", 2)).toBe(3);
    expect(editDistance("a", "abcdef", 2)).toBe(3);
    expect(editDistance("emial", "email", 2)).toBe(1); // a swap is one edit
  });
});
