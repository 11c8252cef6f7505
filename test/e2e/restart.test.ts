// Crash and restart: the worker is killed with SIGKILL mid-stream and started again on the same
// Durable Object storage. Nothing acknowledged may be lost or counted twice, and a webhook that was
// waiting for a retry at the crash is still delivered afterwards by the Lead object's persisted alarm.

import { describe, expect, it, onTestFailed } from "vitest";
import {
  baseVars,
  eventually,
  operatorApi,
  postSegment,
  removeDir,
  startReceiver,
  startWorker,
  tailLogs,
  tempDir,
  WEBHOOK_SECRET,
  type Inspector,
  type LocalWorker,
} from "../support/e2e";

const SITE = "crashy";
const WRITE_KEY = `${SITE}.wk_3b7e91c04fd2a6e8`;
const EVENTS_PER_BATCH = 5;
/** The second attempt of the Standard Webhooks schedule (5 s, +10% jitter at most). */
const RETRY_DELAY_MS = 5_500;
/** Sends the stream across the restart; every one of its events is worth one point. */
const STREAM_USER = "stream@example.com";
/** Crosses into "warm" once, before the crash, and is not touched again until its webhook arrived. */
const WAITING_USER = "waiting@example.com";

const CONFIG = {
  writeKey: { env: "CRASHY_WRITE_KEY" },
  webhooks: [{ id: "crm", url: "", types: ["lead.label_changed"], secret: { env: "CRASHY_WEBHOOK_SECRET" } }],
  // The stream sends far more than a person would; the per-lead limit is not under test here.
  limits: { leadEventsPerMinute: 1_000_000, clientRequestsPerMinute: 1_000_000 },
  models: [
    {
      id: "ops",
      rules: [
        // A cap far above what the test sends: the score is exactly the number of unique events.
        { id: "tick", event: "tick", points: 1, cap: { max: 1_000_000 } },
        { id: "boost", event: "boost", points: 50, cap: "once" },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 40 }],
    },
  ],
};

interface Batch {
  n: number;
  ids: string[];
}

/**
 * A back end feeding the worker through /v1/batch the way a careful integration does: it counts a
 * batch as delivered only when the worker answered 200, and re-sends any other batch later with the
 * same message ids (so the worker can deduplicate whatever it had already stored).
 */
class BatchSender {
  acked: Batch[] = [];
  attempts = 0;
  failures = 0;
  resends = 0;
  #pending: Batch[] = [];
  #next = 0;
  #stopping = false;
  #done: Promise<void> | null = null;

  constructor(private readonly baseUrl: () => string) {}

  start(): void {
    this.#done = this.#loop();
  }

  /** Stops making new batches and resolves once every batch made so far was acknowledged. */
  async finish(): Promise<void> {
    this.#stopping = true;
    await this.#done;
  }

  ackedSince(count: number): number {
    return this.acked.length - count;
  }

  async #loop(): Promise<void> {
    while (!this.#stopping || this.#pending.length > 0) {
      const retry = this.#pending.shift();
      const batch = retry ?? this.#newBatch();
      if (retry) this.resends += 1;
      if (await this.#send(batch)) {
        this.acked.push(batch);
        await sleep(20);
      } else {
        this.failures += 1;
        this.#pending.push(batch);
        // The worker is down or restarting: do not spin.
        await sleep(150);
      }
    }
  }

  #newBatch(): Batch {
    const n = this.#next++;
    return { n, ids: Array.from({ length: EVENTS_PER_BATCH }, (_, j) => `crash-b${n}-e${j}`) };
  }

  async #send(batch: Batch): Promise<boolean> {
    this.attempts += 1;
    try {
      const res = await postSegment(
        this.baseUrl(),
        "/v1/batch",
        WRITE_KEY,
        { batch: batch.ids.map((messageId) => ({ type: "track", userId: STREAM_USER, event: "tick", messageId, properties: { batch: batch.n } })) },
        { signal: AbortSignal.timeout(15_000) },
      );
      await res.arrayBuffer().catch(() => undefined);
      return res.status === 200;
    } catch {
      // Connection refused or reset, or no answer in time: not acknowledged, so sent again later.
      return false;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * One crash: a stream of acknowledged batches, a webhook that failed once and waits for its retry,
 * SIGKILL, a restart on the same storage (after `outage` decides how long the worker stays down),
 * and the checks. Returns nothing; asserts as it goes.
 */
async function crashAndRestart(outage: (retryDueAt: number) => Promise<void>): Promise<void> {
  const dir = tempDir("restart");
  let receiver: Inspector | undefined;
  let first: LocalWorker | undefined;
  let second: LocalWorker | undefined;
  onTestFailed(() => console.error(`--- first worker ---\n${tailLogs(first)}\n--- second worker ---\n${tailLogs(second)}`));
  try {
    // The receiver answers the waiting lead's first delivery with 503, as an endpoint that is down
    // would: the message stays in the Lead object's outbox with its retry due ~5 s later.
    receiver = await startReceiver({
      respond: (hook) => (hook.payload?.data?.lead?.userId === WAITING_USER && hook.attempts === 1 ? 503 : undefined),
    });
    const vars = baseVars(receiver, { CRASHY_WRITE_KEY: WRITE_KEY, CRASHY_WEBHOOK_SECRET: WEBHOOK_SECRET });
    first = await startWorker({ vars, persistTo: dir });
    let url = first.url;
    const api = operatorApi(() => url);
    const put = await api.putConfig(SITE, { ...CONFIG, webhooks: [{ ...CONFIG.webhooks[0]!, url: `${receiver.hooksUrl}/crm` }] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    const sender = new BatchSender(() => url);
    sender.start();
    await eventually(() => sender.acked.length >= 5, { what: "5 acknowledged batches before the crash" });

    const boost = await postSegment(url, "/v1/track", WRITE_KEY, { userId: WAITING_USER, event: "boost", messageId: "crash-boost-1" });
    expect(boost.status).toBe(200);
    const failedOnce = await receiver.waitFor((h) => h.type === "lead.label_changed" && h.payload?.data?.lead?.userId === WAITING_USER, { timeoutMs: 15_000 });
    expect(failedOnce.history.map((a) => a.status)).toEqual([503]);

    // Crash: SIGKILL to wrangler and workerd together, while the stream is still sending.
    await first.kill();
    const killedAt = Date.now();
    // Only meaningful if the retry had not gone out before the crash.
    expect(failedOnce.attempts, "the retry was delivered before the kill; nothing was pending").toBe(1);
    const ackedBeforeRestart = sender.acked.length;

    await outage(Date.parse(failedOnce.firstReceivedAt) + RETRY_DELAY_MS);
    second = await startWorker({ vars, persistTo: dir });
    url = second.url;
    await eventually(() => sender.ackedSince(ackedBeforeRestart) >= 10, { timeoutMs: 60_000, what: "10 acknowledged batches after the restart" });
    await sender.finish();

    // The stream really crossed the crash: some batches failed and were sent again.
    expect(sender.failures).toBeGreaterThan(0);
    expect(sender.resends).toBeGreaterThan(0);
    const ackedIds = sender.acked.flatMap((b) => b.ids);
    expect(new Set(ackedIds).size).toBe(ackedIds.length);

    // Every acknowledged event counted exactly once: one point each, none lost, no resend counted twice.
    const stream = await api.getLead(SITE, STREAM_USER);
    expect(stream.status).toBe(200);
    expect(stream.body.score).toBe(ackedIds.length);
    expect(stream.body.explanation.contributions).toEqual([expect.objectContaining({ rule: "tick", count: ackedIds.length, points: ackedIds.length })]);

    // The webhook pending at the crash is delivered by the restarted runtime with nobody having
    // touched that lead since: its alarm survived the kill. Same webhook-id: the same message, retried.
    const delivered = await receiver.waitFor((h) => h.id === failedOnce.id && h.status === 204, { timeoutMs: 30_000 });
    expect(delivered.verified).toBe(true);
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    expect(Date.parse(delivered.lastReceivedAt)).toBeGreaterThan(killedAt);
    expect(delivered.payload).toMatchObject({
      type: "lead.label_changed",
      data: { site: SITE, previous: "cold", current: "warm", lead: { userId: WAITING_USER, score: 50, label: "warm" } },
    });

    const waiting = await api.getLead(SITE, WAITING_USER);
    expect(waiting.body).toMatchObject({ score: 50, label: "warm" });
  } finally {
    await first?.kill();
    await second?.stop();
    await receiver?.close();
    removeDir(dir);
  }
}

describe("a hard kill and restart on the same storage", () => {
  it("counts every acknowledged event exactly once and delivers the webhook pending at the crash", async () => {
    // Restart at once: the retry comes due while the second runtime is up.
    await crashAndRestart(async () => {});
  });

  it("delivers a webhook whose retry came due while the worker was down", async () => {
    // Stay down until the retry is overdue: the restarted runtime must pick up a past alarm.
    await crashAndRestart(async (retryDueAt) => {
      await eventually(() => Date.now() > retryDueAt + 1_000, { what: "the retry is overdue" });
    });
  });
});
