import { describe, expect, it } from "vitest";
import shopJson from "../../../examples/b2c-shop.json";
import { configIssues, scoringSchema, explain, nextCrossing, view } from "../../../worker/scoring";
import { DAY, HOUR, MINUTE, T0, ev } from "./fixtures";
import { walk } from "./journey";

const config = scoringSchema.parse(shopJson);
const SHOP = "https://lumen.example";
const at = (minutes: number) => T0 + minutes * MINUTE;
const pageAt = (minutes: number, path: string, extra = {}) => ({ event: ev("page_view", at(minutes), { url: `${SHOP}${path}`, referrer: `${SHOP}/`, ...extra }) });
const trackAt = (minutes: number, name: string, extra = {}) => ({ event: ev(name, at(minutes), extra) });
/** points earned `age` minutes ago under the shop's 2 h half-life */
const d = (points: number, age: number) => points * 2 ** (-age / 120);
/** the same under the signup rule's own 7 d half-life */
const d7 = (points: number, age: number) => points * 2 ** (-age / (7 * 24 * 60));
const r = (x: number) => Math.round(x * 100) / 100;

describe("examples/b2c-shop.json", () => {
  it("is a valid config", () => {
    expect(configIssues(shopJson)).toEqual([]);
  });

  it("two or three product views make a visitor warm at most", () => {
    const { seen } = walk(config, [
      pageAt(0, "/", { referrer: undefined }),
      pageAt(1, "/products/beans"),
      pageAt(2, "/products/grinder"),
      pageAt(3, "/products/kettle"),
      pageAt(4, "/products/beans"), // capped: 3 product views a day
      pageAt(5, "/products/grinder"),
    ]);
    expect(seen.map((s) => [s.score, s.label, s.changes])).toEqual([
      [0, "cold", []],
      [12, "cold", []],
      [Math.round((d(12, 1) + 12) * 100) / 100, "cold", []],
      [Math.round((d(12, 2) + d(12, 1) + 12) * 100) / 100, "warm", ["label_changed:cold->warm:event"]],
      [Math.round((d(12, 3) + d(12, 2) + d(12, 1)) * 100) / 100, "warm", []],
      [Math.round((d(12, 4) + d(12, 3) + d(12, 2)) * 100) / 100, "warm", []],
    ]);
  });

  it("a visitor who checks pricing and directions, adds to cart and opens the chat becomes hot, then cools down", () => {
    const { seen, state } = walk(config, [
      pageAt(0, "/", { referrer: "https://www.google.de/" }),
      pageAt(1, "/pricing"),
      pageAt(2, "/directions"),
      trackAt(3, "cart_add", { props: { sku: "LUM-BEANS-ETH-250", price: "14.50" } }),
      trackAt(4, "chat_open"),
      trackAt(5, "chat_message"),
      { wait: at(60) },
      { wait: at(240) },
    ]);
    const s3 = d(20, 1) + 20;
    const s4 = d(20, 2) + d(20, 1) + 20;
    const s5 = d(20, 3) + d(20, 2) + d(20, 1) + 10;
    const s6 = d(20, 4) + d(20, 3) + d(20, 2) + d(10, 1) + 5;
    expect(seen.map((s) => [s.step, s.score, s.label, s.stage, s.changes])).toEqual([
      ["page_view https://lumen.example/", 0, "cold", "lead", []],
      ["page_view https://lumen.example/pricing", 20, "cold", "lead", []],
      ["page_view https://lumen.example/directions", r(s3), "warm", "lead", ["label_changed:cold->warm:event"]],
      ["cart_add", r(s4), "warm", "engaged", ["stage_changed:lead->engaged:event"]],
      ["chat_open", r(s5), "hot", "engaged", ["label_changed:warm->hot:event"]],
      ["chat_message", r(s6), "hot", "engaged", []],
      // hot holds down to 55 (hysteresis 5): about 45 minutes after the chat
      ["wait", r(s6 * 2 ** (-55 / 120)), "warm", "engaged", ["label_changed:hot->warm:decay"]],
      ["wait", r(s6 * 2 ** (-235 / 120)), "cold", "lead", ["stage_changed:engaged->lead:decay", "label_changed:warm->cold:decay"]],
    ]);
    expect(s5).toBeGreaterThan(60);
    expect(s4).toBeLessThan(60);
    expect(nextCrossing(state, config, at(240))).toBeNull();
  });

  it("knows the exact minute the hot lead cools down", () => {
    const { state } = walk(config, [pageAt(0, "/pricing"), pageAt(1, "/directions"), trackAt(2, "cart_add"), trackAt(3, "chat_open")]);
    const crossing = nextCrossing(state, config, at(3))!;
    expect(view(state, config, crossing - 1).label).toBe("hot");
    expect(view(state, config, crossing).label).toBe("warm");
    const s = d(20, 3) + d(20, 2) + d(20, 1) + 10;
    expect(crossing).toBeCloseTo(at(3) + 120 * MINUTE * Math.log2(s / 54.995), -3);
  });

  it("demographic fit adds points that never decay; a buyer becomes a customer for good", () => {
    const { seen } = walk(config, [
      pageAt(0, "/pricing"),
      trackAt(1, "identify", { traits: { email: "ada@example.org", age: "34", city: "berlin", income: 52000, occupation: "Designer" } }),
      trackAt(2, "signup", { props: { plan: "free" } }),
      trackAt(3, "cart_add", { props: { price: 189 } }),
      trackAt(4, "purchase"),
      { wait: T0 + 3 * DAY },
    ]);
    // fit: age 25-54 (+5), Berlin (+10), income >= 40 000 (+5) = 20, never decaying
    expect(seen.map((s) => [s.score, s.label, s.stage])).toEqual([
      [20, "cold", "lead"],
      [r(d(20, 1) + 20), "warm", "lead"],
      [r(d(20, 2) + 20 + 15), "warm", "engaged"],
      // a 189 EUR cart add earns cart-add (20) and big-basket (10)
      [r(d(20, 3) + 20 + d7(15, 1) + 30), "hot", "engaged"],
      [r(d(20, 4) + 20 + d7(15, 2) + d(30, 1) + 30), "hot", "customer"],
      // 3 days later: fit (20) and the slow signup points remain: warm (above 30 - 5), customer for good
      [r(20 + d7(15, 3 * 24 * 60 - 2)), "warm", "customer"],
    ]);
    expect(seen[1]!.changes).toEqual(["label_changed:cold->warm:event"]);
  });

  it("disqualifies a competitor and an unsubscriber, and lets students in with fewer points", () => {
    const competitor = walk(config, [pageAt(0, "/pricing"), trackAt(1, "identify", { traits: { email: "spy@BeanBarons.example" } })]);
    expect(competitor.seen[1]).toMatchObject({ label: "disqualified", stage: "disqualified", changes: ["disqualified:cold->disqualified:event"] });
    const unsubscribed = walk(config, [trackAt(0, "unsubscribe")]);
    expect(unsubscribed.seen[0]).toMatchObject({ label: "disqualified" });
    const student = walk(config, [pageAt(0, "/pricing"), trackAt(1, "identify", { traits: { occupation: "Student" } })]);
    expect(student.seen[1]).toMatchObject({ label: "cold", score: Math.round((d(20, 1) - 5) * 100) / 100 });
  });

  it("careers visitors and job applicants lose points", () => {
    const { seen } = walk(config, [pageAt(0, "/products/beans"), pageAt(1, "/careers"), trackAt(2, "job_apply", { props: { role: "head-roaster" } })]);
    expect(seen.map((s) => s.score)).toEqual([12, Math.round((d(12, 1) - 10) * 100) / 100, Math.round((d(12, 2) - 40) * 100) / 100]);
  });

  it("switches to the wholesale model when a visitor names a company", () => {
    const { seen, state } = walk(config, [
      pageAt(0, "/pricing"),
      pageAt(1, "/directions"),
      trackAt(2, "identify", { traits: { email: "jo@cafe-nord.example", company: "Café Nord", companySize: 12, occupation: "Owner" } }),
      trackAt(3, "quote_request", { props: { plan: "wholesale" } }),
    ]);
    expect(seen.map((s) => [s.model, s.label, s.stage])).toEqual([
      ["shop", "cold", "lead"],
      ["shop", "warm", "lead"],
      ["wholesale", "hot", "MQL"],
      ["wholesale", "hot", "SQL"],
    ]);
    expect(seen[2]!.changes).toEqual(["label_changed:warm->hot:event", "stage_changed:lead->MQL:event"]);
    // wholesale decays over days, not hours
    expect(view(state, config, at(3) + 2 * HOUR).label).toBe("hot");
    expect(explain(state, config, at(3)).contributions.map((c) => c.rule).sort()).toEqual(["buyer-role", "directions", "pricing", "quote-request", "team-size"]);
  });

  it("rewards email and paid traffic once a day", () => {
    const { seen } = walk(config, [
      { event: ev("page_view", at(0), { url: `${SHOP}/?utm_source=newsletter&utm_medium=email` }) },
      { event: ev("page_view", at(1), { url: `${SHOP}/?utm_medium=email` }) },
      { event: ev("page_view", at(2), { url: `${SHOP}/?gclid=xyz` }) },
      trackAt(3, "email_click"),
    ]);
    expect(seen.map((s) => s.score)).toEqual([5, Math.round(d(5, 1) * 100) / 100, Math.round((d(5, 2) + 5) * 100) / 100, Math.round((d(5, 3) + d(5, 1) + 8) * 100) / 100]);
  });
});
