import { describe, expect, it } from "vitest";
import { countPromosShown, promoAllowed } from "../../../worker/abuse/promo-limit";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

describe("promo codes shown per client address", () => {
  it("allows codes until the client was shown its daily share, counting only codes returned", () => {
    const site = `unit-${crypto.randomUUID()}`;
    const shown: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const allowed = promoAllowed(site, "203.0.113.7", 3, T0 + i);
      shown.push(allowed);
      // Every other answer carries no code: those must not count.
      countPromosShown(site, "203.0.113.7", allowed && i % 2 === 0 ? 1 : 0, T0 + i);
    }
    // Codes at i = 0, 2, 4 make 3: the answers before the third code were still allowed.
    expect(shown).toEqual([true, true, true, true, true, false]);
  });

  it("counts per site and per address, and forgives after a day", () => {
    const site = `unit-${crypto.randomUUID()}`;
    countPromosShown(site, "198.51.100.1", 2, T0);
    expect(promoAllowed(site, "198.51.100.1", 2, T0)).toBe(false);
    expect(promoAllowed(site, "198.51.100.2", 2, T0)).toBe(true);
    expect(promoAllowed(`${site}-other`, "198.51.100.1", 2, T0)).toBe(true);
    expect(promoAllowed(site, "198.51.100.1", 2, T0 + DAY)).toBe(true);
  });

  it("allows none with a limit of 0", () => {
    expect(promoAllowed(`unit-${crypto.randomUUID()}`, "192.0.2.1", 0, T0)).toBe(false);
  });
});
