import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSecret, parseSecret, signWebhook, whsecSchema } from "../../../worker/webhooks/sign";

// A fixed 24-byte secret, so failures are reproducible.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NEXT_SECRET = generateSecret();
const BODY = JSON.stringify({ type: "lead.label_changed", timestamp: "2025-01-01T00:00:00.000Z", data: { café: "☕" } });
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("signWebhook", () => {
  it("produces headers the reference standardwebhooks package verifies", async () => {
    const headers = await signWebhook({ id: "msg_1", timestamp: nowSeconds(), body: BODY, secrets: [SECRET] });
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it("matches the reference package's signature byte for byte", async () => {
    const timestamp = 1_735_689_600;
    const headers = await signWebhook({ id: "msg_2", timestamp, body: BODY, secrets: [SECRET] });
    expect(headers["webhook-signature"]).toBe(new Webhook(SECRET).sign("msg_2", new Date(timestamp * 1000), BODY));
  });

  it("signs with every secret during a rotation, so receivers on either key accept", async () => {
    const headers = await signWebhook({ id: "msg_3", timestamp: nowSeconds(), body: BODY, secrets: [SECRET, NEXT_SECRET] });
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(SECRET).verify(BODY, headers)).not.toThrow();
    expect(() => new Webhook(NEXT_SECRET).verify(BODY, headers)).not.toThrow();
    expect(() => new Webhook(generateSecret()).verify(BODY, headers)).toThrow(/No matching signature/);
  });

  it("fails verification when the body or the timestamp is tampered with", async () => {
    const timestamp = nowSeconds();
    const headers = await signWebhook({ id: "msg_4", timestamp, body: BODY, secrets: [SECRET] });
    expect(() => new Webhook(SECRET).verify(BODY.replace("☕", "🍵"), headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(SECRET).verify(BODY, { ...headers, "webhook-timestamp": String(timestamp - 1) })).toThrow(/No matching signature/);
    expect(() => new Webhook(SECRET).verify(BODY, { ...headers, "webhook-id": "msg_5" })).toThrow(/No matching signature/);
  });

  it("is refused by the reference package once its timestamp is more than five minutes old", async () => {
    const headers = await signWebhook({ id: "msg_old", timestamp: nowSeconds() - 301, body: BODY, secrets: [SECRET] });
    expect(() => new Webhook(SECRET).verify(BODY, headers)).toThrow(/too old/);
  });

  it("verifies any body and id with the reference package", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme" }), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), async (body, id) => {
        const headers = await signWebhook({ id, timestamp: nowSeconds(), body, secrets: [SECRET] });
        new Webhook(SECRET).verify(body, headers, { jsonParse: false });
      }),
      { numRuns: 50 },
    );
  });

  it("throws on a malformed secret or an id that would make the signed string ambiguous", async () => {
    await expect(signWebhook({ id: "msg_1", timestamp: 1, body: "", secrets: ["secret"] })).rejects.toThrow();
    await expect(signWebhook({ id: "msg.1", timestamp: 1, body: "", secrets: [SECRET] })).rejects.toThrow();
    await expect(signWebhook({ id: "msg_1", timestamp: 1, body: "", secrets: [] })).rejects.toThrow();
  });
});

describe("secrets", () => {
  it("generates distinct 24-byte whsec_ secrets the reference package accepts", () => {
    const secrets = Array.from({ length: 20 }, generateSecret);
    expect(new Set(secrets).size).toBe(20);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(whsecSchema.safeParse(secret).success).toBe(true);
      expect(parseSecret(secret)).toHaveLength(24);
      expect(() => new Webhook(secret)).not.toThrow();
    }
  });

  it.each([
    ["no prefix", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    ["not base64", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa!!"],
    ["too short (16 bytes)", `whsec_${btoa("x".repeat(16))}`],
    ["too long (65 bytes)", `whsec_${btoa("x".repeat(65))}`],
    ["empty key", "whsec_"],
  ])("rejects a secret with %s", (_, secret) => {
    expect(whsecSchema.safeParse(secret).success).toBe(false);
    expect(() => parseSecret(secret)).toThrow();
  });
});
