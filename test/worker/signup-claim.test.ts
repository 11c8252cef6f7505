// A sign-up form on a site that cannot sign: an unsigned identify for an e-mail without a lead creates
// the known lead, marked unverified, and only that browser may go on feeding it until it is confirmed.
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { leadIdForAnonymous, leadIdForUser } from "../../worker/lead/ids";
import { env, eventually, getLead, leadObject, pageView, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

const SITE = uniqueSite("signup");

beforeAll(async () => {
  expect((await putConfig(SITE, shopConfig(SITE))).status).toBe(200);
});

const email = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}@example.com`;
const browserId = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

describe("an unsigned identify for a new e-mail", () => {
  it("creates the known lead marked verified: false in the API and in webhooks, and the same browser keeps feeding it", async () => {
    const user = email("grace");
    const browser = browserId("signup");
    await send(SITE, browser, [pageView("/pricing")]);
    const signup = await send(SITE, browser, [wire("i", "identify", { tr: { name: "Grace" } })], user, { unsigned: true });
    // The anonymous history joins: pricing 30 + page 1.
    expect(signup.body.lead).toEqual({ id: await leadIdForUser(SITE, user), score: 30 + 1, label: "warm", stage: "lead" });
    const lead = await getLead(SITE, user);
    expect(lead.body).toMatchObject({ verified: false, userId: user, anonymousIds: [browser], traits: { email: user, name: "Grace" } });

    // Follow-ups from the same browser, with the claimed id or without, reach it.
    const cart = await send(SITE, browser, [wire("t", "cart_add")], user, { unsigned: true });
    expect(cart.body.lead).toMatchObject({ id: lead.body.id, score: 30 + 1 + 25, label: "warm" });
    const chat = await send(SITE, browser, [wire("t", "chat_open")]);
    expect(chat.body.lead).toMatchObject({ id: lead.body.id, score: 30 + 1 + 25 + 10, label: "hot" });

    const hooks = await eventually(async () => {
      const got = (await received(SITE)).map((h) => new Webhook(env.TEST_WEBHOOK_SECRET).verify(h.body, h.headers) as any);
      return got.some((p) => p.data.lead.id === lead.body.id && p.data.current === "hot") ? got.filter((p) => p.data.lead.id === lead.body.id) : undefined;
    });
    expect(hooks.map((p) => p.data.lead.verified)).toEqual(hooks.map(() => false));

    // A signed identify from that browser confirms it.
    const signed = await send(SITE, browser, [wire("i", "identify")], user);
    expect(signed.body.lead.id).toBe(lead.body.id);
    expect((await getLead(SITE, user)).body.verified).toBe(true);
  });

  it("keeps another browser's unsigned claim off an unverified lead, storing nothing there", async () => {
    const user = email("first");
    const first = browserId("first");
    await send(SITE, first, [pageView("/pricing"), wire("i", "identify")], user, { unsigned: true });
    const before = await getLead(SITE, user);
    const stats = await (await leadObject(SITE, user)).stats();

    const other = browserId("other");
    const claim = await send(SITE, other, [wire("t", "cart_add"), wire("i", "identify", { tr: { name: "Mallory" } })], user, { unsigned: true });
    expect(claim.body.lead).toEqual({ id: await leadIdForAnonymous(SITE, other), score: 25, label: "cold", stage: "lead" });
    expect((await getLead(SITE, user)).body).toEqual(before.body);
    expect(await (await leadObject(SITE, user)).stats()).toEqual(stats);
    expect((await getLead(SITE, other)).body.traits).toMatchObject({ claimedUserId: user, name: "Mallory" });
  });

  it("never reaches a lead that a verified identify created", async () => {
    const user = email("known");
    const owner = browserId("owner");
    await send(SITE, owner, [wire("i", "identify")], user);
    const before = await getLead(SITE, user);
    expect(before.body.verified).toBe(true);
    // Even the owner's own browser, unsigned, goes through its anonymous id (merged into the person).
    const stranger = browserId("stranger");
    const claim = await send(SITE, stranger, [wire("t", "cart_add")], user, { unsigned: true });
    expect(claim.body.lead.id).toBe(await leadIdForAnonymous(SITE, stranger));
    expect((await getLead(SITE, user)).body).toEqual(before.body);
  });
});
