import { env, SELF } from "cloudflare:test";
import { createHmac } from "node:crypto";
import { inject } from "vitest";

export const ORIGIN = "https://shop.test";
const ADMIN = { authorization: `Bearer ${"test-admin-token"}` };

/** A unique site per test, so tests never see each other's leads or configs. */
export function uniqueSite(prefix = "t"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export function receiverUrl(): string {
  return inject("receiverUrl");
}

/** A small shop config: pricing 30 (once), directions 20 (once), cart 25 (twice), chat 10, any page 1 (10 times). */
export function shopConfig(channel: string, extra: Record<string, unknown> = {}, model: Record<string, unknown> = {}) {
  return {
    origins: [ORIGIN],
    ignoreBots: false,
    identity: { secret: { env: "TEST_IDENTITY_SECRET" } },
    webhooks: [{ id: "main", url: `${receiverUrl()}/r/${channel}`, secret: { env: "TEST_WEBHOOK_SECRET" } }],
    models: [
      {
        id: "shop",
        rules: [
          { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 30, cap: "once" },
          { id: "directions", event: "page_view", when: { path: "/directions*" }, points: 20, cap: "once" },
          { id: "cart", event: "cart_add", points: 25, cap: { max: 2 } },
          { id: "chat", event: "chat_open", points: 10 },
          { id: "pages", event: "page_view", points: 1, cap: { max: 10 } },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
        ...model,
      },
    ],
    ...extra,
  };
}

export async function adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`https://leadscore.test${path}`, { ...init, headers: { ...ADMIN, ...(init.headers as Record<string, string>) } });
}

export async function putConfig(site: string, config: unknown): Promise<Response> {
  return adminFetch(`/v1/sites/${site}/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(config) });
}

let counter = 0;
/** A wire event as the snippet sends it. */
export function wire(kind: "p" | "t" | "i", name: string, extra: Record<string, unknown> = {}) {
  counter += 1;
  return { i: `evt_${Date.now().toString(36)}_${counter}_${Math.random().toString(36).slice(2, 8)}`, k: kind, n: name, t: Date.now(), ...extra };
}

export function pageView(path: string) {
  return wire("p", "page_view", { l: `https://shop.test${path}` });
}

/** A desktop browser's User-Agent: sites that ignore bots refuse requests without one. */
export const DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export async function collect(body: unknown, init: { origin?: string | null; contentType?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { "content-type": init.contentType ?? "text/plain", ...init.headers };
  if (init.origin !== null) headers.origin = init.origin ?? ORIGIN;
  return SELF.fetch("https://leadscore.test/e", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/**
 * An identity token made the way README.md shows for Node: `<expiresAt>.<hex HMAC-SHA256 of
 * "<expiresAt>.<userId>">`, the e-mail trimmed and lowercased. `expiresAt` 0 never expires.
 */
export function identityToken(userId: string, { expiresAt = Math.floor(Date.now() / 1000) + 3600, secret = env.TEST_IDENTITY_SECRET } = {}): string {
  const id = userId.trim().toLowerCase();
  return `${expiresAt}.${createHmac("sha256", secret).update(`${expiresAt}.${id}`).digest("hex")}`;
}

/** Puts `signature` on the batch's last identify event, where the snippet's identify puts it. */
export function signed(events: any[], signature: string): any[] {
  const last = events.map((e) => e.k).lastIndexOf("i");
  return events.map((e, i) => (i === last ? { ...e, o: { signature } } : e));
}

/**
 * Posts a batch as the snippet does. With a user id, its identify events are signed for it (as a
 * site's back end would), unless `unsigned` is set: then the id is only the browser's claim.
 */
export async function send(site: string, anon: string, events: unknown[], userId?: string, { unsigned = false, headers = {} as Record<string, string> } = {}) {
  const e = userId && !unsigned ? signed(events as any[], identityToken(userId)) : events;
  const res = await collect({ s: site, a: anon, ...(userId ? { u: userId } : {}), e }, { headers });
  return { status: res.status, body: (await res.json()) as any };
}

export async function getLead(site: string, ref: string): Promise<{ status: number; body: any }> {
  const res = await adminFetch(`/v1/sites/${site}/leads/${encodeURIComponent(ref)}`);
  return { status: res.status, body: await res.json() };
}

export interface Received {
  headers: Record<string, string>;
  body: string;
  status: number;
  at: number;
}

export async function received(channel: string): Promise<Received[]> {
  return (await (await fetch(`${receiverUrl()}/log/${channel}`)).json()) as Received[];
}

export async function scriptChannel(channel: string, behaviour: Record<string, number>): Promise<void> {
  await fetch(`${receiverUrl()}/control/${channel}`, { method: "POST", body: JSON.stringify(behaviour) });
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. Waits, never asserts time. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export { env };

/** A lead object's stub by what an operator would type (lead id, user id or anonymous id). */
export async function leadObject(site: string, ref: string) {
  const { resolveLeadRef } = await import("../../worker/lead/ids");
  const leadId = await resolveLeadRef(site, ref);
  return env.LEADS.getByName(`${site}/${leadId}`);
}

/**
 * Waits until a lead's outbox is empty: every webhook it owed was delivered or dead-lettered, so
 * nothing more can arrive from it. Polls without asserting; what arrived is then final.
 */
export async function outboxDrained(site: string, ref: string): Promise<void> {
  const stub = await leadObject(site, ref);
  await eventually(async () => (await stub.stats()).outbox === 0);
}
