/**
 * A fixed-window counter: at most `limit` hits per key per window. Kept in memory, so it is exact
 * inside one Durable Object (per lead) and per isolate for clients; an edge-wide client limit would
 * use Cloudflare's Rate Limiting binding in front of it.
 *
 * @example const limiter = new WindowLimiter(60_000); limiter.take("1.2.3.4", 1, 600, Date.now())
 */
export class WindowLimiter {
  #windows = new Map<string, { start: number; count: number }>();

  constructor(readonly windowMs: number, readonly maxKeys = 10_000) {}

  /** Counts `cost` hits; answers 0 when allowed, otherwise the seconds until the window resets. */
  take(key: string, cost: number, limit: number, now: number): number {
    let w = this.#windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.#windows.size >= this.maxKeys) this.#evictExpired(now);
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
    }
    if (w.count + cost > limit) return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    w.count += cost;
    return 0;
  }

  /** Hits counted for `key` in its current window. */
  used(key: string, now: number): number {
    const w = this.#windows.get(key);
    return w && now - w.start < this.windowMs ? w.count : 0;
  }

  /** Counts hits that already happened, whatever the limit (e.g. codes already shown). */
  add(key: string, cost: number, now: number): void {
    this.take(key, cost, Number.POSITIVE_INFINITY, now);
  }

  #evictExpired(now: number): void {
    for (const [key, w] of this.#windows) if (now - w.start >= this.windowMs) this.#windows.delete(key);
    // Under a flood of distinct keys, forget the oldest rather than grow without bound.
    if (this.#windows.size >= this.maxKeys) this.#windows.clear();
  }
}
