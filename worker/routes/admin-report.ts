/**
 * Does the score predict? The model report (from the Site object's counters, see
 * ../site/report-store.ts), the backtest of a candidate config (each Lead object replays its own
 * events; nothing is stored), and label changes per day for the console's overview.
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import type { BacktestLead } from "../outcomes/backtest-lead";
import type { ScoringConfig } from "../scoring";
import { siteStub } from "../site/config-cache";
import { modelReport, reportModel, reportPeriod, type ReportPeriod } from "../site/report-answer";
import { contributions, CounterTable, weekOf, type CounterRow } from "../site/report-counters";
import { sampleIds } from "../site/sample";
import { walkSiteLeads } from "../site/walk-leads";
import { configOrFail, siteOf, validateConfig } from "./admin-config";
import { backtestRequestSchema, labelChangesQuerySchema, reportQuerySchema } from "./report-schema";

export const adminReport = new Hono<{ Bindings: Env }>();

const DAY_MS = 86_400_000;
const MAX_BACKTEST_BYTES = 256 * 1024 + 1024;

const iso = (ms: number) => new Date(ms).toISOString();

/** The model asked for, or a 422 naming `$.model` when the config has no such model. */
function modelOrFail(config: ScoringConfig, requested: string | undefined) {
  const model = reportModel(config, requested);
  if (requested !== undefined && !model) {
    throw new ApiError(422, "invalid_request", `No model "${requested}" in the site's config`, [{ path: "$.model", message: `no model "${requested}"; the config has ${config.models.map((m) => `"${m.id}"`).join(", ")}` }]);
  }
  return model;
}

adminReport.get("/v1/sites/:site/report", async (c) => {
  const site = siteOf(c);
  const query = parseOr(reportQuerySchema, c.req.query(), 422);
  const stored = await configOrFail(c.env, site);
  const model = modelOrFail(stored.config, query.model);
  const now = Date.now();
  const period = reportPeriod(query, now);
  const rows = model?.outcomes ? ((await siteStub(c.env, site).reportCounters(model.id, period.fromWeek, period.toWeek)) as CounterRow[]) : [];
  return c.json({ site, from: iso(period.fromWeek), to: iso(period.toWeek), ...modelReport(rows, model, now) });
});

/** One side's counters from the leads' outcomes, for the period's weeks. */
function sideRows(leads: BacktestLead[], side: "current" | "candidate", model: string, period: ReportPeriod): CounterRow[] {
  const table = new CounterTable();
  for (const lead of leads) {
    const outcome = lead[side].outcome;
    if (outcome && outcome.model === model) table.add(contributions(outcome));
  }
  return table.rows(model, period.fromWeek, period.toWeek);
}

/** Whether a lead's first event falls in the period's weeks: the report's cohort. */
function inPeriod(lead: BacktestLead, period: ReportPeriod): boolean {
  const first = lead.current.outcome?.firstSeen ?? lead.candidate.outcome?.firstSeen;
  if (first === undefined) return true;
  const week = weekOf(first);
  return week >= period.fromWeek && week < period.toWeek;
}

adminReport.post("/v1/sites/:site/backtest", async (c) => {
  const site = siteOf(c);
  const body = parseOr(backtestRequestSchema, await readJson(c.req.raw, { maxBytes: MAX_BACKTEST_BYTES, types: ["application/json"] }), 422);
  const candidate = validateConfig(c.env, body.config);
  const stored = await configOrFail(c.env, site);
  const model = modelOrFail(stored.config, body.model);
  const candidateModel = model ? candidate.models.find((m) => m.id === model.id) : reportModel(candidate, undefined);
  const now = Date.now();
  const period = reportPeriod(body, now);

  // A sample is drawn from every id of the index, so the same seed picks the same leads.
  const { sample, seed } = body;
  const walk = await walkSiteLeads(c.env, site, async (lead) => (await lead.backtest(candidate)) as BacktestLead | null, sample === undefined ? {} : { choose: (ids) => sampleIds(ids, sample, seed) });
  const leads = walk.answers;
  const id = model?.id ?? "";
  const moved = leads
    .filter((l) => l.current.label !== l.candidate.label && inPeriod(l, period))
    .map((l) => ({ leadId: l.leadId, from: l.current.label, to: l.candidate.label, score: { current: l.current.score, candidate: l.candidate.score } }))
    .sort((a, b) => (a.leadId < b.leadId ? -1 : 1));
  const listed = moved.filter((m) => body.cursor === undefined || m.leadId > body.cursor);
  const page = listed.slice(0, body.limit);
  return c.json({
    site,
    from: iso(period.fromWeek),
    to: iso(period.toWeek),
    leads: { total: walk.total, replayed: walk.asked, failed: walk.failed },
    current: modelReport(sideRows(leads, "current", id, period), model, now),
    candidate: modelReport(sideRows(leads, "candidate", candidateModel?.id ?? id, period), candidateModel, now),
    changed: { count: moved.length, leads: page, next: listed.length > page.length ? page[page.length - 1]!.leadId : null },
  });
});

adminReport.get("/v1/sites/:site/label-changes", async (c) => {
  const site = siteOf(c);
  const { days } = parseOr(labelChangesQuerySchema, c.req.query(), 422);
  await configOrFail(c.env, site);
  const today = Math.floor(Date.now() / DAY_MS);
  const rows = (await siteStub(c.env, site).labelChanges(today - days + 1)) as Array<{ day: number; label: string; n: number }>;
  // Every day of the window, quiet ones included, so a chart's x axis is the calendar.
  const out = Array.from({ length: days }, (_, i) => ({ day: today - days + 1 + i, changes: {} as Record<string, number> }));
  for (const r of rows) out[r.day - (today - days + 1)]!.changes[r.label] = r.n;
  return c.json({ site, days: out.map((d) => ({ date: iso(d.day * DAY_MS).slice(0, 10), changes: d.changes })) });
});
