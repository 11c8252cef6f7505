import { api, sitePath } from "./http";

export interface BandFigures {
  name: string;
  leads: number;
  conversions: number;
  rate: number | null;
  lift: number | null;
  precision?: number | null;
  recall?: number | null;
}

/** The model report as the console reads it (see docs/MEASURING.md). */
export interface ModelReport {
  model: string | null;
  status: "ok" | "no_outcomes_configured" | "no_outcomes_yet";
  message: string;
  horizon: string | null;
  leads: number;
  conversions: number;
  baseRate: number | null;
  auc: number | null;
  labels: BandFigures[];
}

export interface LabelChanges {
  days: Array<{ date: string; changes: Record<string, number> }>;
}

/** The model report of one model (default: the site's first with outcomes), over the last 90 days. */
export function loadReport(site: string, model?: string): Promise<ModelReport> {
  return api<ModelReport>(sitePath(site, `/report${model ? `?model=${encodeURIComponent(model)}` : ""}`));
}

/** Leads that moved into each label, per UTC day, over the last `days` days. */
export function loadLabelChanges(site: string, days = 30): Promise<LabelChanges> {
  return api<LabelChanges>(sitePath(site, `/label-changes?days=${days}`));
}
