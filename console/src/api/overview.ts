import { api, sitePath } from "./http";

export interface Overview {
  site: string;
  config: { version: number; updatedAt: string | null; models: Array<{ id: string; labels: string[] }> };
  labels: Array<{ label: string; leads: number; atLeast: boolean }>;
  endpoints: { total: number; disabled: number; deadLetters: number; deadLettersAtLeast: boolean };
}

/** Leads per label now and the webhooks' health, in one request. */
export function loadOverview(site: string): Promise<Overview> {
  return api<Overview>(sitePath(site, "/overview"));
}
