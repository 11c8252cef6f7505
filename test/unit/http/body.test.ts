import { describe, expect, it } from "vitest";
import { ApiError } from "../../../worker/http/errors";
import { readJson } from "../../../worker/http/body";

const OPTIONS = { maxBytes: 64, types: ["text/plain"] } as const;

/** A body sent in chunks without a declared length, as a chunked upload arrives. */
function streamed(...chunks: string[]): Request {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  return new Request("https://ls.example/e", { method: "POST", body: stream, headers: { "content-type": "text/plain" }, duplex: "half" } as RequestInit);
}

/** A body with its length declared, as a browser's fetch and the snippet's beacon send it. */
function declared(body: string | Uint8Array<ArrayBuffer>): Request {
  const bytes: Uint8Array<ArrayBuffer> = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return new Request("https://ls.example/e", { method: "POST", body: bytes, headers: { "content-type": "text/plain", "content-length": String(bytes.byteLength) } });
}

async function refusal(request: Request): Promise<{ status: number; code: string }> {
  const error = await readJson(request, OPTIONS).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return { status: (error as ApiError).status, code: (error as ApiError).code };
}

describe("readJson: a body of a declared length and a streamed one read alike", () => {
  it("parses a body with a Content-Length and the same body in chunks without one", async () => {
    expect(await readJson(declared('{"s":"shop","e":[1,2]}'), OPTIONS)).toEqual({ s: "shop", e: [1, 2] });
    expect(await readJson(streamed('{"s":"sh', 'op","e":[1,2]}'), OPTIONS)).toEqual({ s: "shop", e: [1, 2] });
  });

  it("refuses a body over the limit either way: by its declared length, or once the chunks pass it", async () => {
    const big = `"${"x".repeat(64)}"`;
    expect(await refusal(declared(big))).toEqual({ status: 413, code: "payload_too_large" });
    expect(await refusal(streamed(big.slice(0, 40), big.slice(40)))).toEqual({ status: 413, code: "payload_too_large" });
  });

  it("refuses invalid UTF-8 and JSON in a declared-length body as in a streamed one", async () => {
    expect(await refusal(declared(new Uint8Array([0x7b, 0xff, 0x7d])))).toEqual({ status: 400, code: "invalid_encoding" });
    expect(await refusal(declared("{nope"))).toEqual({ status: 400, code: "invalid_json" });
    expect(await refusal(streamed("{no", "pe"))).toEqual({ status: 400, code: "invalid_json" });
  });
});
