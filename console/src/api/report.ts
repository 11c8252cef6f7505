import type { ReportBody } from "../../../worker/site/report-answer";
import { api, sitePath } from "./http";

/** The model report as the API answers it (see docs/MEASURING.md). */
export type ModelReport = ReportBody;

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
