import type { LeadObject } from "./lead/LeadObject";
import type { SessionObject } from "./session/SessionObject";
import type { SiteObject } from "./site/SiteObject";

/** Bindings and vars the worker reads; secrets named by site configs are looked up by name at run time. */
export interface Env {
  LEADS: DurableObjectNamespace<LeadObject>;
  SITES: DurableObjectNamespace<SiteObject>;
  /** The console's sessions (one object for the worker). */
  SESSIONS: DurableObjectNamespace<SessionObject>;
  /** Workers Static Assets: the snippet, the console and the demo shop (see worker/routes/assets.ts). */
  ASSETS: Fetcher;
  /** Bearer token of the operator API. Unset means the operator API answers 401 to everyone. */
  ADMIN_TOKEN?: string;
  /** "1" serves the demo shop and seeds the demo site's config (local development). */
  DEMO?: string;
  /** Comma-separated host[:port] list that webhooks may reach over http or private addresses. */
  WEBHOOK_ALLOW_HOSTS?: string;
  /**
   * Multiplies webhook retry delays (0 < scale <= 1), for development and tests only: 0.0001 plays the
   * day-long schedule in about ten seconds. Unset (1) in production.
   */
  WEBHOOK_RETRY_SCALE?: string;
  /** Signs the demo site's user ids (the demo shop's stand-in back end, DEMO=1 only). */
  DEMO_IDENTITY_SECRET?: string;
  /** Where the demo site's webhooks go (the local inspector `npm start` runs). */
  DEMO_WEBHOOK_URL?: string;
  /** The webhook inspector's page, where the demo footer's `/inspector` link leads (set by `npm start`). */
  DEMO_INSPECTOR_URL?: string;
}

/** Reads a secret by the name a site config gives for it (e.g. `{ "env": "DEMO_WEBHOOK_SECRET" }`). */
export function readSecret(env: Env, name: string): string | undefined {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
