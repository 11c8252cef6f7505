import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { getLead, ORIGIN, pageView, putConfig, send, shopConfig } from "./helpers";

/** The lead whose stored state every fuzzed request must leave exactly as it was. */
const CONTROL_SITE = "fuzz-control";
const CONTROL_ANON = "fuzz-control-visitor";
const TARGET_SITE = "fuzz-target";
const ADMIN = "Bearer test-admin-token";

const PATHS = [
  "/e",
  "/v1/track",
  "/v1/identify",
  "/v1/page",
  "/v1/group",
  "/v1/alias",
  "/v1/batch",
  `/v1/sites/${TARGET_SITE}/config`,
  `/v1/sites/${TARGET_SITE}/leads`,
  `/v1/sites/${TARGET_SITE}/leads/someone`,
  `/v1/sites/${TARGET_SITE}/simulate`,
  `/v1/sites/${TARGET_SITE}/webhooks/main/dead-letters`,
  `/v1/sites/${TARGET_SITE}/webhooks/main/dead-letters/redeliver`,
  `/v1/sites/${CONTROL_SITE}/simulate`,
  `/v1/sites/${CONTROL_SITE}/leads?label=%00&limit=-1`,
  "/v1/sites/..%2F..%2Fetc/config",
  "/openapi.json",
];

/** Values that break parsers and careless code: prototype keys, huge numbers, odd strings, deep nesting. */
const nasty = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "NaN", "Infinity", "-0", "1e999", "\u0000", "\ud800", "💥".repeat(50), "<script>", "../../", "%00"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
);
const nastyJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", maxDepth: 16 }, nasty, fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "s", "a", "e", "batch", "userId", "event", "models", "type"), fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 5 })),
})).value;

/** Plausible-looking bodies with one thing wrong, aimed at the real schemas. */
const nearMisses = fc.oneof(
  fc.record({ s: fc.oneof(fc.constant(CONTROL_SITE), fc.string()), a: fc.oneof(fc.constant(CONTROL_ANON), nasty), e: fc.array(fc.record({ i: nasty, k: fc.constantFrom("p", "t", "i", "x"), n: nasty, t: nasty, p: nastyJson }), { maxLength: 3 }) }),
  fc.record({ type: fc.constantFrom("track", "identify", "page", "alias", "group", "screen", "nope"), userId: nasty, anonymousId: nasty, event: nasty, timestamp: fc.oneof(nasty, fc.constantFrom("2999-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "yesterday")), properties: nastyJson }),
  fc.record({ batch: fc.array(nastyJson, { maxLength: 3 }), writeKey: nasty }),
  fc.record({ models: nastyJson, webhooks: nastyJson, origins: nastyJson }),
  fc.record({ events: fc.array(fc.record({ name: nasty, timestamp: nasty, props: nastyJson }), { maxLength: 3 }), until: nasty }),
);

const bodyArb = fc.oneof(
  nastyJson.map((v) => JSON.stringify(v) ?? "null"),
  nearMisses.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom("", "{", "[", "{\"a\":", "\"\\ud800\"", "{\"__proto__\":{\"polluted\":1}}", "[".repeat(5000), "{\"s\":" + "[".repeat(100)),
  fc.uint8Array({ maxLength: 64 }),
);

const requestArb = fc.record({
  path: fc.constantFrom(...PATHS),
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"),
  contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json; charset=utf-16"),
  auth: fc.constantFrom(ADMIN, "Bearer nope", "Basic " + btoa("segtest.nope:"), "Basic !!!", ""),
  origin: fc.constantFrom(ORIGIN, "https://evil.test", "null", ""),
  body: bodyArb,
  // Compressed bodies: really gzipped (the decoder then meets the nasty JSON), or a header that lies.
  encoding: fc.constantFrom("", "", "", "gzip (real)", "deflate (real)", "gzip", "deflate", "br", "gzip, gzip"),
});

async function encoded(body: string | Uint8Array<ArrayBuffer>, encoding: string): Promise<{ body: BodyInit; header?: string }> {
  const real = /^(\w+) \(real\)$/.exec(encoding)?.[1] as CompressionFormat | undefined;
  if (!real) return { body, header: encoding || undefined };
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream(real));
  return { body: await new Response(stream).arrayBuffer(), header: real };
}

beforeAll(async () => {
  expect((await putConfig(CONTROL_SITE, shopConfig(CONTROL_SITE))).status).toBe(200);
  expect((await putConfig(TARGET_SITE, shopConfig(TARGET_SITE))).status).toBe(200);
  await send(CONTROL_SITE, CONTROL_ANON, [pageView("/pricing")]);
});

describe("fuzzing every endpoint", () => {
  it("never answers 5xx, always answers errors in the contract's shape, and never changes the control lead", async () => {
    const before = await getLead(CONTROL_SITE, CONTROL_ANON);
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers["content-type"] = r.contentType;
        if (r.auth) headers.authorization = r.auth;
        if (r.origin) headers.origin = r.origin;
        const hasBody = !["GET", "OPTIONS"].includes(r.method);
        const body = await encoded(r.body, r.encoding);
        if (body.header) headers["content-encoding"] = body.header;
        const res = await SELF.fetch(`https://leadscore.test${r.path}`, { method: r.method, headers, body: hasBody ? body.body : undefined });
        seen.add(res.status);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const body = (await res.json()) as any;
          expect(body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), issues: expect.any(Array) });
        } else {
          await res.arrayBuffer();
        }
      }),
      { numRuns: 3000, seed: 20261123 },
    );
    const after = await getLead(CONTROL_SITE, CONTROL_ANON);
    expect(after.body).toEqual({ ...before.body, score: after.body.score });
    expect(after.body.score).toBe(before.body.score);
    expect(after.body.recentEvents).toEqual(before.body.recentEvents);
    // The fuzzer reached the validators, not just the router.
    expect([...seen].filter((s) => [400, 401, 415, 422].includes(s)).length).toBeGreaterThanOrEqual(3);
  }, 240_000);
});
