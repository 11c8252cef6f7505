import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { leadIdForAnonymous, leadIdForUser } from "../../worker/lead/ids";
import { replay, view } from "../../worker/scoring";
import { adminFetch, env, eventually, getLead, outboxDrained, pageView, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

/** The site the test write key belongs to ("segtest.<secret>"). */
const SITE = "segtest";
const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;

async function segment(path: string, body: unknown, key: string | null = env.TEST_WRITE_KEY): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== null) headers.authorization = basic(key);
  return SELF.fetch(`https://leadscore.test${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

/**
 * The back end confirms a browser's user id (identify with userId and anonymousId): the lead holds the
 * browser's pricing 30 + page 1, is verified, and that browser's later batches, signed or not, reach it.
 */
async function confirmByBackEnd(browser: string, user: string, traits: Record<string, unknown>): Promise<void> {
  expect((await segment("/v1/identify", { anonymousId: browser, userId: user })).status).toBe(200);
  const lead = await getLead(SITE, user);
  expect(lead.body).toMatchObject({ score: 30 + 1, verified: true, anonymousIds: [browser] });
  expect(lead.body.traits).toMatchObject(traits);
  const later = await send(SITE, browser, [wire("t", "chat_open")], user, { unsigned: true });
  expect(later.body.lead).toMatchObject({ id: lead.body.id, score: 30 + 1 + 10 });
}

function uid(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

beforeAll(async () => {
  const config = shopConfig(SITE, { writeKey: { env: "TEST_WRITE_KEY" } });
  // Channel and UTM rules that only server-side context can satisfy (no URL on these calls).
  config.models[0]!.rules.push(
    { id: "email-click", event: "email_click", when: { channel: "email" }, points: 7 } as never,
    { id: "spring", event: "page_view", when: { utmCampaign: "spring-sale", utmSource: "newsletter" }, points: 3 } as never,
  );
  expect((await putConfig(SITE, config)).status).toBe(200);
});

describe("anonymous to known", () => {
  it("merges anonymous history into the known lead: the score is the engine's score of the union", async () => {
    const anon = uid("anon-visitor");
    const email = `${uid("ada")}@example.com`;
    await send(SITE, anon, [pageView("/"), pageView("/pricing"), wire("t", "cart_add")]);
    const before = await getLead(SITE, anon);
    expect(before.body.score).toBe(57);

    // The identifying batch: the snippet now carries the user id, in mixed case and spaces.
    const identified = await send(SITE, anon, [wire("i", "identify", { tr: { name: "Ada" } }), wire("t", "cart_add")], `  ${email.toUpperCase()} `);
    expect(identified.body.lead.id).toMatch(/^u_/);

    const known = await getLead(SITE, email);
    // The known lead holds the union of both histories, and its score is the engine's for that union.
    const union = known.body.recentEvents;
    expect(union.map((e: any) => e.id)).toEqual(expect.arrayContaining(before.body.recentEvents.map((e: any) => e.id)));
    expect(union).toHaveLength(5);
    const config = (await (await adminFetch(`/v1/sites/${SITE}/config`)).json()) as any;
    const now = Date.now();
    expect(known.body.score).toBeCloseTo(view(replay(union, config, now), config, now).score, 2);
    // Caps hold across the union: the cart rule counts twice at most, pricing once.
    expect(known.body.score).toBe(1 + 31 + 25 + 25);
    expect(known.body.userId).toBe(email);
    expect(known.body.anonymousIds).toContain(anon);
    expect(known.body.traits).toMatchObject({ name: "Ada", email });

    // The anonymous id now resolves to the known lead, in the operator API and on collect.
    const viaAnon = await getLead(SITE, anon);
    expect(viaAnon.body.id).toBe(known.body.id);
    const later = await send(SITE, anon, [wire("t", "chat_open")]);
    expect(later.body.lead.id).toBe(known.body.id);
    expect(later.body.lead.score).toBe(92);
  });

  it("merges a second device of the same person and fires the crossing webhook once", async () => {
    const email = `${uid("grace")}@example.com`;
    const phone = uid("phone-visitor");
    const laptop = uid("laptop-visitor");
    await send(SITE, phone, [pageView("/pricing")]); // 31 warm
    await send(SITE, phone, [wire("i", "identify")], email);
    await send(SITE, laptop, [pageView("/directions"), wire("t", "chat_open")]); // 31 warm on its own
    await send(SITE, laptop, [wire("i", "identify")], email); // union: 31 + 21 + 10 = 62 hot

    const lead = await getLead(SITE, email);
    expect(lead.body.score).toBe(62);
    expect(lead.body.label).toBe("hot");
    expect(lead.body.anonymousIds.sort()).toEqual([laptop, phone].sort());
    const hooks = await eventually(async () => {
      const list = (await received(SITE)).map((h) => JSON.parse(h.body)).filter((p) => p.data.lead.id === lead.body.id && p.data.current === "hot");
      return list.length ? list : undefined;
    });
    for (const ref of [email, phone, laptop]) await outboxDrained(SITE, ref);
    expect((await received(SITE)).map((h) => JSON.parse(h.body)).filter((p) => p.data.lead.id === lead.body.id && p.data.current === "hot")).toHaveLength(1);
    expect(hooks[0].data.cause.kind).toBe("merge");
  });

  it("lists leads highest score first from the index, filtered by label", async () => {
    const a = uid("list-a");
    const b = uid("list-b");
    await send(SITE, a, [pageView("/pricing"), wire("t", "chat_open"), wire("t", "cart_add")]); // 66 hot
    await send(SITE, b, [pageView("/pricing")]); // 31 warm
    const hot = await eventually(async () => {
      const res = (await (await adminFetch(`/v1/sites/${SITE}/leads?label=hot&limit=500`)).json()) as any;
      return res.leads.some((l: any) => l.score === 66) ? res.leads : undefined;
    });
    expect(hot.every((l: any) => l.label === "hot")).toBe(true);
    const all = ((await (await adminFetch(`/v1/sites/${SITE}/leads?limit=500`)).json()) as any).leads;
    const scores = all.map((l: any) => l.score);
    expect(scores).toEqual([...scores].sort((x: number, y: number) => y - x));
    // A bad query is a 422 naming the field (lead-list.test.ts has the table).
    expect((await adminFetch(`/v1/sites/${SITE}/leads?limit=0`)).status).toBe(422);
  });

  it("erases a lead, its merged anonymous ids and its index entry; a later event starts from nothing", async () => {
    const anon = uid("erase-anon");
    const email = `${uid("erase")}@example.com`;
    await send(SITE, anon, [pageView("/pricing"), wire("t", "chat_open"), wire("t", "cart_add")]);
    await send(SITE, anon, [wire("i", "identify")], email);
    const lead = await getLead(SITE, email);
    await eventually(async () => (((await (await adminFetch(`/v1/sites/${SITE}/leads?limit=500`)).json()) as any).leads.some((l: any) => l.leadId === lead.body.id) ? true : undefined));

    const res = await adminFetch(`/v1/sites/${SITE}/leads/${encodeURIComponent(email)}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect((await getLead(SITE, email)).status).toBe(404);
    expect((await getLead(SITE, anon)).status).toBe(404);
    const listed = ((await (await adminFetch(`/v1/sites/${SITE}/leads?limit=500`)).json()) as any).leads;
    expect(listed.some((l: any) => l.leadId === lead.body.id)).toBe(false);

    // No rows are left behind in the known lead's object, the merged anonymous one, or the index.
    for (const id of [lead.body.id, await leadIdForAnonymous(SITE, anon)]) {
      const stats = await env.LEADS.getByName(`${SITE}/${id}`).stats();
      expect(stats).toMatchObject({ events: 0, outbox: 0, alarm: null });
    }

    const fresh = await send(SITE, anon, [pageView("/")]);
    expect(fresh.body.lead.score).toBe(1);
  });

  it("leaves no erased e-mail in the isolate's remembered lead-id hashes", async () => {
    const email = `${uid("forget")}@example.com`;
    await send(SITE, uid("forget-anon"), [wire("i", "identify")], email);
    // The worker runs in this isolate: every hash it computes passes through this digest.
    const hashed: string[] = [];
    const digest = crypto.subtle.digest.bind(crypto.subtle);
    const spy = vi.spyOn(crypto.subtle, "digest").mockImplementation(async (algorithm, data) => {
      hashed.push(new TextDecoder().decode(data as ArrayBuffer));
      return digest(algorithm, data);
    });
    try {
      expect((await getLead(SITE, email)).status).toBe(200);
      // Remembered: the e-mail's lead id is not hashed again.
      expect(hashed.filter((text) => text.includes(email))).toEqual([]);
      expect((await adminFetch(`/v1/sites/${SITE}/leads/${encodeURIComponent(email)}`, { method: "DELETE" })).status).toBe(200);
      expect((await getLead(SITE, email)).status).toBe(404);
      // Forgotten with the erasure: asking again hashes it anew.
      expect(hashed.filter((text) => text.includes(email))).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("Segment-compatible ingestion", () => {
  it("scores track, identify and page calls through the same rules", async () => {
    const user = `${uid("seg")}@example.com`;
    expect((await segment("/v1/identify", { userId: user, traits: { company: "Acme" }, messageId: uid("m") })).status).toBe(200);
    expect((await segment("/v1/page", { userId: user, properties: { path: "/pricing", url: "https://shop.test/pricing" }, messageId: uid("m") })).status).toBe(200);
    expect((await segment("/v1/track", { userId: user, event: "Product Added", properties: { sku: "k1" }, messageId: uid("m") })).status).toBe(200);
    const lead = await getLead(SITE, user);
    expect(lead.body.score).toBe(31 + 25);
    expect(lead.body.traits.company).toBe("Acme");
  });

  it("reads the channel and UTM values from context.campaign, context.page and properties.channel", async () => {
    const user = `${uid("chan")}@example.com`;
    const click = { userId: user, event: "Email Link Clicked" };
    // context.channel "server" is where the call came from (Segment's libraries set it), not a marketing channel.
    await segment("/v1/track", { ...click, messageId: uid("m"), context: { channel: "server" } });
    expect((await getLead(SITE, user)).body.score).toBe(0);
    await segment("/v1/track", { ...click, messageId: uid("m"), context: { campaign: { medium: "email", source: "newsletter" } } });
    expect((await getLead(SITE, user)).body.score).toBe(7);
    await segment("/v1/track", { ...click, messageId: uid("m"), properties: { channel: "Email" } });
    expect((await getLead(SITE, user)).body.score).toBe(7 + 7);
    // A page known only by its path and search: the UTM query still reaches the rules (pages rule: +1).
    await segment("/v1/page", { userId: user, messageId: uid("m"), context: { page: { path: "/spring", search: "?utm_source=newsletter&utm_campaign=spring-sale" } } });
    expect((await getLead(SITE, user)).body.score).toBe(7 + 7 + 3 + 1);
    await segment("/v1/page", { userId: user, messageId: uid("m"), context: { campaign: { source: "newsletter", name: "spring-sale" } }, properties: { path: "/spring" } });
    expect((await getLead(SITE, user)).body.score).toBe(7 + 7 + 3 + 1 + 3 + 1);
  });

  it("counts a duplicate messageId once", async () => {
    const user = `${uid("dup")}@example.com`;
    const message = { userId: user, event: "cart_add", messageId: uid("m") };
    await segment("/v1/track", message);
    await segment("/v1/batch", { batch: [{ ...message, type: "track" }] });
    expect((await getLead(SITE, user)).body.score).toBe(25);
  });

  it("merges through identify with an anonymousId and through alias", async () => {
    const anon1 = uid("seg-anon");
    const anon2 = uid("seg-anon");
    const user = `${uid("merge")}@example.com`;
    await segment("/v1/page", { anonymousId: anon1, properties: { path: "/pricing" } });
    await segment("/v1/track", { anonymousId: anon2, event: "chat_open" });
    await segment("/v1/identify", { anonymousId: anon1, userId: user });
    await segment("/v1/alias", { previousId: anon2, userId: user });
    const lead = await getLead(SITE, user);
    expect(lead.body.score).toBe(41);
    expect((await getLead(SITE, anon2)).body.id).toBe(lead.body.id);
  });

  it("confirms a sign-up's unverified lead when the back end identifies it (identify with userId and anonymousId)", async () => {
    const browser = uid("claiming-browser");
    const user = `${uid("confirmed")}@example.com`;
    // A sign-up form on a site that cannot sign, for an e-mail without a lead: the known lead, unverified.
    const claimed = await send(SITE, browser, [pageView("/pricing"), wire("i", "identify", { tr: { name: "Lin" } })], user, { unsigned: true });
    expect(claimed.body.lead.id).toBe(await leadIdForUser(SITE, user));
    expect((await getLead(SITE, user)).body).toMatchObject({ verified: false, anonymousIds: [browser] });

    await confirmByBackEnd(browser, user, { name: "Lin", email: user });
  });

  it("joins a browser's refused claim to an existing person when the back end confirms it", async () => {
    const user = `${uid("existing")}@example.com`;
    expect((await segment("/v1/identify", { userId: user, traits: { name: "Lin" } })).status).toBe(200);
    const browser = uid("claiming-browser");
    // The person's lead exists, so the unsigned claim stays on the browser's anonymous lead.
    const claimed = await send(SITE, browser, [pageView("/pricing"), wire("i", "identify")], user, { unsigned: true });
    expect(claimed.body.lead).toMatchObject({ id: await leadIdForAnonymous(SITE, browser), score: 30 + 1 });

    await confirmByBackEnd(browser, user, { name: "Lin", claimedUserId: user });
  });

  it("scores the server-only events (purchase, unsubscribe) it receives, which the browser endpoint drops", async () => {
    const user = `${uid("buyer")}@example.com`;
    expect((await segment("/v1/track", { userId: user, event: "purchase", properties: { revenue: 40 } })).status).toBe(200);
    expect((await segment("/v1/track", { userId: user, event: "unsubscribe" })).status).toBe(200);
    const browser = uid("buyer-browser");
    // The person's own signed-in browser: its purchase is dropped all the same.
    const browserBatch = await send(SITE, browser, [wire("t", "purchase"), wire("t", "chat_open"), wire("i", "identify")], user);
    expect(browserBatch.body).toMatchObject({ accepted: 2, ignored: 1 });
    const names = (await getLead(SITE, user)).body.recentEvents.map((e: any) => e.name).sort();
    expect(names).toEqual(["chat_open", "identify", "purchase", "unsubscribe"]);
  });

  it("answers 401 to a wrong or missing write key, the public site id included", async () => {
    const body = { userId: "x@example.com", event: "cart_add" };
    for (const key of [null, "segtest.wrong", SITE, "nosite.whatever", ""]) {
      const res = await segment("/v1/track", body, key);
      expect(res.status).toBe(401);
      // hono's basicAuth answers with the contract's error shape and a Basic challenge.
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="leadscore"');
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.stringContaining("writeKey"), issues: [] } });
    }
    // A Basic header decides on its own: a right key in the body does not rescue a wrong header.
    const wrongHeader = await SELF.fetch("https://leadscore.test/v1/track", { method: "POST", headers: { "content-type": "application/json", authorization: basic("segtest.wrong") }, body: JSON.stringify({ ...body, writeKey: env.TEST_WRITE_KEY }) });
    expect(wrongHeader.status).toBe(401);
    const viaBody = await SELF.fetch("https://leadscore.test/v1/track", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...body, writeKey: env.TEST_WRITE_KEY }) });
    expect(viaBody.status).toBe(200);
  });

  it("answers 400 to invalid JSON, oversized events and far-future timestamps, storing nothing", async () => {
    const user = `${uid("bad")}@example.com`;
    const cases: Array<[string, Response]> = [
      ["invalid JSON", await SELF.fetch("https://leadscore.test/v1/track", { method: "POST", headers: { "content-type": "application/json", authorization: basic(env.TEST_WRITE_KEY) }, body: "{nope" })],
      ["no identity", await segment("/v1/track", { event: "cart_add" })],
      ["an oversized event", await segment("/v1/track", { userId: user, event: "cart_add", properties: { big: "x".repeat(40_000) } })],
      ["an oversized batch", await segment("/v1/batch", { batch: Array.from({ length: 20 }, () => ({ type: "track", userId: user, event: "cart_add", properties: { big: "x".repeat(30_000) } })) })],
      ["a far-future timestamp", await segment("/v1/track", { userId: user, event: "cart_add", timestamp: "2999-01-01T00:00:00Z" })],
      ["a batch with one bad item", await segment("/v1/batch", { batch: [{ type: "track", userId: user, event: "cart_add" }, { type: "track", userId: user }] })],
    ];
    for (const [name, res] of cases) {
      expect(res.status, name).toBe(400);
      expect(((await res.json()) as any).error.code, name).toEqual(expect.any(String));
    }
    expect((await getLead(SITE, user)).status).toBe(404);
  });
});

describe("a merge re-scores the union of both leads' events, each once", () => {
  it("counts the known lead's events that still ride in its record once", async () => {
    const s = uniqueSite();
    await putConfig(s, shopConfig(s));
    const user = `${uid("ann")}@example.com`;
    await send(s, uid("browser"), [wire("t", "chat_open")], user); // 10, riding in the record
    const visitor = uid("visitor");
    await send(s, visitor, [wire("t", "chat_open")]); // the visitor's own 10
    await send(s, visitor, [wire("i", "identify")], user);
    expect((await getLead(s, user)).body.score).toBe(10 + 10);
  });

  it("keeps the known lead's batch rows when it signs in from a browser that sent nothing before", async () => {
    const s = uniqueSite();
    await putConfig(s, shopConfig(s));
    const user = `${uid("ann")}@example.com`;
    // Twenty events fill one batch row (FLUSH_EVENTS): none rides in the record.
    await send(s, uid("browser"), Array.from({ length: 20 }, () => wire("t", "chat_open")), user);
    expect((await getLead(s, user)).body.score).toBe(20 * 10);
    await send(s, uid("browser"), [wire("i", "identify")], user);
    expect((await getLead(s, user)).body.score).toBe(20 * 10);
  });
});
