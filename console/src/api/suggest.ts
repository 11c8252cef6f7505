/**
 * Suggested weights through the operator API: points per rule fitted to what the site's leads did
 * before converting (or not), judged on held-out leads, with a candidate config. Nothing is saved.
 */
import { api, sitePath } from "./http";
import type { SiteConfig } from "./config";

export interface SuggestedRule {
  rule: string;
  kind: "behaviour" | "fit";
  current: number;
  suggested: number;
  /** false: the data says nothing about the rule, and its points are kept */
  fitted: boolean;
  weight: number;
}

export interface Suggestion {
  model: string;
  leads: { total: number; asked: number; decided: number; failed: number };
  split: { trainFraction: number; seed: number; l2: number; training: { leads: number; conversions: number }; heldOut: { leads: number; conversions: number } };
  rules: SuggestedRule[];
  auc: { current: number | null; suggested: number | null; currentScore: number | null };
  candidate: SiteConfig | null;
  notice?: string;
}

/**
 * Suggested points for `model` of the config in force.
 *
 * @example const s = await suggestWeights("demo", "shop"); s.auc // { current: 0.71, suggested: 0.84, currentScore: 0.7 }
 */
export function suggestWeights(site: string, model: string): Promise<Suggestion> {
  return api<Suggestion>(sitePath(site, "/suggest"), { method: "POST", body: { model } });
}
