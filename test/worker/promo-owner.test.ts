// Promo codes go to their owner: codes only for confirmed people where the site asks for it, every
// code a person was shown kept after a merge, and a lookup a checkout uses to bind a code to a person.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { leadIdForUser } from "../../worker/lead/ids";
import { adminFetch, env, eventually, getLead, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

/** cart 70 makes a lead hot (60) at once; the promo needs a cart add. */
const HOT_CART = { rules: [{ id: "cart", event: "cart_add", points: 70 }, { id: "chat", event: "chat_open", points: 1 }] };

async function site(promo: Record<string, unknown> = {}) {
  const id = uniqueSite("owner");
  expect((await putConfig(id, shopConfig(id, { promo: { label: "hot", requireEvent: "cart_add", prefix: "HOT-", ...promo } }, HOT_CART))).status).toBe(200);
  return id;
}

const codes = (body: any): string[] => body.actions.filter((a: any) => a.type === "promo").map((a: any) => a.code);
const browserId = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;
const email = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}@example.com`;

async function lookup(siteId: string, code: string) {
  const res = await adminFetch(`/v1/sites/${siteId}/promo/${encodeURIComponent(code)}`);
  return { status: res.status, body: (await res.json()) as any };
}

describe("promo.requireVerified", () => {
  it("issues no code to anonymous or unverified leads, and one once the person is confirmed", async () => {
    const s = await site({ requireVerified: true });
    const browser = browserId("shopper");
    const anon = await send(s, browser, [wire("t", "cart_add")]);
    expect(anon.body.lead.label).toBe("hot");
    expect(codes(anon.body)).toEqual([]);

    const user = email("shopper");
    const claimed = await send(s, browser, [wire("i", "identify"), wire("t", "chat_open")], user, { unsigned: true });
    expect(claimed.body.lead).toMatchObject({ id: await leadIdForUser(s, user), label: "hot" });
    expect(codes(claimed.body)).toEqual([]);
    expect((await getLead(s, user)).body).toMatchObject({ verified: false, promo: null, promos: [] });

    const signed = await send(s, browser, [wire("i", "identify")], user);
    expect(codes(signed.body)).toHaveLength(1);
    const lead = await getLead(s, user);
    expect(lead.body).toMatchObject({ verified: true, promo: codes(signed.body)[0] });
  });

  it("is off by default: an anonymous visitor earns the code", async () => {
    const s = await site();
    const anon = await send(s, browserId("visitor"), [wire("t", "cart_add")]);
    expect(codes(anon.body)).toHaveLength(1);
  });
});

describe("every code a person was shown", () => {
  it("stays on the record after a merge, and the lookup names the person for each until the lead is erased", async () => {
    const s = await site();
    const user = email("two-codes");
    const phone = browserId("phone");
    const laptop = browserId("laptop");
    const known = await send(s, phone, [wire("i", "identify"), wire("t", "cart_add")], user);
    const [knownCode] = codes(known.body);
    const anon = await send(s, laptop, [wire("t", "cart_add")]);
    const [anonCode] = codes(anon.body);
    expect(knownCode).toBeDefined();
    expect(anonCode).toBeDefined();
    expect(anonCode).not.toBe(knownCode);

    // The laptop signs in: its anonymous lead, code and all, merges into the person.
    const merged = await send(s, laptop, [wire("i", "identify")], user);
    expect(codes(merged.body)).toEqual([]);
    const lead = await getLead(s, user);
    expect(lead.body.promo).toBe(knownCode);
    expect(lead.body.promos.map((p: any) => p.code)).toEqual([knownCode, anonCode]);

    const leadId = await leadIdForUser(s, user);
    for (const code of [knownCode!, anonCode!]) {
      const owner = await eventually(async () => {
        const r = await lookup(s, code);
        return r.status === 200 && r.body.leadId === leadId ? r.body : undefined;
      });
      expect(owner).toEqual({ code, leadId, userId: user, verified: true, issuedAt: lead.body.promos.find((p: any) => p.code === code).issuedAt });
    }
    // A checkout may pass what the customer typed, in lower case.
    expect((await lookup(s, anonCode!.toLowerCase())).body.leadId).toBe(leadId);

    expect((await adminFetch(`/v1/sites/${s}/leads/${encodeURIComponent(user)}`, { method: "DELETE" })).status).toBe(200);
    for (const code of [knownCode!, anonCode!]) expect((await lookup(s, code)).status).toBe(404);
  });

  it("answers 404 to a code never issued and 400 to one that cannot be a code", async () => {
    const s = await site();
    const unknown = await lookup(s, "HOT-0000-0000-0000");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("unknown_promo");
    const bad = await lookup(s, "not a code!");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBeDefined();
  });
});

describe("the site's code rows", () => {
  it("are found by their lead through an index, and an entry that changes nothing of their holder writes none", async () => {
    const stub = env.SITES.getByName(uniqueSite("owner-rows"));
    const entry = (updatedAt: number, userId: string | null) => ({ leadId: "l_1", userId, score: 70, label: "hot", stage: "lead", model: "shop", updatedAt, horizonEnd: null, verified: true, promos: [{ code: "HOT-1", issuedAt: 1 }] });
    await stub.upsertLeads([{ ...entry(1, null), leadId: "l_other", promos: [{ code: "HOT-2", issuedAt: 1 }] }, entry(1, null)]);
    const written = await runInDurableObject(stub, async (site, state) => {
      const sql = state.storage.sql;
      const plan = sql.exec<{ detail: string }>("EXPLAIN QUERY PLAN UPDATE promo_codes SET user_id = 'x' WHERE lead_id = 'l_1'").toArray().map((r) => r.detail).join(" ");
      expect(plan).toContain("promo_codes_lead");
      // Rows each statement about codes wrote, for the next two entries.
      const cursors: Array<{ statement: string; cursor: { rowsWritten: number } }> = [];
      const exec = sql.exec.bind(sql);
      (sql as any).exec = (statement: string, ...binds: unknown[]) => {
        const cursor = exec(statement, ...binds);
        if (statement.includes("promo_codes")) cursors.push({ statement, cursor });
        return cursor;
      };
      const codeRows = () => cursors.splice(0).reduce((n, c) => n + c.cursor.rowsWritten, 0);
      try {
        await site.upsertLeads([entry(2, null)]);
        const unchanged = codeRows();
        await site.upsertLeads([entry(3, "ada@example.com")]);
        return { unchanged, confirmed: codeRows() };
      } finally {
        (sql as any).exec = exec;
      }
    });
    expect(written.unchanged).toBe(0);
    expect(written.confirmed).toBeGreaterThan(0);
    expect(await stub.promoOwner("HOT-1")).toMatchObject({ leadId: "l_1", userId: "ada@example.com" });
    expect(await stub.promoOwner("HOT-2")).toMatchObject({ leadId: "l_other", userId: null });
  });
});
