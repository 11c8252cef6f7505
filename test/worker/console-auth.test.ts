import { SELF } from "cloudflare:test";
import { generateSignedCookie } from "hono/cookie";
import { describe, expect, it } from "vitest";
import { sessionKey, SESSION_TTL_MS } from "../../worker/http/session";
import { adminFetch, putConfig, shopConfig, uniqueSite } from "./helpers";

const ORIGIN = "https://leadscore.test";
const ADMIN_TOKEN = "test-admin-token";
const COOKIE = "__Host-leadscore_session";

async function signIn(origin = ORIGIN, token = ADMIN_TOKEN, base = ORIGIN): Promise<Response> {
  return SELF.fetch(`${base}/v1/session`, { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ token }) });
}

/** Signs in and answers the `name=value` pair the browser would send back. */
async function sessionCookie(): Promise<string> {
  const res = await signIn();
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

function withCookie(cookie: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { cookie, ...(init.headers as Record<string, string>) } };
}

/** Every route the console calls, with a body where it needs one. */
function consoleRoutes(site: string): Array<[string, string, unknown?]> {
  return [
    ["GET", `/v1/sites/${site}/config`],
    ["PUT", `/v1/sites/${site}/config`, shopConfig(site)],
    ["GET", `/v1/sites/${site}/leads?label=hot&limit=5`],
    ["GET", `/v1/sites/${site}/leads/someone@example.com`],
    ["GET", `/v1/sites/${site}/leads/someone@example.com/history`],
    ["DELETE", `/v1/sites/${site}/leads/someone@example.com`],
    ["POST", `/v1/sites/${site}/simulate`, { events: [{ name: "page_view", path: "/pricing", timestamp: Date.now() }] }],
    ["GET", `/v1/sites/${site}/webhooks`],
    ["POST", `/v1/sites/${site}/webhooks/main/test`],
    ["GET", `/v1/sites/${site}/webhooks/main/dead-letters`],
    ["POST", `/v1/sites/${site}/webhooks/main/dead-letters/redeliver`, {}],
    ["GET", `/v1/sites/${site}/overview`],
    ["GET", "/v1/session"],
    ["DELETE", "/v1/session"],
  ];
}

function request(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  const init: RequestInit = { method, headers: { origin: ORIGIN, ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  return SELF.fetch(`${ORIGIN}${path}`, init);
}

describe("console sign-in", () => {
  it("answers 401 on every console API route without a session or token, and changes nothing", async () => {
    const site = uniqueSite();
    expect((await putConfig(site, shopConfig(site))).status).toBe(200);
    for (const [method, path, body] of consoleRoutes(site)) {
      const res = await request(method, path, body, {});
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(((await res.json()) as any).error.code).toBe("unauthorized");
    }
    expect((await adminFetch(`/v1/sites/${site}/config`)).headers.get("etag")).toBe('"v1"');
  });

  it("trades the admin token for an HttpOnly, Secure, SameSite=Strict, expiring cookie that holds no token", async () => {
    const res = await signIn();
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ signedIn: true, via: "session" });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(SESSION_TTL_MS);
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie.startsWith(`${COOKIE}=`)).toBe(true);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(new RegExp(`; Max-Age=${SESSION_TTL_MS / 1000}`));
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    expect(JSON.stringify(body)).not.toContain(ADMIN_TOKEN);

    const cookie = setCookie.split(";")[0]!;
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    expect((await SELF.fetch(`${ORIGIN}/v1/sites/${site}/config`, withCookie(cookie))).status).toBe(200);
    expect((await (await SELF.fetch(`${ORIGIN}/v1/session`, withCookie(cookie))).json()) as any).toMatchObject({ via: "session" });
  });

  it("refuses a wrong token and a sign-in posted from another origin", async () => {
    const wrong = await signIn(ORIGIN, "not-the-token");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const elsewhere = await signIn("https://evil.test");
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get("set-cookie")).toBeNull();
  });

  it("uses a plain cookie, without Secure, only on a loopback http origin", async () => {
    const res = await signIn("http://127.0.0.1:8787", ADMIN_TOKEN, "http://127.0.0.1:8787");
    expect(res.status).toBe(200);
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie.startsWith("leadscore_session=")).toBe(true);
    expect(setCookie).not.toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
  });

  it("refuses a cross-site write with the cookie (403) and keeps the config", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const cookie = await sessionCookie();
    const changed = shopConfig(site) as any;
    changed.models[0].rules[0].points = 99;
    for (const origin of ["https://evil.test", "https://leadscore.test.evil.test", "null", undefined]) {
      const headers: Record<string, string> = { cookie, "content-type": "application/json", ...(origin ? { origin } : {}) };
      const res = await SELF.fetch(`${ORIGIN}/v1/sites/${site}/config`, { method: "PUT", headers, body: JSON.stringify(changed) });
      expect(res.status, String(origin)).toBe(403);
      expect(((await res.json()) as any).error.code).toBe("cross_origin");
      const post = await SELF.fetch(`${ORIGIN}/v1/sites/${site}/webhooks/main/dead-letters/redeliver`, { method: "POST", headers, body: "{}" });
      expect(post.status, String(origin)).toBe(403);
    }
    const res = await adminFetch(`/v1/sites/${site}/config`);
    expect(res.headers.get("etag")).toBe('"v1"');
    expect(((await res.json()) as any).models[0].rules[0].points).toBe(30);
    // The same write from the console's own origin goes through.
    const ok = await SELF.fetch(`${ORIGIN}/v1/sites/${site}/config`, { method: "PUT", headers: { cookie, origin: ORIGIN, "content-type": "application/json" }, body: JSON.stringify(changed) });
    expect(ok.status).toBe(200);
  });

  it("refuses tampered, expired and old-token cookies", async () => {
    const cookie = await sessionCookie();
    const value = decodeURIComponent(cookie.slice(COOKIE.length + 1));
    const [payload, signature] = [value.slice(0, value.lastIndexOf(".")), value.slice(value.lastIndexOf(".") + 1)];
    const [sessionId] = payload.split(":");
    const forged = async (v: string, token = ADMIN_TOKEN) => (await generateSignedCookie("leadscore_session", v, await sessionKey(token), { prefix: "host" })).split(";")[0]!;
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const attempts: Array<[string, string]> = [
      ["signature changed", `${COOKIE}=${encodeURIComponent(`${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`)}`],
      ["expiry moved without re-signing", `${COOKIE}=${encodeURIComponent(`${sessionId}:${Date.now() + 10 * SESSION_TTL_MS}.${signature}`)}`],
      ["expired, correctly signed", await forged(`${sessionId}:${Date.now() - 1000}`)],
      ["signed with an older admin token", await forged(payload, "the-previous-admin-token")],
      ["an id that was never issued, correctly signed", await forged(`${"x".repeat(32)}:${Date.now() + SESSION_TTL_MS}`)],
      ["garbage", `${COOKIE}=garbage`],
    ];
    for (const [what, bad] of attempts) {
      const res = await SELF.fetch(`${ORIGIN}/v1/sites/${site}/config`, withCookie(bad));
      expect(res.status, what).toBe(401);
    }
    // The untouched cookie still works: the refusals above were about the changes.
    expect((await SELF.fetch(`${ORIGIN}/v1/sites/${site}/config`, withCookie(cookie))).status).toBe(200);
  });

  it("ends the session on sign-out: the very same cookie is refused afterwards", async () => {
    const cookie = await sessionCookie();
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    expect((await SELF.fetch(`${ORIGIN}/v1/sites/${site}/leads`, withCookie(cookie))).status).toBe(200);
    const out = await SELF.fetch(`${ORIGIN}/v1/session`, withCookie(cookie, { method: "DELETE", headers: { origin: ORIGIN } }));
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await SELF.fetch(`${ORIGIN}/v1/sites/${site}/leads`, withCookie(cookie))).status).toBe(401);
    expect((await SELF.fetch(`${ORIGIN}/v1/session`, withCookie(cookie))).status).toBe(401);
  });

  it("keeps the bearer token working, and a wrong bearer is refused even with a good cookie", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    expect((await adminFetch(`/v1/sites/${site}/overview`)).status).toBe(200);
    const cookie = await sessionCookie();
    const res = await SELF.fetch(`${ORIGIN}/v1/sites/${site}/config`, { headers: { cookie, authorization: "Bearer wrong" } });
    expect(res.status).toBe(401);
  });
});
