import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildWebhookBody,
  MESSAGE_ID_PATTERN,
  newMessageId,
  parseWebhookBody,
  WEBHOOK_TYPES,
  webhookPayloadSchema,
  type WebhookData,
} from "../../../worker/webhooks/payload";

const AT = Date.UTC(2025, 0, 1, 12, 30);
const DATA: WebhookData = {
  site: "demo",
  lead: { id: "lead_1", userId: "ada@example.com", anonymousIds: ["anon_1", "anon_2"], score: 72.5, label: "hot", stage: "BOFU", traits: { plan: "pro", seats: 5 } },
  previous: "warm",
  current: "hot",
  direction: "up",
  cause: { kind: "event", event: { id: "evt_1", name: "cart_add" } },
  topContributions: [{ rule: "cart_add", points: 30 }, { rule: "pricing_view", points: 15 }],
};

describe("buildWebhookBody", () => {
  it("serializes { type, timestamp, data } with an ISO 8601 timestamp", () => {
    const body = JSON.parse(buildWebhookBody({ type: "lead.label_changed", at: AT, data: DATA }));
    expect(Object.keys(body)).toEqual(["type", "timestamp", "data"]);
    expect(body).toEqual({ type: "lead.label_changed", timestamp: "2025-01-01T12:30:00.000Z", data: DATA });
  });

  it("round-trips through parseWebhookBody for every cause", () => {
    const causes: WebhookData["cause"][] = [{ kind: "decay" }, { kind: "merge" }, { kind: "config" }, DATA.cause];
    for (const cause of causes) {
      const body = buildWebhookBody({ type: "lead.label_changed", at: AT, data: { ...DATA, cause, direction: "down" } });
      const parsed = parseWebhookBody(body);
      expect(parsed.success && parsed.data.data.cause).toEqual(cause);
    }
  });

  it("accepts an anonymous lead and a promo", () => {
    const { userId: _, ...anonymous } = DATA.lead;
    const body = buildWebhookBody({
      type: "lead.promo_issued",
      at: AT,
      data: { ...DATA, lead: anonymous, previous: null, current: "LS-7KQ2-M9XD", direction: undefined, promo: { code: "LS-7KQ2-M9XD" } },
    });
    expect(JSON.parse(body).data.promo).toEqual({ code: "LS-7KQ2-M9XD" });
    expect(JSON.parse(body).data.lead.userId).toBeUndefined();
  });

  it.each([
    ["an unknown type", { type: "lead.created" }],
    ["a label change without a direction", { data: { ...DATA, direction: undefined } }],
    ["a promo without a code", { type: "lead.promo_issued", data: { ...DATA, promo: undefined } }],
    ["a non-finite score", { data: { ...DATA, lead: { ...DATA.lead, score: Number.NaN } } }],
    ["an unknown cause", { data: { ...DATA, cause: { kind: "magic" } } }],
  ])("throws on %s", (_, override) => {
    const input = { type: "lead.label_changed", at: AT, data: DATA, ...override } as Parameters<typeof buildWebhookBody>[0];
    expect(() => buildWebhookBody(input)).toThrow();
  });

  it("lists the four contract types and lead.grade_changed", () => {
    expect(WEBHOOK_TYPES).toEqual(["lead.label_changed", "lead.stage_changed", "lead.grade_changed", "lead.disqualified", "lead.promo_issued"]);
  });

  it("accepts a grade change with its direction, grade and model, and the absence, time and operator causes", () => {
    const data = (cause: unknown, extra: Record<string, unknown> = {}) => ({
      site: "demo",
      lead: { id: "l1", anonymousIds: ["a1"], score: 12, label: "cold", stage: "lead", grade: "B", model: "b2b", traits: {} },
      previous: "C",
      current: "B",
      cause,
      topContributions: [],
      ...extra,
    });
    const parse = (type: string, d: unknown) => webhookPayloadSchema.safeParse({ type, timestamp: "2026-01-05T09:00:00.000Z", data: d }).success;
    expect(parse("lead.grade_changed", data({ kind: "event", event: { id: "e1", name: "identify" } }, { direction: "up" }))).toBe(true);
    expect(parse("lead.grade_changed", data({ kind: "config" }))).toBe(false);
    expect(parse("lead.label_changed", data({ kind: "absence", rule: "idle-30d" }, { direction: "down" }))).toBe(true);
    expect(parse("lead.label_changed", data({ kind: "time" }, { direction: "up" }))).toBe(true);
    expect(parse("lead.label_changed", data({ kind: "operator", action: "adjust", reason: "called us" }, { direction: "up" }))).toBe(true);
  });

  it("parseWebhookBody reports malformed JSON as a failed parse", () => {
    expect(parseWebhookBody("{nope").success).toBe(false);
  });
});

describe("newMessageId", () => {
  it("is msg_ + 26 Crockford base32 characters, the first ten encoding the millisecond", () => {
    const id = newMessageId(Date.UTC(2025, 0, 1));
    expect(id).toMatch(MESSAGE_ID_PATTERN);
    expect(id.slice(4, 14)).toBe("01JGFJJZ00");
  });

  it("sorts by time across milliseconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 10 ** 9 }), (t, dt) => {
        const later = Math.min(t + dt, 2 ** 48 - 1);
        expect(newMessageId(t) < newMessageId(later)).toBe(true);
      }),
    );
  });

  it("is unique within one millisecond", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newMessageId(AT)));
    expect(ids.size).toBe(1000);
  });

  it("refuses a time it cannot encode", () => {
    expect(() => newMessageId(-1)).toThrow(RangeError);
    expect(() => newMessageId(1.5)).toThrow(RangeError);
  });
});
