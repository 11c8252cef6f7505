import type { Cause, Change, LeadView, ScoringEvent } from "../scoring";
import type { WebhookEndpoint } from "../site/config";
import { buildWebhookBody, newMessageId, type WebhookCause, type WebhookData, type WebhookType } from "../webhooks/payload";
import type { RandomBytes } from "./promo";
import type { Delivery, LeadIdentity } from "./types";

export interface MessageContext {
  identity: LeadIdentity;
  view: LeadView;
  topContributions: Array<{ rule: string; points: number }>;
  random: RandomBytes;
  /** Operator events of this decision by event id: the changes they cause say so, with the reason. */
  operator?: ReadonlyMap<string, OperatorCause>;
}

/** An operator's action on a lead, as the webhooks it causes name it. */
export interface OperatorCause {
  action: "adjust" | "requalify";
  reason: string;
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
  const cause = webhookCause(change.cause, ctx.operator);
  const data: WebhookData = {
    site: ctx.identity.site,
    lead: leadPayload(ctx),
    previous: change.from,
    current: change.to,
    cause,
    topContributions: ctx.topContributions,
  };
  if ("direction" in change) data.direction = change.direction;
  return build(change.type, change.at, data, ctx.random);
}

/**
 * The operator events among a decision's events, by id: what their changes name as the cause.
 *
 * @example operatorCauses([{ id: "op_1", name: "adjust", ts, adjust: { points: 20, reason: "called us" } }]).get("op_1")
 * // { action: "adjust", reason: "called us" }
 */
export function operatorCauses(events: ScoringEvent[]): Map<string, OperatorCause> {
  const causes = new Map<string, OperatorCause>();
  for (const e of events) {
    if (e.adjust) causes.set(e.id, { action: "adjust", reason: e.adjust.reason });
    else if (e.requalify) causes.set(e.id, { action: "requalify", reason: e.requalify.reason });
  }
  return causes;
}

/**
 * The engine's cause in the webhook's words: an operator's event names its action and reason; an absence rule its id.
 *
 * @example webhookCause({ kind: "event", eventId: "e1", name: "cart_add" }, undefined) // { kind: "event", event: { id: "e1", name: "cart_add" } }
 */
export function webhookCause(cause: Cause, operator: MessageContext["operator"]): WebhookCause {
  if (cause.kind === "event") {
    const op = operator?.get(cause.eventId);
    return op ? { kind: "operator", action: op.action, reason: op.reason } : { kind: "event", event: { id: cause.eventId, name: cause.name } };
  }
  return cause;
}

/** `lead.promo_issued`: the code a hot lead with a cart earned. */
export function promoMessage(code: string, at: number, event: { id: string; name: string }, ctx: MessageContext): OutgoingMessage {
  return build(
    "lead.promo_issued",
    at,
    { site: ctx.identity.site, lead: leadPayload(ctx), previous: null, current: code, cause: { kind: "event", event }, topContributions: ctx.topContributions, promo: { code } },
    ctx.random,
  );
}

function leadPayload(ctx: MessageContext) {
  return {
    id: ctx.identity.leadId,
    ...(ctx.identity.userId ? { userId: ctx.identity.userId } : {}),
    ...(ctx.identity.verified !== undefined ? { verified: ctx.identity.verified } : {}),
    anonymousIds: ctx.identity.anonymousIds,
    score: ctx.view.score,
    label: ctx.view.label,
    stage: ctx.view.stage,
    ...(ctx.view.grade !== undefined ? { grade: ctx.view.grade } : {}),
    model: ctx.view.model,
    traits: ctx.view.traits,
  };
}

function build(type: WebhookType, at: number, data: WebhookData, random: RandomBytes): OutgoingMessage {
  return { id: newMessageId(at, random), type, body: buildWebhookBody({ type, at, data }) };
}

/** The endpoints that subscribed to a message of this type. */
export function endpointsFor(type: string, endpoints: WebhookEndpoint[]): WebhookEndpoint[] {
  return endpoints.filter((e) => e.types.includes(type as WebhookEndpoint["types"][number]));
}

/**
 * The deliveries of one decision: each message once per subscribed endpoint, all due at `dueAt`.
 * They ride in the lead's record (its outbox), so a crossing costs no row of its own.
 *
 * @example deliveriesFor(messages, config.webhooks, now + DELIVERY_GRACE_MS)
 */
export function deliveriesFor(messages: OutgoingMessage[], endpoints: WebhookEndpoint[], dueAt: number): Delivery[] {
  // Disabled endpoints get their deliveries too: the attempt dead-letters them, so an operator can
  // redeliver what an endpoint missed while it was disabled.
  const deliveries: Delivery[] = messages.flatMap((m) =>
    endpointsFor(m.type, endpoints).map((e) => ({ messageId: m.id, endpointId: e.id, type: m.type, body: m.body, attempts: 0, nextAt: dueAt })),
  );
  return deliveries;
}

