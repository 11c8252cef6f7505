/**
 * The model report's acceptance test: a synthetic site with known ground truth (a few thousand leads
 * whose conversion probability is a known logistic function of their behaviour) runs through the
 * real worker (`/v1/batch`, real Lead and Site objects, real storage), and the report's conversion
 * rates, lift and AUC are checked against the same figures computed here from the generator's truth
 * with plain arithmetic; then a backtest of the live config reproduces the live report.
 *
 * Tolerance: 1e-4, and only because the report rounds every ratio to 4 decimals. The leads and
 * conversions counted are exact, and so is the AUC: the synthetic scores are whole numbers and the
 * report's score histogram has 1-point buckets, so no two different scores share a bucket.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { adminFetch, env, eventually, putConfig, shopConfig } from "./helpers";
import {
  SYNTHETIC_LABELS,
  exactAuc,
  expectedLabel,
  expectedScore,
  segmentBatches,
  syntheticConfig,
  syntheticSite,
  type SyntheticLead,
} from "../support/synthetic-site";

const SITE = "synth";
const DAY = 86_400_000;
const LEADS = 2000;
const TOLERANCE_DIGITS = 4;

/** Leads arrive over 28 days ending 47 days ago: every 30-day horizon has closed by now. */
const START = Date.now() - 75 * DAY;
const leads = syntheticSite({ seed: 11, leads: LEADS, start: START });
const config = syntheticConfig();
const siteConfig = (scoring: { models: unknown[] }) => ({ ...shopConfig(SITE, { writeKey: { env: "TEST_WRITE_KEY_SYNTH" } }), webhooks: [], models: scoring.models });

async function batch(body: unknown): Promise<Response> {
  return fetchSegment("/v1/batch", body);
}

function fetchSegment(path: string, body: unknown): Promise<Response> {
  const auth = `Basic ${btoa(`${env.TEST_WRITE_KEY_SYNTH}:`)}`;
  return adminFetch(path, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function report(query = ""): Promise<any> {
  const res = await adminFetch(`/v1/sites/${SITE}/report${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

/** The figures the report should show, from the generator's truth with plain arithmetic. */
function truth(all: SyntheticLead[]) {
  const rows = all.map((l) => ({ score: expectedScore(l, config), positive: l.converted, label: expectedLabel(expectedScore(l, config)) }));
  const conversions = rows.filter((r) => r.positive).length;
  const baseRate = conversions / rows.length;
  const labels = SYNTHETIC_LABELS.map(({ name }, rank) => {
    const inLabel = rows.filter((r) => r.label === name);
    const atOrAbove = rows.filter((r) => SYNTHETIC_LABELS.findIndex((b) => b.name === r.label) >= rank);
    const rate = inLabel.filter((r) => r.positive).length / inLabel.length;
    return {
      name,
      leads: inLabel.length,
      conversions: inLabel.filter((r) => r.positive).length,
      rate,
      lift: rate / baseRate,
      precision: atOrAbove.filter((r) => r.positive).length / atOrAbove.length,
      recall: atOrAbove.filter((r) => r.positive).length / conversions,
    };
  });
  return { leads: rows.length, conversions, baseRate, auc: exactAuc(rows), labels };
}

beforeAll(async () => {
  expect((await putConfig(SITE, siteConfig(config))).status).toBe(200);
  const bodies = segmentBatches(leads);
  // A few batches at a time, as a back-fill script would send them.
  for (let i = 0; i < bodies.length; i += 4) {
    const answers = await Promise.all(bodies.slice(i, i + 4).map(batch));
    for (const res of answers) expect(res.status).toBe(200);
  }
  // Each lead settles its outcome as it ingests (its horizon is over) and delivers it to the site
  // object right after its commit: wait until every one has arrived.
  await eventually(async () => (await report(`?from=${new Date(START).toISOString()}`)).leads === LEADS || false, 90_000);
  // The backtest walks the lead index, which each lead joins through its outbox too.
  await eventually(async () => ((await env.SITES.getByName(SITE).leadIdsAfter("", LEADS + 1)) as string[]).length === LEADS, 90_000);
}, 240_000);

describe("the model report on a synthetic site with known ground truth", () => {
  it("counts every lead and conversion, and matches rates, lift, precision, recall and AUC computed from the truth", async () => {
    const expected = truth(leads);
    const got = await report(`?from=${new Date(START).toISOString()}`);
    expect(got).toMatchObject({ site: SITE, model: "synthetic", status: "ok", horizon: "30d", scoreBucket: 1 });
    expect(got.leads).toBe(expected.leads);
    expect(got.conversions).toBe(expected.conversions);
    expect(got.baseRate).toBeCloseTo(expected.baseRate, TOLERANCE_DIGITS);
    expect(got.auc).toBeCloseTo(expected.auc, TOLERANCE_DIGITS);
    // The scores carry the truth's ordering (points are 20 x the logit weights): a useful model.
    expect(got.auc).toBeGreaterThan(0.65);
    for (const want of expected.labels) {
      const label = got.labels.find((l: any) => l.name === want.name);
      expect(label).toMatchObject({ leads: want.leads, conversions: want.conversions });
      expect(label.rate).toBeCloseTo(want.rate, TOLERANCE_DIGITS);
      expect(label.lift).toBeCloseTo(want.lift, TOLERANCE_DIGITS);
      expect(label.precision).toBeCloseTo(want.precision, TOLERANCE_DIGITS);
      expect(label.recall).toBeCloseTo(want.recall, TOLERANCE_DIGITS);
    }
    // Hot converts more than warm, warm more than cold: lift rises with the label.
    const [cold, warm, hot] = got.labels;
    expect(cold.lift).toBeLessThan(warm.lift);
    expect(warm.lift).toBeLessThan(hot.lift);
    // Every lead is in stage "lead": its row is the whole site.
    expect(got.stages).toEqual([{ name: "lead", leads: expected.leads, conversions: expected.conversions, rate: got.baseRate, lift: 1 }]);
  });

  it("gives the median time from each label to conversion, and a weekly trend whose weeks add up to the whole", async () => {
    const got = await report(`?from=${new Date(START).toISOString()}`);
    const converted = leads.filter((l) => l.converted);
    // Every converting lead shows cold from its first event: the median of purchase - first event, to the hour.
    const waits = converted.map((l) => l.convertedAt! - l.firstSeen).sort((a, b) => a - b);
    const medianWait = waits[Math.ceil(waits.length / 2) - 1]!;
    expect(Math.abs(got.labels[0].medianTimeToConversionMs - medianWait)).toBeLessThanOrEqual(DAY);
    expect(got.weeks.length).toBeGreaterThanOrEqual(4);
    expect(got.weeks.reduce((n: number, w: any) => n + w.leads, 0)).toBe(LEADS);
    expect(got.weeks.reduce((n: number, w: any) => n + w.conversions, 0)).toBe(got.conversions);
    expect(got.weeks.every((w: any) => w.complete)).toBe(true);
  });

  it("narrows to the weeks asked for: the leads first seen in them", async () => {
    const weekStart = Date.parse((await report(`?from=${new Date(START).toISOString()}`)).weeks[1].week);
    const got = await report(`?from=${new Date(weekStart).toISOString()}&to=${new Date(weekStart + 7 * DAY).toISOString()}`);
    const inWeek = leads.filter((l) => l.firstSeen >= weekStart && l.firstSeen < weekStart + 7 * DAY);
    expect(got.leads).toBe(inWeek.length);
    expect(got.conversions).toBe(inWeek.filter((l) => l.converted).length);
  });

  it("is reproduced by a backtest of the live config, and a rule over-weighted by mistake lowers the candidate's AUC", async () => {
    const from = new Date(START).toISOString();
    const live = await report(`?from=${from}`);
    const overweighted = syntheticConfig({ overweight: { rule: "newsletter", points: 30 } });
    const res = await adminFetch(`/v1/sites/${SITE}/backtest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ config: siteConfig(overweighted), from, limit: 5 }),
    });
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.leads).toEqual({ total: LEADS, replayed: LEADS, failed: 0 });
    const { site: _s, from: _f, to: _t, ...figures } = live;
    expect(body.current).toEqual(figures);
    expect(body.candidate.auc).toBeLessThan(body.current.auc);
    expect(body.candidate.auc).toBeCloseTo(exactAuc(leads.map((l) => ({ score: expectedScore(l, overweighted), positive: l.converted }))), TOLERANCE_DIGITS);
    // The leads whose label moves: the ones whose 30 points a newsletter open add cross a line.
    const moving = leads.filter((l) => expectedLabel(expectedScore(l, config)) !== expectedLabel(expectedScore(l, overweighted)));
    expect(body.changed.count).toBe(moving.length);
    expect(body.changed.leads).toHaveLength(5);
    expect(body.changed.next).toBe(body.changed.leads[4].leadId);
  });

  it("backtests a seeded sample: the same seed replays the same leads", async () => {
    const ask = async (seed: number) =>
      (await (await adminFetch(`/v1/sites/${SITE}/backtest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ config: siteConfig(config), from: new Date(START).toISOString(), sample: 300, seed }) })).json()) as any;
    const [a, b] = [await ask(5), await ask(5)];
    expect(a.leads).toEqual({ total: LEADS, replayed: 300, failed: 0 });
    expect(a.current.leads).toBe(300);
    expect(b.current).toEqual(a.current);
    // Nothing is stored: the live report still counts the whole site.
    expect((await report(`?from=${new Date(START).toISOString()}`)).leads).toBe(LEADS);
  });
});
