import type { Change, LeadView } from "../scoring";
import type { WebhookEndpoint } from "../site/config";
import { buildWebhookBody, newMessageId, type WebhookData, type WebhookType } from "../webhooks/payload";
import type { LeadIdentity } from "./types";

export interface MessageContext {
  identity: LeadIdentity;
  view: LeadView;
  topContributions: Array<{ rule: string; points: number }>;
}

/** A message to send to every endpoint subscribed to its type. */
export interface OutgoingMessage {
  id: string;
  type: string;
  body: string;
}

/**
 * Turns an engine change into the webhook body of CONTRACT section 3: the site, the lead as it is
 * now, the previous and new value, the cause and the top contributions to the score.
 */
export function messageFromChange(change: Change, ctx: MessageContext): OutgoingMessage {
  const cause =
    change.cause.kind === "event"
      ? { kind: "event" as const, event: { id: change.cause.eventId, name: change.cause.name } }
      : { kind: change.cause.kind };
  const data: WebhookData = {
    site: ctx.identity.site,
    lead: leadPayload(ctx),
    previous: change.from,
    current: change.to,
    cause,
    topContributions: ctx.topContributions,
  };
  if ("direction" in change) data.direction = change.direction;
  return build(change.type, change.at, data);
}

/** `lead.promo_issued`: the code a hot lead with a cart earned. */
export function promoMessage(code: string, at: number, event: { id: string; name: string }, ctx: MessageContext): OutgoingMessage {
  return build("lead.promo_issued", at, {
    site: ctx.identity.site,
    lead: leadPayload(ctx),
    previous: null,
    current: code,
    cause: { kind: "event", event },
    topContributions: ctx.topContributions,
    promo: { code },
  });
}

function leadPayload(ctx: MessageContext) {
  return {
    id: ctx.identity.leadId,
    ...(ctx.identity.userId ? { userId: ctx.identity.userId } : {}),
    anonymousIds: ctx.identity.anonymousIds,
    score: roundScore(ctx.view.score),
    label: ctx.view.label,
    stage: ctx.view.stage || "none",
    traits: ctx.view.traits,
  };
}

function build(type: WebhookType, at: number, data: WebhookData): OutgoingMessage {
  return { id: newMessageId(at), type, body: buildWebhookBody({ type, at, data }) };
}

/** Scores are continuous under decay; answers show two decimals. */
export function roundScore(score: number): number {
  return Math.round(score * 100) / 100;
}

/** The endpoints that want a message of this type and are not disabled. */
export function endpointsFor(type: string, endpoints: WebhookEndpoint[], disabled: string[]): WebhookEndpoint[] {
  return endpoints.filter((e) => e.types.includes(type as WebhookEndpoint["types"][number]) && !disabled.includes(e.id));
}
