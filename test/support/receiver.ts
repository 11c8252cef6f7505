import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How a channel of the receiver answers: fail its first N deliveries, or always answer a status. */
export interface ChannelBehaviour {
  failFirst?: number;
  failStatus?: number;
  status?: number;
}

export interface ReceivedWebhook {
  channel: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  at: number;
}

/**
 * A real HTTP webhook receiver on 127.0.0.1 for tests that run inside workerd: the worker delivers
 * to `POST /r/<channel>`; tests script a channel with `POST /control/<channel>` and read what arrived
 * (every attempt, with the status it got) from `GET /log/<channel>`.
 */
export async function startReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const behaviours = new Map<string, ChannelBehaviour>();
  const log = new Map<string, ReceivedWebhook[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const [, kind, channel = ""] = (req.url ?? "").split("/");
      if (kind === "control" && req.method === "POST") {
        behaviours.set(channel, JSON.parse(body || "{}") as ChannelBehaviour);
        res.writeHead(204).end();
        return;
      }
      if (kind === "log" && req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(log.get(channel) ?? []));
        return;
      }
      if (kind === "r" && req.method === "POST") {
        const entries = log.get(channel) ?? [];
        const b = behaviours.get(channel) ?? {};
        const status = b.status ?? (entries.length < (b.failFirst ?? 0) ? (b.failStatus ?? 503) : 204);
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        entries.push({ channel, headers, body, status, at: Date.now() });
        log.set(channel, entries);
        res.writeHead(status).end();
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
