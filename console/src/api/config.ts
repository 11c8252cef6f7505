/**
 * The site's config through the operator API. Today `GET` answers `{ version, updatedAt, config }`
 * with an `ETag`, and `PUT` takes the bare config; this module is the one place that knows, so a
 * change of those shapes is a change here only.
 */
import type { Schema } from "@cfworker/json-schema";
import { api, request, sitePath } from "./http";

export interface Band {
  name: string;
  min?: number;
}

export interface ModelConfig {
  id: string;
  labels: Band[];
  stages?: Band[];
  grades?: Band[];
  decay?: false | number | string | { halfLife: number | string };
  [key: string]: unknown;
}

export interface SiteConfig {
  models: ModelConfig[];
  webhooks?: Array<{ id: string; url: string; types?: string[] }>;
  [key: string]: unknown;
}

export interface StoredConfig {
  version: number;
  updatedAt: string | null;
  config: SiteConfig;
  /** What `If-Match` sends back on save, so a save over someone else's is refused rather than lost. */
  etag: string | null;
}

type ConfigAnswer = { version: number; updatedAt?: string; config: SiteConfig } | SiteConfig;

/**
 * Reads either answer shape: today's envelope `{ version, updatedAt, config }`, or the bare config
 * with its version only in the `ETag` ("v3"), as the contract has GET answer exactly what PUT takes.
 */
function stored(body: ConfigAnswer, etag: string | null): StoredConfig {
  if ("config" in body && typeof body.version === "number") return { version: body.version, updatedAt: (body.updatedAt as string | undefined) ?? null, config: body.config as SiteConfig, etag: etag ?? `"v${body.version}"` };
  const version = Number(/v(\d+)/.exec(etag ?? "")?.[1] ?? 0);
  return { version, updatedAt: null, config: body as SiteConfig, etag };
}

/**
 * The config in force.
 *
 * @example const { config, version } = await loadConfig("demo")
 */
export async function loadConfig(site: string): Promise<StoredConfig> {
  const res = await request(sitePath(site, "/config"));
  return stored((await res.json()) as ConfigAnswer, res.headers.get("etag"));
}

/**
 * Publishes a config; a 422 `ApiError` carries every mistake with its JSON path, and nothing changed.
 *
 * @example await saveConfig("demo", config, stored.etag)
 */
export async function saveConfig(site: string, config: unknown, etag: string | null): Promise<StoredConfig> {
  const res = await request(sitePath(site, "/config"), { method: "PUT", body: config, headers: etag ? { "if-match": etag } : {} });
  return stored((await res.json()) as ConfigAnswer, res.headers.get("etag"));
}

/** The JSON Schema the editor validates against (public: it describes, it reveals nothing). */
export function loadConfigSchema(): Promise<Schema> {
  return api<Schema>("/config.schema.json");
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/**
 * A model's half-life in ms (0: no decay), as the chart draws decay.
 *
 * @example halfLifeMs({ id: "shop", labels: [], decay: { halfLife: "2h" } }) // 7200000
 */
export function halfLifeMs(model: ModelConfig | undefined): number {
  const decay = model?.decay;
  if (decay === undefined || decay === false) return 0;
  const value = typeof decay === "object" ? decay.halfLife : decay;
  if (typeof value === "number") return value * UNIT_MS.h!;
  const m = DURATION.exec(value);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : 0;
}
