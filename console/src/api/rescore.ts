/**
 * The re-score preview through the operator API: a candidate config (validated as a save would be,
 * never saved) run over every lead of the site, answering how many would change label and stage,
 * and a page of which ones.
 */
import { api, sitePath } from "./http";

export interface Moved {
  from: string;
  to: string;
}

export interface ImpactPreview {
  /** Leads evaluated: every lead in the index. */
  total: number;
  /** Leads whose object did not answer. */
  failed: number;
  changed: { label: number; stage: number };
  /** A page of the leads that would change, in lead id order. */
  leads: Array<{ leadId: string; label: Moved | null; stage: Moved | null }>;
  /** The cursor of the next page; null on the last. */
  next: string | null;
}

/**
 * What saving `config` would change on the site's leads; a 422 `ApiError` names its mistakes.
 *
 * @example const impact = await previewImpact("demo", editorConfig, { limit: 20 }); impact.changed.label // 3
 */
export function previewImpact(site: string, config: unknown, page: { limit: number; cursor?: string }): Promise<ImpactPreview> {
  return api<ImpactPreview>(sitePath(site, "/rescore/preview"), { method: "POST", body: { config, limit: page.limit, ...(page.cursor ? { cursor: page.cursor } : {}) } });
}
