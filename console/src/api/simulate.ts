import type { SimulatedStep } from "../chart/history-series";
import { api, sitePath } from "./http";

/** An event of a journey, as `simulate` takes it. */
export interface JourneyEvent {
  name: string;
  timestamp: string | number;
  path?: string;
  url?: string;
  referrer?: string;
  props?: Record<string, string | number | boolean | null>;
  traits?: Record<string, string | number | boolean | null>;
}

export interface SimulateResult {
  timeline: Array<SimulatedStep & { label: string; stage: string; eventId?: string }>;
  webhooks: Array<{ type: string; from: string; to: string; at: number }>;
}

/**
 * Scores a journey against `config` (or the config in force), storing nothing.
 *
 * @example await simulate("demo", [{ name: "page_view", path: "/pricing", timestamp: Date.now() }], editorConfig)
 */
export function simulate(site: string, events: JourneyEvent[], config?: unknown, until?: number): Promise<SimulateResult> {
  return api<SimulateResult>(sitePath(site, "/simulate"), {
    method: "POST",
    body: { events, ...(config === undefined ? {} : { config }), ...(until === undefined ? {} : { until }) },
  });
}
