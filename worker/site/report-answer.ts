/**
 * A model report as the API answers it: which model, over which weeks, and the figures with a
 * status that says when there is nothing to measure (no outcomes configured, none settled yet),
 * rather than a division by zero.
 */
import { DEFAULT_DISQUALIFIED_LABEL, DEFAULT_STAGES, WEEK_MS } from "../scoring/compile";
import { durationMs } from "../scoring/duration";
import type { Model, ScoringConfig } from "../scoring/schema";
import { SCORE_BUCKET, weekOf, type CounterRow } from "./report-counters";
import { reportFigures, type ReportFigures } from "./report-figures";

export const DEFAULT_REPORT_DAYS = 90;
const DAY_MS = 86_400_000;

export interface ReportPeriod {
  /** the first week counted (a Monday, 00:00 UTC) */
  fromWeek: number;
  /** the week after the last one counted */
  toWeek: number;
}

export type ReportStatus = "ok" | "no_outcomes_configured" | "no_outcomes_yet";

export interface ReportBody extends ReportFigures {
  model: string | null;
  status: ReportStatus;
  message: string;
  horizon: string | null;
  scoreBucket: number;
}

/**
 * The weeks a period touches: counters are kept per week of first event, so a period is widened
 * to whole weeks (Monday to Monday, UTC).
 *
 * @example reportPeriod({ from: Date.UTC(2026, 10, 4), to: Date.UTC(2026, 10, 5) }, now) // the week of Monday 2 November
 */
export function reportPeriod(query: { from?: number; to?: number }, now: number): ReportPeriod {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_REPORT_DAYS * DAY_MS;
  return { fromWeek: weekOf(from), toWeek: weekOf(to - 1) + WEEK_MS };
}

/**
 * The model a report is about: the one asked for, else the first with outcomes, else the first.
 * Undefined when the one asked for is not in the config.
 *
 * @example reportModel(config, undefined)?.id // "shop"
 */
export function reportModel(config: ScoringConfig, requested: string | undefined): Model | undefined {
  if (requested !== undefined) return config.models.find((m) => m.id === requested);
  return config.models.find((m) => m.outcomes) ?? config.models[0];
}

const EMPTY: ReportFigures = { leads: 0, conversions: 0, baseRate: null, auc: null, labels: [], stages: [], weeks: [] };

/**
 * The report of `model` from its counters in the period.
 *
 * @example modelReport(rows, model, Date.now()) // { model: "shop", status: "ok", leads: 3000, baseRate: 0.14, auc: 0.74, ... }
 */
export function modelReport(rows: CounterRow[], model: Model | undefined, now: number): ReportBody {
  const base = { model: model?.id ?? null, scoreBucket: SCORE_BUCKET, horizon: model?.outcomes ? String(model.outcomes.horizon) : null };
  if (!model?.outcomes) {
    const message = model
      ? `Model "${model.id}" names no outcomes, so there is nothing to measure its scores against: add "outcomes" to it (docs/CONFIG.md, Outcomes)`
      : "The config has no model";
    return { ...base, ...EMPTY, status: "no_outcomes_configured", message };
  }
  const figures = reportFigures(
    rows,
    {
      id: model.id,
      labels: model.labels.map((l) => l.name),
      stages: (model.stages ?? DEFAULT_STAGES).map((s) => s.name),
      disqualifiedLabel: model.disqualifiedLabel ?? DEFAULT_DISQUALIFIED_LABEL,
      horizonMs: durationMs(model.outcomes.horizon),
    },
    now,
  );
  if (figures.leads === 0) {
    return { ...base, ...EMPTY, status: "no_outcomes_yet", message: `No lead first seen in this period has an outcome yet: a lead counts once it converts, is lost, or its ${base.horizon} horizon ends` };
  }
  return { ...base, ...figures, status: "ok", message: `Leads first seen in the period whose ${base.horizon} horizon has closed: converted, lost, or not converted by its end` };
}
