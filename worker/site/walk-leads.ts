/**
 * The operator API's fan-out over every lead of a site (the re-score preview, the backtest, the
 * suggested weights): the Site object's index read a page at a time, each page's Lead objects asked
 * with bounded concurrency (./map-bounded.ts), so a site of any size costs one page of ids and a
 * handful of calls in flight at once. Nothing is stored: each lead answers from its own object.
 */
import type { Env } from "../env";
import { leadStub } from "../lead/ids";
import { siteStub } from "./config-cache";
import { mapBounded } from "./map-bounded";

/** Lead ids read from the index per page. */
export const WALK_PAGE = 200;
/** Lead objects asked at once. */
export const WALK_CONCURRENCY = 16;

/** A page of lead ids after `after`, in id order; empty once the index is walked. */
export type LeadIdPage = (after: string, limit: number) => Promise<string[]>;

export interface WalkOptions {
  /** Picks the leads to ask from every id of the index (a sample); absent, every lead is asked, page by page. */
  choose?: (ids: string[]) => string[];
  pageSize?: number;
  concurrency?: number;
}

export interface WalkAnswer<R> {
  /** Lead ids the index holds. */
  total: number;
  /** Leads asked: every one, or those `choose` picked. */
  asked: number;
  /** Leads whose call threw (a lead answering null is not one of them). */
  failed: number;
  /** The leads' answers, null ones left out, in id order. */
  answers: R[];
}

async function askAll<R>(ids: string[], ask: (id: string) => Promise<R | null>, concurrency: number, into: WalkAnswer<R>): Promise<void> {
  // Wrapped, so a lead that threw (null from mapBounded) is told from one that answered null.
  const answers = await mapBounded(ids, concurrency, async (id) => ({ answer: await ask(id) }));
  into.asked += ids.length;
  into.failed += answers.filter((a) => a === null).length;
  for (const a of answers) if (a?.answer != null) into.answers.push(a.answer);
}

/**
 * Walks an index page by page and asks each lead, at most `concurrency` at once.
 *
 * @example const { total, failed, answers } = await walkIndex((after, n) => stub.leadIdsAfter(after, n), (id) => ask(id))
 */
export async function walkIndex<R>(page: LeadIdPage, ask: (id: string) => Promise<R | null>, options: WalkOptions = {}): Promise<WalkAnswer<R>> {
  const { pageSize = WALK_PAGE, concurrency = WALK_CONCURRENCY, choose } = options;
  const walk: WalkAnswer<R> = { total: 0, asked: 0, failed: 0, answers: [] };
  const all: string[] = [];
  for (let after = ""; ; ) {
    const ids = await page(after, pageSize);
    if (ids.length === 0) break;
    walk.total += ids.length;
    if (choose) all.push(...ids);
    else await askAll(ids, ask, concurrency, walk);
    after = ids[ids.length - 1]!;
  }
  if (choose) await askAll(choose(all), ask, concurrency, walk);
  return walk;
}

/** A site's Lead object, as `walkSiteLeads` hands it to the question. */
export type LeadStub = ReturnType<typeof leadStub>;

/**
 * Asks every lead of `site` (or those `options.choose` picks) through its Lead object.
 *
 * @example const { answers } = await walkSiteLeads(env, "shop", async (lead) => (await lead.previewRescore(config)) as RescorePreview | null)
 */
export function walkSiteLeads<R>(env: Env, site: string, ask: (lead: LeadStub, id: string) => Promise<R | null>, options: WalkOptions = {}): Promise<WalkAnswer<R>> {
  const index = siteStub(env, site);
  return walkIndex((after, limit) => index.leadIdsAfter(after, limit) as Promise<string[]>, (id) => ask(leadStub(env, site, id), id), options);
}
