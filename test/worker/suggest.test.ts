// Suggested weights through the real worker: the synthetic site's leads arrive through Segment's
// /v1/batch (timestamps in the past, so every horizon has ended), each Lead object replays its own
// events into its row, and the route fits. The config in force over-weights a rule that has no effect.

import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { leadIdForAnonymous } from "../../worker/lead/ids";
import { outcomeRow } from "../../worker/model/features";
import { suggestWeights } from "../../worker/model/suggest";
import { sampleIds } from "../../worker/site/sample";
import { RESPONSE_SCHEMAS } from "../../worker/routes/openapi";
import { segmentBatches, syntheticConfig, syntheticSite } from "../support/synthetic-site";
import { adminFetch, env, outboxDrained, putConfig, shopConfig, uniqueSite } from "./helpers";

/** The site the test write key belongs to ("segtest.<secret>"); storage is this file's own. */
const SITE = "segtest";
const DAY = 86_400_000;
const LEADS = 1_000;

/** The answer, checked against the schema the OpenAPI document names for it. */
function documented(name: "Suggestion" | "Error", body: unknown): any {
  expect(RESPONSE_SCHEMAS[name]!.safeParse(body).error?.issues ?? []).toEqual([]);
  return body;
}

const suggest = (site: string, body?: unknown) =>
  adminFetch(`/v1/sites/${site}/suggest`, { method: "POST", ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });

describe("POST /v1/sites/{site}/suggest", () => {
  it("lowers the points of a rule over-weighted by mistake, raises the held-out AUC, and leaves the live config alone", { timeout: 180_000 }, async () => {
    // newsletter opens have no effect on converting; the config in force gives each 30 points.
    const config = { ...syntheticConfig({ overweight: { rule: "newsletter", points: 30 } }), writeKey: { env: "TEST_WRITE_KEY" } };
    expect((await putConfig(SITE, config)).status).toBe(200);
    const leads = syntheticSite({ seed: 21, leads: LEADS, start: Date.now() - 90 * DAY });
    const auth = `Basic ${btoa(`${env.TEST_WRITE_KEY}:`)}`;
    for (const body of segmentBatches(leads)) {
      const res = await SELF.fetch("https://leadscore.test/v1/batch", { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    }
    // Each lead's first scored batch reaches the site's index through its outbox.
    for (let i = 0; i < leads.length; i += 50) await Promise.all(leads.slice(i, i + 50).map((lead) => outboxDrained(SITE, lead.id)));

    const res = await suggest(SITE, { trainFraction: 0.7, seed: 3 });
    expect(res.status).toBe(200);
    const answer = documented("Suggestion", await res.json());
    expect(answer.leads).toEqual({ total: LEADS, asked: LEADS, decided: LEADS, failed: 0 });
    const newsletter = answer.rules.find((r: any) => r.rule === "newsletter");
    expect(newsletter.current).toBe(30);
    expect(newsletter.suggested).toBeLessThan(30);
    expect(answer.auc.suggested).toBeGreaterThan(answer.auc.current);
    // No rule decays here, so the live score's peak is the current points on the same hits.
    expect(answer.auc.currentScore).toBeCloseTo(answer.auc.current, 9);

    // The same fit, computed here from the generator's own events without the worker, agrees exactly.
    const rows = await Promise.all(leads.map(async (lead) => ({ leadId: await leadIdForAnonymous(SITE, lead.id), ...outcomeRow(lead.events, config, "synthetic", Date.now())! })));
    const expected = suggestWeights(config, "synthetic", rows, { trainFraction: 0.7, seed: 3, l2: 1 });
    expect(answer.rules).toEqual(expected.rules);
    expect(answer.split).toEqual(expected.split);

    // A seeded sample asks only that many leads, drawn from the index's ids as the backtest draws them,
    // and fits exactly what the same rows give here; the same seed draws the same leads again.
    const SAMPLE = 300;
    const sampled = documented("Suggestion", await (await suggest(SITE, { trainFraction: 0.7, seed: 3, sample: SAMPLE })).json());
    expect(sampled.leads).toEqual({ total: LEADS, asked: SAMPLE, decided: SAMPLE, failed: 0 });
    const chosen = new Set(sampleIds(rows.map((r) => r.leadId).sort(), SAMPLE, 3));
    const fromSample = suggestWeights(config, "synthetic", rows.filter((r) => chosen.has(r.leadId)), { trainFraction: 0.7, seed: 3, l2: 1 });
    expect(sampled.rules).toEqual(fromSample.rules);
    expect(sampled.split).toEqual(fromSample.split);
    expect(sampled.split.training.leads + sampled.split.heldOut.leads).toBe(SAMPLE);
    const again = documented("Suggestion", await (await suggest(SITE, { trainFraction: 0.7, seed: 3, sample: SAMPLE })).json());
    expect(again.rules).toEqual(sampled.rules);

    // The candidate is the config in force with the suggested points; it is valid as it stands, and nothing was saved.
    const inForce = await adminFetch(`/v1/sites/${SITE}/config`);
    expect(inForce.headers.get("etag")).toBe('"v1"');
    const live = (await inForce.json()) as any;
    expect(live.models[0].rules.find((r: any) => r.id === "newsletter").points).toBe(30);
    expect(answer.candidate.models[0].rules.map((r: any) => r.points)).toEqual(answer.rules.map((r: any) => r.suggested));
    expect({ ...answer.candidate, models: [] }).toEqual({ ...live, models: [] });
    const preview = await adminFetch(`/v1/sites/${SITE}/rescore/preview`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ config: answer.candidate }) });
    expect(preview.status).toBe(200);
  });

  it.each([
    { what: "a train fraction out of range", body: { trainFraction: 2 }, path: "$.trainFraction" },
    { what: "a negative penalty", body: { l2: -1 }, path: "$.l2" },
    { what: "a seed that is no integer", body: { seed: 1.5 }, path: "$.seed" },
    { what: "an empty sample", body: { sample: 0 }, path: "$.sample" },
    { what: "an unknown key", body: { horizon: "30d" }, path: "$" },
    { what: "an unknown model", body: { model: "nope" }, path: "$.model" },
    { what: "a model without outcomes", body: {}, path: "$.model" },
  ])("answers 422 naming the path for $what", async ({ body, path }) => {
    const site = uniqueSite("suggest");
    await putConfig(site, shopConfig(site));
    const res = await suggest(site, body);
    expect(res.status).toBe(422);
    const error = documented("Error", await res.json()).error;
    expect(error.issues.map((i: any) => i.path)).toContain(path);
  });

  it("takes a bare POST with no body, answers a site with too few outcomes with a notice instead of a fit, and is admin-only", async () => {
    const site = uniqueSite("suggest");
    await putConfig(site, shopConfig(site, {}, { outcomes: { horizon: "30d", conversion: [{ event: "purchase" }] } }));
    const res = await suggest(site);
    expect(res.status).toBe(200);
    const answer = documented("Suggestion", await res.json());
    expect(answer).toMatchObject({ model: "shop", leads: { total: 0, asked: 0, decided: 0 }, candidate: null, auc: { current: null, suggested: null } });
    expect(answer.notice).toContain("a fit needs at least 10 of each");
    expect((await SELF.fetch(`https://leadscore.test/v1/sites/${site}/suggest`, { method: "POST" })).status).toBe(401);
    expect((await suggest("no-such-site-suggest", {})).status).toBe(404);
  });
});
