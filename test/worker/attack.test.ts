// Impersonation through the public collect endpoint. The attacker knows only the victim's e-mail,
// forges the site's Origin (curl can send any) and sends an ordinary desktop browser User-Agent, so
// neither the origin check nor the bot rule stops them: only verified identity does.
import { beforeAll, describe, expect, it } from "vitest";
import { leadIdForAnonymous, leadIdForUser } from "../../worker/lead/ids";
import { collect, getLead, identityToken, pageView, putConfig, send, shopConfig, signed, uniqueSite, wire, DESKTOP_UA as DESKTOP } from "./helpers";

const BROWSER = { headers: { "user-agent": DESKTOP } };
const SITE = uniqueSite("attack");

/** The shop of helpers.shopConfig plus a quote (40), a CEO title (20), stages and two disqualifiers. */
const RULES = [
  { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 30, cap: "once" },
  { id: "cart", event: "cart_add", points: 25, cap: { max: 2 } },
  { id: "quote", event: "quote_request", points: 40, cap: "once" },
  { id: "pages", event: "page_view", points: 1, cap: { max: 10 } },
  { id: "ceo", trait: "jobTitle", match: { pattern: "\\bceo\\b", flags: "i" }, points: 20 },
  { id: "unsubscribe", event: "unsubscribe", disqualify: true },
  { id: "competitor", trait: "email", match: { endsWith: ["@rival.example"] }, disqualify: true },
];

/** What must not change about the victim, whatever the attacker sends. */
async function victimRecord(email: string) {
  const { body } = await getLead(SITE, email);
  return {
    id: body.id,
    score: body.score,
    label: body.label,
    stage: body.stage,
    disqualified: body.disqualified,
    traits: body.traits,
    promo: body.promo,
    anonymousIds: [...body.anonymousIds].sort(),
    events: body.recentEvents.map((e: any) => e.id).sort(),
  };
}

/** The victim: a real visitor who signed in on the site (a signed identify), warm, without a code yet. */
async function victim(name: string) {
  const email = `${name}-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const browser = `victim-${crypto.randomUUID().slice(0, 8)}`;
  await send(SITE, browser, [pageView("/pricing"), wire("t", "cart_add")], undefined, BROWSER);
  const identified = await send(SITE, browser, [wire("i", "identify", { tr: { name: "Vera" } })], email, BROWSER);
  expect(identified.body.lead.id).toBe(await leadIdForUser(SITE, email));
  // pricing 30 + page 1 + cart 25: warm, below the 60 that would earn a code.
  expect(identified.body.lead).toMatchObject({ score: 30 + 1 + 25, label: "warm", stage: "lead" });
  return { email, browser };
}

beforeAll(async () => {
  const config = shopConfig(SITE, { ignoreBots: true, promo: { label: "hot", requireEvent: "cart_add", prefix: "HOT-" } }, {
    rules: RULES,
    stages: [{ name: "lead" }, { name: "MQL", min: 80 }],
  });
  expect((await putConfig(SITE, config)).status).toBe(200);
});

describe("an unverified claim to someone's e-mail", () => {
  it("reads nothing of the victim, changes nothing, gets none of their codes and merges nothing into them", async () => {
    const { email } = await victim("vera");
    const before = await victimRecord(email);
    const attacker = `attacker-${crypto.randomUUID().slice(0, 8)}`;
    const ownLead = await leadIdForAnonymous(SITE, attacker);

    // 1. Claim the e-mail (mixed case, as a form would) with a CEO title: the answer is the attacker's own lead.
    const claim = await send(SITE, attacker, [pageView("/pricing"), wire("i", "identify", { tr: { jobTitle: "CEO" } })], `  ${email.toUpperCase()} `, { unsigned: true, ...BROWSER });
    expect(claim.status).toBe(200);
    expect(claim.body.lead.id).toBe(ownLead);
    // What the attacker's own events earned: pricing 30 + page 1 + CEO 20, nothing of the victim's 56.
    expect(claim.body.lead).toEqual({ id: ownLead, score: 30 + 1 + 20, label: "warm", stage: "lead" });

    // 2. Push hot with a cart: a code may come, but it is the attacker's own lead's, never the victim's.
    const push = await send(SITE, attacker, [wire("t", "quote_request"), wire("t", "cart_add"), wire("t", "cart_add")], email, { unsigned: true, ...BROWSER });
    expect(push.body.lead).toMatchObject({ id: ownLead, score: 30 + 1 + 20 + 40 + 2 * 25, label: "hot" });
    const attackerCodes = push.body.actions.map((a: any) => a.code);

    // 3. Disqualify: a competitor e-mail trait and an unsubscribe.
    const dq = await send(SITE, attacker, [wire("i", "identify", { tr: { email: "mallory@rival.example", name: "Mallory" } }), wire("t", "unsubscribe")], email, { unsigned: true, ...BROWSER });
    expect(dq.body.lead.id).toBe(ownLead);
    expect(dq.body.lead.label).toBe("disqualified");

    expect(await victimRecord(email)).toEqual(before);
    expect(before.anonymousIds).not.toContain(attacker);

    // The claim is kept with the attacker's own lead, where it can join a person once confirmed.
    const own = await getLead(SITE, attacker);
    expect(own.body.id).toBe(ownLead);
    expect(own.body.userId).toBeNull();
    expect(own.body.traits).toMatchObject({ claimedUserId: email, jobTitle: "CEO" });

    // The victim, continuing for real, earns their own code: not one the attacker was shown.
    const real = await send(SITE, before.anonymousIds[0], [wire("t", "quote_request")], undefined, BROWSER);
    expect(real.body.lead).toMatchObject({ id: before.id, score: 30 + 1 + 25 + 40, label: "hot" });
    expect(real.body.actions).toHaveLength(1);
    expect(attackerCodes).not.toContain(real.body.actions[0].code);
  });

  const BAD_SIGNATURES: Array<[string, (email: string) => string]> = [
    ["garbage", () => "not-a-token"],
    ["a token made with another secret", (email) => identityToken(email, { secret: "someone-elses-secret" })],
    ["an expired token", (email) => identityToken(email, { expiresAt: Math.floor(Date.now() / 1000) - 60 })],
    ["another user's valid token", () => identityToken("mallory@example.com")],
    ["a valid token with its expiry moved", (email) => identityToken(email, { expiresAt: 0 }).replace(/^0\./, `${Math.floor(Date.now() / 1000) + 3600}.`)],
    ["a token cut short", (email) => identityToken(email).slice(0, -2)],
  ];

  it.each(BAD_SIGNATURES)("treats %s as unverified", async (_, signature) => {
    const { email } = await victim("vic");
    const before = await victimRecord(email);
    const attacker = `attacker-${crypto.randomUUID().slice(0, 8)}`;
    const res = await collect({ s: SITE, a: attacker, u: email, e: signed([wire("i", "identify", { tr: { email: "mallory@rival.example" } }), wire("t", "quote_request")], signature(email)) }, BROWSER);
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body.lead).toMatchObject({ id: await leadIdForAnonymous(SITE, attacker), score: 40 });
    expect(await victimRecord(email)).toEqual(before);
  });

  it.each([
    ["a string", "1767225600.abc"],
    ["a number signature", { signature: 42 }],
    ["an over-long signature", { signature: "9".repeat(300) }],
  ])("keeps the batch, unverified, when identify's options are %s", async (_, o) => {
    const { email } = await victim("opt");
    const before = await victimRecord(email);
    const browser = `options-${crypto.randomUUID().slice(0, 8)}`;
    const res = await collect({ s: SITE, a: browser, u: email, e: [wire("i", "identify", { o }), wire("t", "quote_request")] }, BROWSER);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).lead).toMatchObject({ id: await leadIdForAnonymous(SITE, browser), score: 40 });
    expect(await victimRecord(email)).toEqual(before);
  });
});

describe("a verified identify", () => {
  it("merges the same journey into the known lead, as a signed-in person's second device", async () => {
    const { email, browser } = await victim("val");
    const laptop = `laptop-${crypto.randomUUID().slice(0, 8)}`;
    await send(SITE, laptop, [wire("t", "quote_request")], undefined, BROWSER);
    const merged = await send(SITE, laptop, [wire("i", "identify", { tr: { jobTitle: "CEO" } })], email, BROWSER);
    // The union: pricing 30 + page 1 + cart 25 + quote 40 + CEO 20.
    expect(merged.body.lead).toMatchObject({ id: await leadIdForUser(SITE, email), score: 30 + 1 + 25 + 40 + 20, label: "hot" });
    const lead = await getLead(SITE, email);
    expect([...lead.body.anonymousIds].sort()).toEqual([browser, laptop].sort());
    expect(lead.body.traits).toMatchObject({ email, jobTitle: "CEO", name: "Vera" });
  });

  it("joins what a browser sent under a refused claim once the same browser signs in", async () => {
    const { email } = await victim("claim");
    const browser = `claimer-${crypto.randomUUID().slice(0, 8)}`;
    // The person's second browser, before it has a token: the claim to an existing lead is refused.
    const claimed = await send(SITE, browser, [pageView("/pricing"), wire("i", "identify", { tr: { jobTitle: "CEO" } })], email, { unsigned: true, ...BROWSER });
    expect(claimed.body.lead).toEqual({ id: await leadIdForAnonymous(SITE, browser), score: 30 + 1 + 20, label: "warm", stage: "lead" });

    const verified = await send(SITE, browser, [wire("i", "identify")], email, BROWSER);
    // The victim's pricing 30 + page 1 + cart 25, the second browser's pricing (once) and page 1 + CEO 20.
    expect(verified.body.lead).toMatchObject({ id: await leadIdForUser(SITE, email), score: 30 + 1 + 25 + 1 + 20 });
    const lead = await getLead(SITE, email);
    expect(lead.body.anonymousIds).toContain(browser);
    expect(lead.body.traits).toMatchObject({ email, claimedUserId: email, jobTitle: "CEO" });
  });

  it("accepts a token that never expires (expiresAt 0)", async () => {
    const email = `forever-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const browser = `forever-${crypto.randomUUID().slice(0, 8)}`;
    const res = await collect({ s: SITE, a: browser, u: email, e: signed([wire("i", "identify")], identityToken(email, { expiresAt: 0 })) }, BROWSER);
    expect(((await res.json()) as any).lead.id).toBe(await leadIdForUser(SITE, email));
  });
});

describe('the "trust" policy', () => {
  it("takes a browser's unsigned user id as the known lead, for sites that accept the risk", async () => {
    const site = uniqueSite("trusting");
    await putConfig(site, shopConfig(site, { identity: { unverified: "trust" } }));
    const email = `trusted-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const res = await send(site, "trusting-browser-1", [wire("i", "identify")], email, { unsigned: true });
    expect(res.body.lead.id).toBe(await leadIdForUser(site, email));
  });
});
