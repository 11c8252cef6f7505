// A minimal webhook receiver for the throughput and cost runs: answers 204 and counts, nothing more, so
// that deliveries during a run cost the machine as little as possible. Signatures are checked in the
// time-to-webhook pass, by scripts/inspector.mjs.

import { createServer } from "node:http";

/** @returns {Promise<{ url: string, host: string, count(): number, reset(): void, close(): Promise<void> }>} */
export async function startCountingReceiver() {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    host: `127.0.0.1:${port}`,
    count: () => received,
    reset: () => (received = 0),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
