/**
 * The site config of the operator API: `GET` the document with its version as `ETag`, `PUT` it whole,
 * `PATCH` part of it (JSON merge patch), list and read saved versions, roll back. Every write is
 * validated in full (all mistakes in one 422), is conditional on `If-Match` when one is sent, and
 * answers the new version with its warnings.
 */
import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { readSecret } from "../env";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import { allowedWebhookHosts } from "../lead/outbox";
import { checkSiteConfig, type SiteConfig } from "../site/config";
import { loadSiteConfig, rememberSiteConfig, siteStub } from "../site/config-cache";
import { configChangeSummary } from "../site/config-diff";
import { configWarnings, type ConfigWarning } from "../site/config-warnings";
import { demoConfig } from "../site/demo-config";
import { mergePatch } from "../site/merge-patch";
import type { ConfigConflict, ConfigVersion, StoredConfig } from "../site/SiteObject";
import { MERGE_PATCH_TYPE, rollbackRequestSchema, siteParamSchema, versionListQuerySchema, versionParamSchema } from "./admin-schema";
import { etagOf, ifMatchHolds, parseIfMatch, type IfMatch } from "./admin-etag";
import { configWriteQuerySchema } from "./rescore-schema";

const MAX_CONFIG_BYTES = 256 * 1024;
/** A save that lost a race to another save (no If-Match sent) is re-done on the newer version this often. */
const SAVE_ATTEMPTS = 3;

type AdminContext = Context<{ Bindings: Env }>;

/**
 * The `:site` of an operator API path, parsed (400 when it is not a site id).
 *
 * @example const site = siteOf(c) // "demo"
 */
export function siteOf(c: { req: { param: (k: string) => string | undefined } }): string {
  return parseOr(siteParamSchema, { site: c.req.param("site") }).site;
}

/**
 * The config in force from the isolate's cached copy, or a 404 for a site never configured: what
 * reads that may lag a write by the cache's lifetime use.
 *
 * @example const { config } = await configOrFail(c.env, siteOf(c))
 */
export async function configOrFail(env: Env, site: string): Promise<StoredConfig> {
  const stored = await loadSiteConfig(env, site, Date.now());
  if (!stored) throw new ApiError(404, "unknown_site", `No site "${site}" is configured`);
  return stored;
}

/**
 * The config in force, read from the site object itself (not an isolate's cached copy: a write's
 * precondition and a merge must see the latest version). The demo site starts from its shipped
 * config at version 0 until one is saved.
 */
async function currentConfig(env: Env, site: string): Promise<StoredConfig | null> {
  const stored = (await siteStub(env, site).getConfig()) as StoredConfig | null;
  if (stored || env.DEMO !== "1" || site !== "demo") return stored;
  return { config: demoConfig(env), version: 0, updatedAt: 0, disabledEndpoints: [] };
}

/**
 * Validates a candidate config fully (shape, semantics, webhook URLs) with one parse: every mistake
 * with its JSON path in one 422.
 *
 * @example const config = validateConfig(env, body) // throws ApiError(422) naming each mistake
 */
export function validateConfig(env: Env, input: unknown): SiteConfig {
  const check = checkSiteConfig(input, { allowedWebhookHosts: allowedWebhookHosts(env) });
  if (!check.ok) throw new ApiError(422, "invalid_config", `The config has ${check.issues.length} mistake(s); nothing was changed`, check.issues);
  return check.config;
}

function setVersionHeaders(c: AdminContext, version: number, savedAt: number): void {
  c.header("ETag", etagOf(version));
  if (savedAt > 0) c.header("Last-Modified", new Date(savedAt).toUTCString());
  c.header("Cache-Control", "no-store");
}

function preconditionFailed(current: StoredConfig | null, ifMatch: Exclude<IfMatch, null>): ApiError {
  const now = current ? `is at version ${current.version} (ETag ${etagOf(current.version)})` : "does not exist yet";
  const sent = ifMatch === "*" ? "*" : ifMatch.map(etagOf).join(", ");
  return new ApiError(412, "precondition_failed", `The config ${now}, not what If-Match: ${sent} expects: GET it again, reapply your change and send its ETag`, [], current ? { ETag: etagOf(current.version) } : {});
}

/**
 * Saves what `candidate` makes of the config in force, honouring If-Match, and answers the new
 * version with its warnings.
 */
async function writeConfig(
  c: AdminContext,
  candidate: (current: StoredConfig | null) => unknown,
  summaryOf: (current: StoredConfig | null, next: SiteConfig) => string = (current, next) => configChangeSummary(current?.config, next),
): Promise<Response> {
  const site = siteOf(c);
  const ifMatch = parseIfMatch(c.req.header("if-match"));
  // Every saved version re-scores the site's leads (see ../site/rescore.ts).
  const rescore = { site, notify: parseOr(configWriteQuerySchema, c.req.query()).notify === "true" };
  const stub = siteStub(c.env, site);
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const current = await currentConfig(c.env, site);
    if (ifMatch !== null && !ifMatchHolds(ifMatch, current?.version ?? null)) throw preconditionFailed(current, ifMatch);
    const config = validateConfig(c.env, candidate(current));
    const now = Date.now();
    const summary = summaryOf(current, config);
    const saved = (await stub.saveConfig(config, now, { expectedVersion: current?.version ?? 0, summary, rescore })) as StoredConfig | ConfigConflict;
    if ("conflict" in saved) {
      if (ifMatch !== null) throw preconditionFailed(await currentConfig(c.env, site), ifMatch);
      continue;
    }
    rememberSiteConfig(site, saved, now);
    const warnings: ConfigWarning[] = configWarnings(saved.config, {
      site,
      secret: (name) => readSecret(c.env, name),
      seenTraits: (await stub.traitNames()) as string[],
    });
    setVersionHeaders(c, saved.version, now);
    return c.json({ version: saved.version, savedAt: new Date(now).toISOString(), summary, warnings, config: saved.config });
  }
  throw new ApiError(409, "conflict", "The config kept changing while this change was being saved: try again");
}

async function existingConfig(c: AdminContext): Promise<StoredConfig> {
  const site = siteOf(c);
  const stored = await currentConfig(c.env, site);
  if (!stored) throw new ApiError(404, "unknown_site", `No site "${site}" is configured`);
  return stored;
}

export const adminConfig = new Hono<{ Bindings: Env }>();

adminConfig.get("/v1/sites/:site/config", async (c) => {
  const stored = await existingConfig(c);
  setVersionHeaders(c, stored.version, stored.updatedAt);
  return c.json(stored.config);
});

adminConfig.put("/v1/sites/:site/config", async (c) => {
  const input = await readJson(c.req.raw, { maxBytes: MAX_CONFIG_BYTES, types: ["application/json"] });
  return writeConfig(c, () => input);
});

adminConfig.patch("/v1/sites/:site/config", async (c) => {
  const patch = await readJson(c.req.raw, { maxBytes: MAX_CONFIG_BYTES, types: [MERGE_PATCH_TYPE, "application/json"] });
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
    throw new ApiError(400, "invalid_request", "A merge patch for a config is a JSON object: the keys to change, null for the ones to remove");
  }
  return writeConfig(c, (current) => {
    if (!current) throw new ApiError(404, "unknown_site", `No site "${siteOf(c)}" is configured: PUT a whole config first`);
    return mergePatch(current.config, patch);
  });
});

adminConfig.get("/v1/sites/:site/config/versions", async (c) => {
  const query = parseOr(versionListQuerySchema, c.req.query());
  const versions = (await siteStub(c.env, siteOf(c)).listConfigVersions(query)) as Array<Omit<ConfigVersion, "config">>;
  return c.json({
    versions: versions.map((v) => ({ version: v.version, savedAt: new Date(v.savedAt).toISOString(), summary: v.summary })),
    next: versions.length === query.limit ? versions[versions.length - 1]!.version : null,
  });
});

async function savedVersion(c: AdminContext, version: number): Promise<ConfigVersion> {
  const found = (await siteStub(c.env, siteOf(c)).getConfigVersion(version)) as ConfigVersion | null;
  if (!found) throw new ApiError(404, "unknown_version", `Version ${version} of this config was never saved or is no longer kept`);
  return found;
}

adminConfig.get("/v1/sites/:site/config/versions/:version", async (c) => {
  const { version } = parseOr(versionParamSchema, { version: c.req.param("version") });
  const found = await savedVersion(c, version);
  setVersionHeaders(c, found.version, found.savedAt);
  return c.json({ version: found.version, savedAt: new Date(found.savedAt).toISOString(), summary: found.summary, config: found.config });
});

adminConfig.post("/v1/sites/:site/config/rollback", async (c) => {
  const body = parseOr(rollbackRequestSchema, await readJson(c.req.raw, { maxBytes: 1024, types: ["application/json"] }));
  const target = await savedVersion(c, body.version);
  return writeConfig(c, () => target.config, (current, next) => `rollback to version ${target.version}: ${configChangeSummary(current?.config, next)}`);
});
