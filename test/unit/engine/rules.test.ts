import { describe, expect, it } from "vitest";
import { applyEvents, deriveChannel, explain, newLeadState, type ScoringConfig, type ScoringEvent } from "../../../worker/scoring";
import { T0, ev } from "./fixtures";

function earns(when: unknown, event: Partial<ScoringEvent>, model: Record<string, unknown> = {}): boolean {
  const config = {
    models: [{ id: "m", rules: [{ id: "r", event: ["page_view", "cart_add"], when, points: 1 }], labels: [{ name: "low" }], ...model }],
  } as ScoringConfig;
  const { state } = applyEvents(newLeadState(), [{ id: "e", name: "page_view", ts: T0, ...event }], config, T0);
  return explain(state, config, T0).contributions.length === 1;
}

const URL_BASE = "https://shop.example";

describe("behaviour rule conditions", () => {
  it.each<[string, unknown, Partial<ScoringEvent>, boolean]>([
    ["no when: any event of the name", undefined, {}, true],
    ["path glob with *", { path: "/pricing*" }, { url: `${URL_BASE}/pricing?plan=pro` }, true],
    ["path glob with * and trailing slash", { path: "/pricing*" }, { url: `${URL_BASE}/pricing/` }, true],
    ["path glob * stops at /", { path: "/pricing*" }, { url: `${URL_BASE}/pricing/enterprise` }, false],
    ["path glob **", { path: "/directions/**" }, { url: `${URL_BASE}/directions/berlin/mitte` }, true],
    ["path glob ** matches the folder itself", { path: "/directions/**" }, { url: `${URL_BASE}/directions` }, true],
    ["path globs: any of", { path: ["/pricing*", "/directions*"] }, { url: `${URL_BASE}/directions` }, true],
    ["path glob exclusion", { path: ["/products/**", "!/products/gift-card"] }, { url: `${URL_BASE}/products/gift-card` }, false],
    ["explicit path wins over url", { path: "/signup" }, { path: "/signup", url: `${URL_BASE}/` }, true],
    ["path needs a path", { path: "/**" }, {}, false],
    ["props condition", { props: { plan: "pro" } }, { props: { plan: "Pro" } }, true],
    ["props numeric condition", { props: { price: { gte: 100 } } }, { props: { price: "189.00" } }, true],
    ["props condition misses", { props: { price: { gte: 100 } } }, { props: { price: 14.5 } }, false],
    ["props: missing prop", { props: { plan: { exists: true } } }, { props: {} }, false],
    ["channel explicit", { channel: "email" }, { channel: "email" }, true],
    ["channel from utm_medium=cpc", { channel: "paid" }, { url: `${URL_BASE}/?utm_medium=cpc` }, true],
    ["channel from gclid", { channel: "paid" }, { url: `${URL_BASE}/?gclid=abc` }, true],
    ["channel from search referrer", { channel: ["organic"] }, { url: `${URL_BASE}/`, referrer: "https://www.google.co.uk/" }, true],
    ["channel direct", { channel: "direct" }, { url: `${URL_BASE}/` }, true],
    ["utmSource from URL", { utmSource: "Google" }, { url: `${URL_BASE}/?utm_source=google` }, true],
    ["utmSource from props", { utmSource: ["newsletter"] }, { props: { utm_source: "newsletter" } }, true],
    ["utmCampaign", { utmCampaign: "spring-sale" }, { url: `${URL_BASE}/?utm_campaign=Spring-Sale` }, true],
    ["utmMedium misses", { utmMedium: "email" }, { url: `${URL_BASE}/?utm_medium=cpc` }, false],
    ["content stage from props", { stage: "BOFU" }, { props: { stage: "bofu" } }, true],
    ["content stage from model mapping", { stage: ["BOFU"] }, { url: `${URL_BASE}/pricing` }, true],
    ["content stage mapping misses", { stage: "BOFU" }, { url: `${URL_BASE}/blog/x` }, false],
    ["all conditions must hold", { path: "/pricing*", channel: "paid" }, { url: `${URL_BASE}/pricing` }, false],
  ])("%s", (_name, when, event, expected) => {
    expect(earns(when, event, { contentStages: { TOFU: ["/blog/**"], BOFU: ["/pricing*"] } })).toBe(expected);
  });

  it("matches event lists and the * wildcard", () => {
    const config: ScoringConfig = {
      models: [
        {
          id: "m",
          rules: [
            { id: "list", event: ["demo_request", "quote_request"], points: 30 },
            { id: "any", event: "*", points: 1 },
          ],
          labels: [{ name: "low" }],
        },
      ],
    };
    const { state } = applyEvents(newLeadState(), [ev("quote_request", T0), ev("whatever", T0 + 1)], config, T0 + 1);
    const byRule = Object.fromEntries(explain(state, config, T0 + 1).contributions.map((c) => [c.rule, c.count]));
    expect(byRule).toEqual({ list: 1, any: 2 });
  });
});

describe("channel derivation", () => {
  it.each([
    ["utm_medium=cpc", "?utm_medium=cpc", undefined, "paid"],
    ["utm_medium=paid_social", "?utm_medium=paid_social", undefined, "paid"],
    ["utm_medium=email", "?utm_medium=email", undefined, "email"],
    ["utm_medium=newsletter", "?utm_medium=newsletter", undefined, "email"],
    ["utm_medium=social", "?utm_medium=social", undefined, "social"],
    ["msclkid", "?msclkid=1", undefined, "paid"],
    ["bing", "", "www.bing.com", "organic"],
    ["duckduckgo", "", "duckduckgo.com", "organic"],
    ["google.de", "", "www.google.de", "organic"],
    ["t.co", "", "t.co", "social"],
    ["linkedin", "", "www.linkedin.com", "social"],
    ["webmail", "", "mail.google.com", "email"],
    ["other site", "", "blog.partner.example", "referral"],
    ["own site", "", "shop.example", "direct"],
    ["no referrer", "", undefined, "direct"],
  ])("%s", (_name, query, referrerHost, channel) => {
    expect(deriveChannel(new URLSearchParams(query), referrerHost, "shop.example")).toBe(channel);
  });
});

describe("download events", () => {
  const config = {
    models: [{ id: "m", rules: [{ id: "docs", event: "download", when: { props: { ext: ["pdf", "docx"] } }, points: 5 }], labels: [{ name: "low" }] }],
  } as ScoringConfig;
  const scores = (props: Record<string, string>) => {
    const { state } = applyEvents(newLeadState(), [{ id: "d", name: "download", ts: T0, props }], config, T0);
    return explain(state, config, T0).contributions.length === 1;
  };

  it.each<[string, Record<string, string>, boolean]>([
    ["reads the extension from the file name the snippet sends", { file: "brew-card.pdf" }, true],
    ["in any case", { file: "Brew%20Card.PDF" }, true],
    ["an explicit ext wins", { file: "brew-card.pdf", ext: "zip" }, false],
    ["a name without extension has none", { file: "brew-guide" }, false],
    ["another extension", { file: "kit.zip" }, false],
  ])("%s", (_name, props, expected) => {
    expect(scores(props)).toBe(expected);
  });
});
