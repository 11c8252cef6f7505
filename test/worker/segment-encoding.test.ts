// Compressed bodies on the Segment-compatible endpoints, as server-side SDKs send them (RudderStack's
// Node SDK gzips every batch): decoded by the platform's DecompressionStream, limits applied to the
// decompressed size while streaming, and a bound on the compression ratio, so a bomb is a quick 413.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_COMPRESSION_RATIO } from "../../worker/http/content-encoding";
import { MAX_SEGMENT_BATCH_BYTES } from "../../worker/routes/segment-schema";
import { collect, env, getLead, pageView, putConfig, shopConfig } from "./helpers";

/** The site the test write key belongs to ("segtest.<secret>"). */
const SITE = "segtest";
const AUTH = `Basic ${btoa(`${env.TEST_WRITE_KEY}:`)}`;

function uid(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

async function compress(input: string | Uint8Array<ArrayBuffer>, format: CompressionFormat): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([input]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function post(path: string, body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return SELF.fetch(`https://leadscore.test${path}`, { method: "POST", headers: { authorization: AUTH, "content-type": "application/json", ...headers }, body });
}

/** Random printable text: compresses about 4:3, so only the size limit can refuse it, never the ratio. */
function incompressible(chars: number): string {
  const bytes = new Uint8Array(Math.ceil((chars * 3) / 4));
  // getRandomValues fills at most 64 KiB a call.
  for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).slice(0, chars);
}

async function errorOf(res: Response): Promise<{ status: number; code: string }> {
  return { status: res.status, code: ((await res.json()) as any).error.code };
}

beforeAll(async () => {
  expect((await putConfig(SITE, shopConfig(SITE, { writeKey: { env: "TEST_WRITE_KEY" } }))).status).toBe(200);
});

describe("compressed Segment bodies", () => {
  it("scores a gzip batch, a deflate track and a gzip batch labelled x-www-form-urlencoded (RudderStack's axios)", async () => {
    const gzipUser = `${uid("gz")}@example.com`;
    const batch = {
      batch: [
        { type: "identify", userId: gzipUser, traits: { company: "Acme" }, messageId: uid("m") },
        { type: "track", userId: gzipUser, event: "Product Added", messageId: uid("m") },
      ],
    };
    const gzipped = await post("/v1/batch", await compress(JSON.stringify(batch), "gzip"), { "content-encoding": "gzip" });
    expect(gzipped.status, await gzipped.clone().text()).toBe(200);
    const lead = await getLead(SITE, gzipUser);
    expect(lead.body.score).toBe(25);
    expect(lead.body.traits.company).toBe("Acme");

    const deflateUser = `${uid("df")}@example.com`;
    const track = { userId: deflateUser, event: "Product Added", messageId: uid("m") };
    const deflated = await post("/v1/track", await compress(JSON.stringify(track), "deflate"), { "content-encoding": "deflate" });
    expect(deflated.status, await deflated.clone().text()).toBe(200);
    expect((await getLead(SITE, deflateUser)).body.score).toBe(25);

    const formUser = `${uid("rs")}@example.com`;
    const rudder = { batch: [{ type: "track", userId: formUser, event: "Product Added", messageId: uid("m") }] };
    const labelled = await post("/v1/batch", await compress(JSON.stringify(rudder), "gzip"), {
      "content-encoding": "gzip",
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(labelled.status, await labelled.clone().text()).toBe(200);
    expect((await getLead(SITE, formUser)).body.score).toBe(25);
  });

  it("refuses what a compressed body hides, storing nothing: over the limit once decompressed, a bomb, corrupt data", async () => {
    const users = { large: uid("large"), bomb: uid("bomb"), smallBomb: uid("small-bomb"), corrupt: uid("corrupt"), truncated: uid("truncated") };
    const trackOf = (user: string, padding: string) =>
      JSON.stringify({ batch: [{ type: "track", userId: `${user}@example.com`, event: "Product Added", properties: { padding }, messageId: uid("m") }] });

    // 600 KB of random text: about 450 KB compressed (under the limit as sent), over 500 KB decompressed.
    const large = await compress(trackOf(users.large, incompressible(600 * 1024)), "gzip");
    expect(large.byteLength).toBeLessThan(MAX_SEGMENT_BATCH_BYTES);
    // 20 MB of spaces compresses to about 20 KB, all of it read before decoding stops: at 500 KB decoded
    // the ratio is still 500 / 20 = 25:1, so the size limit is what stops it, after 500 KB, not 20 MB.
    const bomb = await compress(trackOf(users.bomb, " ".repeat(20 * 1024 * 1024)), "gzip");
    expect(bomb.byteLength * MAX_COMPRESSION_RATIO).toBeGreaterThan(MAX_SEGMENT_BATCH_BYTES);
    // Under the size limit once decompressed (300 KB) but expanding about 1000:1: the ratio alone refuses it.
    const smallBomb = await compress(trackOf(users.smallBomb, " ".repeat(300 * 1024)), "gzip");
    expect((300 * 1024) / smallBomb.byteLength).toBeGreaterThan(MAX_COMPRESSION_RATIO);
    const good = await compress(trackOf(users.corrupt, "x"), "gzip");
    const corrupt = good.slice();
    // Flip bytes of the deflate data and of the CRC: either the decoder or the checksum fails.
    for (let i = 12; i < corrupt.length; i += 3) corrupt[i] = corrupt[i]! ^ 0xa5;
    const truncated = (await compress(trackOf(users.truncated, "x"), "gzip")).slice(0, 20);

    const results = {
      large: await errorOf(await post("/v1/batch", large, { "content-encoding": "gzip" })),
      bomb: await errorOf(await post("/v1/batch", bomb, { "content-encoding": "gzip" })),
      smallBomb: await errorOf(await post("/v1/batch", smallBomb, { "content-encoding": "gzip" })),
      corrupt: await errorOf(await post("/v1/batch", corrupt, { "content-encoding": "gzip" })),
      truncated: await errorOf(await post("/v1/batch", truncated, { "content-encoding": "gzip" })),
    };
    expect(results).toEqual({
      large: { status: 413, code: "decompressed_too_large" },
      bomb: { status: 413, code: "decompressed_too_large" },
      smallBomb: { status: 413, code: "compression_ratio_exceeded" },
      corrupt: { status: 400, code: "invalid_encoding" },
      truncated: { status: 400, code: "invalid_encoding" },
    });
    for (const user of Object.values(users)) expect((await getLead(SITE, `${user}@example.com`)).status, user).toBe(404);
  });

  it("checks a decompressed body as strictly as a plain one: UTF-8, prototype keys, depth", async () => {
    const user = `${uid("strict")}@example.com`;
    const proto = `{"userId":"${user}","event":"Product Added","properties":{"__proto__":{"admin":true}}}`;
    let deep = '"x"';
    for (let i = 0; i < 20; i++) deep = `{"a":${deep}}`;
    const nested = `{"userId":"${user}","event":"Product Added","properties":${deep}}`;
    const latin1: Uint8Array<ArrayBuffer> = new Uint8Array([...new TextEncoder().encode(`{"userId":"${user}","event":"caf`), 0xe9, ...new TextEncoder().encode('"}')]);
    for (const [name, body, code] of [
      ["__proto__", await compress(proto, "gzip"), "invalid_json"],
      ["20 levels deep", await compress(nested, "gzip"), "invalid_json"],
      ["Latin-1 bytes", await compress(latin1, "gzip"), "invalid_encoding"],
    ] as const) {
      expect(await errorOf(await post("/v1/track", body, { "content-encoding": "gzip" })), name).toEqual({ status: 400, code });
    }
    expect((await getLead(SITE, user)).status).toBe(404);
  });

  it("answers 415 to an encoding it does not decode, storing nothing; the browser endpoint takes no compression", async () => {
    const user = `${uid("br")}@example.com`;
    const body = JSON.stringify({ userId: user, event: "Product Added", messageId: uid("m") });
    for (const encoding of ["br", "zstd", "gzip, gzip", "compress"]) {
      expect(await errorOf(await post("/v1/track", body, { "content-encoding": encoding })), encoding).toEqual({ status: 415, code: "unsupported_encoding" });
    }
    expect((await getLead(SITE, user)).status).toBe(404);

    const anon = uid("visitor-gzip");
    const batch = JSON.stringify({ s: SITE, a: anon, e: [pageView("/pricing")] });
    const res = await SELF.fetch("https://leadscore.test/e", {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://shop.test", "content-encoding": "gzip" },
      body: await compress(batch, "gzip"),
    });
    expect(await errorOf(res)).toEqual({ status: 415, code: "unsupported_encoding" });
    expect((await collect({ s: SITE, a: anon, e: [pageView("/")] })).status).toBe(200);
  });
});
