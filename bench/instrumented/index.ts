/**
 * The bench's instrumented build of the Leadscore worker: the real app and the real Durable Object
 * classes, with meters around their storage, their stubs and their alarms (see ./meter.ts). The cost
 * pass of `npm run bench` runs this; the throughput runs use the unmodified worker.
 *
 *   GET /__bench/meter                          the counters so far
 *   DELETE /__bench/meter                       zero them
 *   GET /__bench/lead?site=<site>&anonymous=<id> that lead's `stats()` (what it stores), unmetered
 */
import app, { LeadObject as RealLeadObject, SiteObject as RealSiteObject } from "../../worker/index";
import type { Env } from "../../worker/env";
import { leadIdForAnonymous, leadStub } from "../../worker/lead/ids";
import { bump, enterObject, meter, meteredEnv, meterState, resetMeter, settleCursors } from "./meter";

const realFetch = globalThis.fetch;
// Webhook deliveries are the only outbound fetches the worker makes.
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  meter.outboundFetches += 1;
  return realFetch(input, init);
};

export class LeadObject extends RealLeadObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(meterState(ctx, "LeadObject"), meteredEnv(env));
  }

  /** An alarm invocation is a billed Durable Object request, and keeps the object busy while it runs. */
  override async alarm(): Promise<void> {
    bump(meter.doRequests, "LEADS.alarm");
    const leave = enterObject(this.ctx.id.toString());
    try {
      await super.alarm();
    } finally {
      leave();
      settleCursors();
    }
  }
}

export class SiteObject extends RealSiteObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(meterState(ctx, "SiteObject"), meteredEnv(env));
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/meter") {
      settleCursors();
      if (request.method === "DELETE") resetMeter();
      return Response.json(meter);
    }
    if (url.pathname === "/__bench/lead") {
      // The raw binding, not a metered one: reading the figures must not count in them.
      const site = url.searchParams.get("site") ?? "";
      const leadId = await leadIdForAnonymous(site, url.searchParams.get("anonymous") ?? "");
      return Response.json(await leadStub(env, site, leadId).stats());
    }
    meter.workerRequests += 1;
    const isCollect = request.method === "POST" && url.pathname === "/e";
    let calls = 0;
    const metered = meteredEnv(env, (binding, method) => {
      calls += 1;
      if (isCollect) bump(meter.collectCalls, `${binding}.${method}`);
    });
    const response = await app.fetch(request, metered, ctx);
    if (isCollect) {
      meter.collectRequests += 1;
      bump(meter.callsPerCollect, String(calls));
    }
    return response;
  },
};
