/**
 * Operator actions on one lead: an adjustment ("+20, called us") and lifting a disqualification.
 * Each becomes an event of the lead, decided and stored by its object like any other, so the lead's
 * history, explanation, export and replays keep it, and its webhooks name the operator as cause.
 */
import { Hono } from "hono";
import type { z } from "zod";
import type { Env } from "../env";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import { leadStub, resolveLeadRef } from "../lead/ids";
import type { OperateResult } from "../lead/types";
import { durationMs, type ScoringEvent } from "../scoring";
import { siteOf } from "./admin-config";
import { adjustRequestSchema, leadRefSchema, requalifyRequestSchema } from "./admin-schema";

const MAX_OPERATOR_BYTES = 4 * 1024;

export const adminLeads = new Hono<{ Bindings: Env }>();

/** The `adjust` payload an event carries: the decay given as a half-life in ms, none when left out or false. */
function adjustment(body: z.infer<typeof adjustRequestSchema>): NonNullable<ScoringEvent["adjust"]> {
  const { points, reason, decay } = body;
  if (decay === undefined || decay === false) return { points, reason };
  return { points, reason, halfLife: durationMs(typeof decay === "object" ? decay.halfLife : decay) };
}

const ACTIONS = {
  adjust: (raw: unknown) => ({ adjust: adjustment(parseOr(adjustRequestSchema, raw, 422)) }),
  requalify: (raw: unknown) => ({ requalify: parseOr(requalifyRequestSchema, raw, 422) }),
} as const;

for (const [name, parse] of Object.entries(ACTIONS)) {
  adminLeads.post(`/v1/sites/:site/leads/:lead/${name}`, async (c) => {
    const site = siteOf(c);
    const ref = parseOr(leadRefSchema, c.req.param("lead"));
    // The body is checked in full before any object is asked, so a 4xx stores nothing.
    const action = parse(await readJson(c.req.raw, { maxBytes: MAX_OPERATOR_BYTES, types: ["application/json"] }));
    const event: ScoringEvent = { id: `op_${crypto.randomUUID()}`, name, ts: Date.now(), ...action };
    let result = (await leadStub(c.env, site, await resolveLeadRef(site, ref)).operate(event)) as OperateResult | null;
    // An anonymous id that was merged acts on the lead it became.
    if (result && "mergedInto" in result) result = (await leadStub(c.env, site, result.mergedInto).operate(event)) as OperateResult | null;
    if (!result || !("lead" in result)) throw new ApiError(404, "unknown_lead", "No such lead on this site");
    const changes = result.changes.map((ch) => ({ type: ch.type, previous: ch.from, current: ch.to, ...("direction" in ch ? { direction: ch.direction } : {}) }));
    return c.json({ lead: result.lead, event, changes });
  });
}
