/**
 * The site's config through the operator API: `GET` answers the bare document with its version in
 * the `ETag` ("v3") and its save time in `Last-Modified`; every write (`PUT`, rollback) answers
 * `{ version, savedAt, summary, warnings, config }`; `…/config/versions` lists what was saved.
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

/** Something legal but most likely wrong in a saved config; it never blocks the save. */
export interface ConfigWarning {
  /** A JSON path into the config, as issues have. */
  path: string;
  /** A stable name of the kind of warning ("segment_event_name", "unreachable_line", …). */
  code: string;
  message: string;
}

export interface StoredConfig {
  version: number;
  /** ISO time of the save; null for a config never saved (the demo's built-in one). */
  savedAt: string | null;
  config: SiteConfig;
  /** What `If-Match` sends back on save, so a save over someone else's is refused rather than lost. */
  etag: string;
}

/** What a write answers: the new version, what changed, and the warnings about it. */
export interface SavedConfig extends StoredConfig {
  summary: string;
  warnings: ConfigWarning[];
}

/** A saved version as the version list shows it. */
export interface ConfigVersion {
  version: number;
  savedAt: string;
  summary: string;
}

interface WriteAnswer {
  version: number;
  savedAt: string;
  summary: string;
  warnings: ConfigWarning[];
  config: SiteConfig;
}

const ETAG_VERSION = /^(?:W\/)?"v(\d+)"$/;

/**
 * The version an `ETag` names.
 *
 * @example versionOfEtag('"v3"') // 3
 */
export function versionOfEtag(etag: string | null): number {
  const m = ETAG_VERSION.exec(etag ?? "");
  if (!m) throw new Error(`The config came without a version (ETag ${etag ?? "missing"})`);
  return Number(m[1]);
}

const etagOf = (version: number) => `"v${version}"`;

function savedFrom(answer: WriteAnswer): SavedConfig {
  return { ...answer, etag: etagOf(answer.version) };
}

/**
 * The config in force.
 *
 * @example const { config, version } = await loadConfig("demo")
 */
export async function loadConfig(site: string): Promise<StoredConfig> {
  const res = await request(sitePath(site, "/config"));
  const etag = res.headers.get("etag");
  const modified = res.headers.get("last-modified");
  return { version: versionOfEtag(etag), savedAt: modified ? new Date(modified).toISOString() : null, config: (await res.json()) as SiteConfig, etag: etag! };
}

/**
 * Publishes a config, only over the version `etag` names (412 when someone saved since); a 422
 * `ApiError` carries every mistake with its JSON path, and nothing changed.
 *
 * @example const saved = await saveConfig("demo", config, stored.etag); saved.warnings // [{ path, code, message }]
 */
export async function saveConfig(site: string, config: unknown, etag: string): Promise<SavedConfig> {
  return savedFrom(await api<WriteAnswer>(sitePath(site, "/config"), { method: "PUT", body: config, headers: { "if-match": etag } }));
}

/**
 * The saved versions, newest first.
 *
 * @example (await listConfigVersions("demo"))[0] // { version: 2, savedAt: "2026-…", summary: "…" }
 */
export async function listConfigVersions(site: string): Promise<ConfigVersion[]> {
  return (await api<{ versions: ConfigVersion[] }>(sitePath(site, "/config/versions"))).versions;
}

/**
 * One saved version's document.
 *
 * @example (await loadConfigVersion("demo", 1)).models[0].id // "shop"
 */
export async function loadConfigVersion(site: string, version: number): Promise<SiteConfig> {
  return (await api<{ config: SiteConfig }>(sitePath(site, `/config/versions/${version}`))).config;
}

/**
 * Makes a saved version's document the config again, saved as a new version, only over the version
 * `etag` names.
 *
 * @example const saved = await rollbackConfig("demo", 1, stored.etag); saved.version // 3
 */
export async function rollbackConfig(site: string, version: number, etag: string): Promise<SavedConfig> {
  return savedFrom(await api<WriteAnswer>(sitePath(site, "/config/rollback"), { method: "POST", body: { version }, headers: { "if-match": etag } }));
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
