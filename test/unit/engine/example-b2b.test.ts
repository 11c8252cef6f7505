import { describe, expect, it } from "vitest";
import b2bJson from "../../../examples/b2b.json";
import { configIssues, explain, nextCrossing, scoringSchema, view } from "../../../worker/scoring";
import { DAY, HOUR, MINUTE, T0, ev } from "./fixtures";
import { walk } from "./journey";

const config = scoringSchema.parse(b2bJson);
const SITE = "https://saas.example";
/** points earned `days` ago under the model's 14 d half-life */
const d = (points: number, days: number) => points * 2 ** (-days / 14);
const r = (x: number) => Math.round(x * 100) / 100;
const page = (ts: number, path: string, extra = {}) => ({ event: ev("page_view", ts, { url: `${SITE}${path}`, referrer: `${SITE}/`, ...extra }) });
const track = (ts: number, name: string, extra = {}) => ({ event: ev(name, ts, extra) });

describe("examples/b2b.json", () => {
  it("is a valid config", () => {
    expect(configIssues(b2bJson)).toEqual([]);
  });

  it("walks a buyer from a blog visit to an opportunity", () => {
    const day = (n: number) => T0 + n * DAY;
    const { seen, state } = walk(config, [
      page(day(0), "/blog/lead-scoring-101", { referrer: "https://www.google.com/" }), // page 1
      page(day(0) + 5 * MINUTE, "/pricing"), // page 1 + pricing 15 (internal navigation: direct, so no bofu-content)
      track(day(1), "email_open"), // 1, own 7 d half-life
      track(day(1) + HOUR, "email_click"), // 5
      page(day(2), "/case-studies/acme"), // page 1 + case study 5
      track(day(2) + HOUR, "download", { props: { file: "roi-whitepaper" } }), // 8
      track(day(3), "identify", { traits: { email: "jane@acme.example", jobTitle: "Marketing Manager", companySize: "250", industry: "SaaS" } }), // fit 30
      track(day(4), "webinar_register"), // 10
      track(day(5), "demo_request"), // 30
      track(day(10), "opportunity_created"),
      { wait: day(60) },
    ]);
    const min5 = 5 / (24 * 60);
    // [points, day earned, half-life in days] of the browsing before the identify
    const EARLY: Array<[number, number, number]> = [
      [1, 0, 14],
      [16, min5, 14],
      [1, 1, 7],
      [5, 1 + 1 / 24, 14],
      [6, 2, 14],
      [8, 2 + 1 / 24, 14],
    ];
    const behaviourAt = (t: number) => EARLY.filter(([, at]) => at <= t).reduce((sum, [p, at, h]) => sum + p * 2 ** (-(t - at) / h), 0);
    expect(seen.map((s) => [s.score, s.label, s.stage, s.grade, s.changes])).toEqual([
      [1, "unqualified", "lead", "D", []],
      [r(d(1, min5) + 16), "unqualified", "lead", "D", []],
      [r(behaviourAt(1)), "unqualified", "lead", "D", []],
      [r(behaviourAt(1 + 1 / 24)), "unqualified", "lead", "D", []],
      [r(behaviourAt(2)), "unqualified", "lead", "D", []],
      [r(behaviourAt(2 + 1 / 24)), "unqualified", "lead", "D", []],
      // manager (+10), 250 people (+10), SaaS (+10): grade B, and the lead is worth a marketer's call
      [
        r(behaviourAt(3) + 30),
        "intermediate",
        "MQL",
        "B",
        ["label_changed:unqualified->intermediate:event", "stage_changed:lead->MQL:event", "grade_changed:D->B:event"],
      ],
      [r(behaviourAt(4) + 30 + 10), "qualified", "MQL", "B", ["label_changed:intermediate->qualified:event"]],
      [r(behaviourAt(5) + 30 + d(10, 1) + 30), "qualified", "SQL", "B", ["stage_changed:MQL->SQL:event"]],
      [r(behaviourAt(10) + 30 + d(10, 6) + d(30, 5)), "qualified", "opportunity", "B", ["stage_changed:SQL->opportunity:event"]],
      // two months on: interest has faded to the fit (30) alone, the opportunity stays open
      [r(behaviourAt(60) + 30 + d(10, 56) + d(30, 55)), "unqualified", "opportunity", "B", ["label_changed:qualified->intermediate:decay", "label_changed:intermediate->unqualified:decay"]],
    ]);
    expect(nextCrossing(state, config, day(60))).toBeNull();
  });

  it("explains the score of a qualified lead", () => {
    const { state } = walk(config, [
      track(T0, "identify", { traits: { email: "cfo@bigbank.example", jobTitle: "CFO", companySize: 5000, industry: "Fintech", budget: "50000" } }),
      track(T0 + HOUR, "quote_request"),
    ]);
    const x = explain(state, config, T0 + HOUR);
    expect(x).toMatchObject({ score: 85, label: "qualified", stage: "SQL", grade: "A", fitScore: 55, behaviourScore: 30 });
    expect(x.contributions.map((c) => [c.rule, c.points])).toEqual([
      ["demo-request", 30],
      ["title-exec", 20],
      ["size-large", 15],
      ["budget", 10],
      ["industry", 10],
    ]);
    expect(x.nextStage).toBeUndefined();
    expect(x.lowerLine?.name).toBe("qualified");
  });

  it.each([
    ["a student", { occupation: "Student", jobTitle: "Analyst" }, ["student"]],
    ["an intern by title", { jobTitle: "Marketing Intern" }, ["student-title"]],
    ["a competitor", { email: "someone@LeadZilla.example" }, ["competitor"]],
  ])("disqualifies %s", (_who, traits, rules) => {
    const { seen } = walk(config, [page(T0, "/pricing"), track(T0 + MINUTE, "identify", { traits })]);
    expect(seen[1]).toMatchObject({ label: "disqualified", stage: "disqualified", changes: ["disqualified:unqualified->disqualified:event"] });
    const { state } = walk(config, [page(T0, "/pricing"), track(T0 + MINUTE, "identify", { traits })]);
    expect(view(state, config, T0 + MINUTE).disqualifiedBy).toEqual(rules);
  });

  it("disqualifies on unsubscribe even a qualified lead", () => {
    const { seen } = walk(config, [
      track(T0, "identify", { traits: { jobTitle: "CEO", companySize: 300, industry: "retail" } }),
      track(T0 + HOUR, "demo_request"),
      track(T0 + DAY, "unsubscribe"),
    ]);
    expect(seen.map((s) => s.label)).toEqual(["intermediate", "qualified", "disqualified"]);
  });

  it("takes points off for careers pages and free-mail addresses; rewards paid search from Google", () => {
    const { seen } = walk(config, [
      page(T0, "/careers"),
      track(T0 + MINUTE, "identify", { traits: { email: "bob@gmail.com" } }),
      page(T0 + 2 * MINUTE, "/pricing", { url: `${SITE}/pricing?utm_source=google&utm_medium=cpc`, referrer: "https://www.google.com/" }),
    ]);
    const m = 1 / (24 * 60);
    expect(seen.map((s) => s.score)).toEqual([
      -9,
      r(d(1, m) - 10 - 5),
      // page 1 + pricing 15 + BOFU from paid traffic 5 + google-ads 3
      r(d(1, 2 * m) - 10 - 5 + 24),
    ]);
  });

  it("caps page views at 10 a day and email opens at 3 a week", () => {
    const pages = Array.from({ length: 25 }, (_, i) => page(T0 + i * MINUTE, `/blog/${i}`));
    const opens = Array.from({ length: 10 }, (_, i) => track(T0 + i * HOUR, "email_open"));
    const { state } = walk(config, [...pages, ...opens]);
    const counts = Object.fromEntries(explain(state, config, T0 + DAY).contributions.map((c) => [c.rule, c.count]));
    expect(counts).toEqual({ "page-view": 10, "email-open": 3 });
  });
});
