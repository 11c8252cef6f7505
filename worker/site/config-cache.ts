import type { Env } from "../env";
import type { StoredConfig } from "./SiteObject";
import { demoConfig } from "./demo-config";

/**
 * How long an isolate trusts its copy of a site's config. Config is read-mostly: caching it here
 * means scoring an event costs no Durable Object request for config. A `PUT` updates the copy of
 * the isolate that served it at once; other isolates pick it up within this window.
 */
const CONFIG_TTL_MS = 5_000;

const CACHE = new Map<string, { stored: StoredConfig | null; fetchedAt: number }>();
/** Bumped by every local write to a site's copy, so a fetch that started before it cannot undo it. */
const WRITES = new Map<string, number>();

export function siteStub(env: Env, site: string) {
  return env.SITES.getByName(site);
}

/**
 * The config in force for `site`, from the isolate cache when fresh. With `DEMO=1` the demo site
 * starts from the shipped B2C shop config until an operator saves another.
 *
 * @example const stored = await loadSiteConfig(env, "demo", Date.now())
 */
export async function loadSiteConfig(env: Env, site: string, now: number): Promise<StoredConfig | null> {
  const cached = CACHE.get(site);
  if (cached && now - cached.fetchedAt < CONFIG_TTL_MS) return cached.stored;
  return fetchSiteConfig(env, site, now);
}

/**
 * The config of `site` at `version` or newer. Lead objects are told only the version a request was
 * checked against (a config is kilobytes; copying it through every RPC costs CPU on the hot path)
 * and take the config from their isolate's copy, asking the site object only for a version they
 * have not seen yet: once per version per isolate.
 *
 * @example const stored = await loadSiteConfigVersion(env, "demo", 3, Date.now())
 */
export async function loadSiteConfigVersion(env: Env, site: string, version: number, now: number): Promise<StoredConfig | null> {
  const cached = CACHE.get(site)?.stored;
  if (cached && cached.version >= version) return cached;
  return fetchSiteConfig(env, site, now);
}

async function fetchSiteConfig(env: Env, site: string, now: number): Promise<StoredConfig | null> {
  const writes = WRITES.get(site) ?? 0;
  // RPC results are structured clones; the plain-data view is all this cache keeps.
  let stored: StoredConfig | null = (await siteStub(env, site).getConfig()) as StoredConfig | null;
  if (!stored && env.DEMO === "1" && site === "demo") {
    stored = { config: demoConfig(env), version: 0, updatedAt: 0, disabledEndpoints: [] };
  }
  // An endpoint re-enabled (or a config saved) here while this read was on its way is newer than it.
  if ((WRITES.get(site) ?? 0) !== writes) return CACHE.get(site)?.stored ?? stored;
  CACHE.set(site, { stored, fetchedAt: now });
  return stored;
}

/** Replaces this isolate's copy after a save, so the very next event is scored with it. */
export function rememberSiteConfig(site: string, stored: StoredConfig, now: number): void {
  WRITES.set(site, (WRITES.get(site) ?? 0) + 1);
  CACHE.set(site, { stored, fetchedAt: now });
}

/**
 * Marks an endpoint disabled in this isolate's copy at once (a delivery found it gone): later drains
 * skip it without asking the site object, which other isolates hear from within CONFIG_TTL_MS.
 */
export function rememberDisabledEndpoint(site: string, endpointId: string): void {
  const entry = CACHE.get(site);
  WRITES.set(site, (WRITES.get(site) ?? 0) + 1);
  // A new object, not a change to the cached one: a copy someone else holds keeps what it said.
  if (entry?.stored && !entry.stored.disabledEndpoints.includes(endpointId)) CACHE.set(site, { ...entry, stored: { ...entry.stored, disabledEndpoints: [...entry.stored.disabledEndpoints, endpointId] } });
}
