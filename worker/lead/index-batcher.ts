import type { Env } from "../env";
import { siteStub } from "../site/config-cache";
import type { LeadIndexEntry } from "../site/SiteObject";

/**
 * Index updates from every Lead object in this isolate, gathered per site and sent as one
 * `upsertLeads` call: at 10,000 distinct leads each lead's first batch changes its index entry, and
 * one site request per lead would be one background request per collect. Objects share module state
 * within an isolate, but never promises: each waiting object polls for its own entry's outcome, and
 * whichever object has waited a tick sends everything gathered so far from its own context. An entry
 * also stays in its lead's outbox until it is settled here, so a lost isolate loses nothing.
 */

/**
 * Ticks a new entry waits for others to join it: 50 ms, so that even one request at a time gathers
 * several leads' entries into one site request. The lead object stays active that long after its
 * answer (duration billed in production: 50 ms at 128 MB is about $0.08 per million index updates).
 */
const GATHER_TICKS = 5;
const TICK_MS = 10;
/** After this many ticks without an outcome the attempt fails, and the outbox retries it later. */
const GIVE_UP_TICKS = 500;
const MAX_BATCH = 500;

interface Gathered {
  entry: LeadIndexEntry;
  ticks: number;
}

const GATHERED = new Map<string, Map<string, Gathered>>();
const OUTCOMES = new Map<string, boolean>();
/** Sites with a call in flight, with the tick count it started at (a call that never ends is forgotten). */
const IN_FLIGHT = new Map<string, number>();
let clock = 0;

/**
 * Sends one lead's index entry with whatever other entries of the site this isolate gathered; true
 * once the site object stored it.
 *
 * @example const ok = await sendIndexUpdate(env, "shop", delivery.messageId, entry)
 */
export async function sendIndexUpdate(env: Env, site: string, key: string, entry: LeadIndexEntry): Promise<boolean> {
  let gathered = GATHERED.get(site);
  if (!gathered) GATHERED.set(site, (gathered = new Map()));
  gathered.set(key, { entry, ticks: 0 });
  for (let waited = 0; waited < GIVE_UP_TICKS; waited++) {
    const outcome = OUTCOMES.get(key);
    if (outcome !== undefined) {
      OUTCOMES.delete(key);
      return outcome;
    }
    const mine = gathered.get(key);
    const started = IN_FLIGHT.get(site);
    if (mine && mine.ticks >= GATHER_TICKS && (started === undefined || clock - started > GIVE_UP_TICKS)) {
      await flush(env, site);
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    clock += 1;
    if (mine) mine.ticks += 1;
  }
  gathered.delete(key);
  return false;
}

async function flush(env: Env, site: string): Promise<void> {
  const gathered = GATHERED.get(site)!;
  const batch = [...gathered].slice(0, MAX_BATCH);
  for (const [key] of batch) gathered.delete(key);
  IN_FLIGHT.set(site, clock);
  let ok = true;
  try {
    await siteStub(env, site).upsertLeads(batch.map(([, g]) => g.entry));
  } catch {
    ok = false;
  } finally {
    IN_FLIGHT.delete(site);
  }
  for (const [key] of batch) OUTCOMES.set(key, ok);
}
