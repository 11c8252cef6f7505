import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signIdentityToken, verifyIdentityToken } from "../../../worker/identity/token";

const SECRET = "ids_unit_secret";
const NOW = Date.UTC(2026, 0, 1);
const IN_AN_HOUR = NOW / 1000 + 3600;

describe("identity tokens", () => {
  it("signs <expiresAt>.<userId> with HMAC-SHA256, hex, the e-mail normalised", async () => {
    const token = await signIdentityToken(" Ada@Example.COM ", SECRET, IN_AN_HOUR);
    expect(token).toBe(`${IN_AN_HOUR}.${createHmac("sha256", SECRET).update(`${IN_AN_HOUR}.ada@example.com`).digest("hex")}`);
    expect(await verifyIdentityToken("ada@example.com", token, SECRET, NOW)).toEqual({ verified: true, expiresAt: IN_AN_HOUR });
  });

  it.each([
    ["no token", undefined, SECRET, "no_token"],
    ["no secret configured", "0.".padEnd(66, "a"), undefined, "no_secret"],
    ["a malformed token", "abc", SECRET, "malformed"],
    ["a leading zero in the expiry", `0${IN_AN_HOUR}.`.padEnd(76, "a"), SECRET, "malformed"],
  ] as const)("is unverified with %s", async (_, token, secret, reason) => {
    expect(await verifyIdentityToken("ada@example.com", token, secret, NOW)).toEqual({ verified: false, reason });
  });

  it("is unverified for another user, another secret, or once expired", async () => {
    const token = await signIdentityToken("ada@example.com", SECRET, IN_AN_HOUR);
    expect(await verifyIdentityToken("grace@example.com", token, SECRET, NOW)).toEqual({ verified: false, reason: "mismatch" });
    expect(await verifyIdentityToken("ada@example.com", token, "other", NOW)).toEqual({ verified: false, reason: "mismatch" });
    expect(await verifyIdentityToken("ada@example.com", token, SECRET, IN_AN_HOUR * 1000)).toEqual({ verified: false, reason: "expired" });
    expect((await verifyIdentityToken("ada@example.com", token, SECRET, IN_AN_HOUR * 1000 - 1)).verified).toBe(true);
  });

  it("never expires with expiresAt 0, and an expiry cannot be moved onto another token", async () => {
    const forever = await signIdentityToken("ada@example.com", SECRET, 0);
    expect(await verifyIdentityToken("ada@example.com", forever, SECRET, 8.64e15)).toEqual({ verified: true, expiresAt: null });
    expect((await verifyIdentityToken("ada@example.com", forever.replace(/^0\./, `${IN_AN_HOUR}.`), SECRET, NOW)).verified).toBe(false);
  });

  it("accepts upper-case hex (PHP and Python print lower case, but nothing depends on it)", async () => {
    const token = await signIdentityToken("ada@example.com", SECRET, IN_AN_HOUR);
    expect((await verifyIdentityToken("ada@example.com", token.toUpperCase(), SECRET, NOW)).verified).toBe(true);
  });
});
