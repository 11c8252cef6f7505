import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { leadStub } from "./ids";
import type { IngestRequest, IngestResult } from "./types";

/**
 * Sends a batch to its lead object. An anonymous id that was merged into a known lead answers with
 * a pointer, and the batch follows it: at most two object requests, and only for a browser that
 * identified elsewhere (a second tab, a server-side identify) before it learnt its user id.
 *
 * @example await ingestForLead(env, { site, leadId, userId: null, anonymousId, events, config })
 */
export async function ingestForLead(env: Env, request: IngestRequest): Promise<IngestResult> {
  let result = await leadStub(env, request.site, request.leadId).ingest(request);
  if (result.mergedInto) result = await leadStub(env, request.site, result.mergedInto).ingest({ ...request, leadId: result.mergedInto, userId: null });
  if (result.retryAfter) {
    throw new ApiError(429, "rate_limited", "This lead sent more events than its limit; try again later", [], { "Retry-After": String(result.retryAfter) });
  }
  return result;
}
