/**
 * What a batch of events would make leave a fresh Lead object, computed by the object's own
 * `decide()`: the webhook messages with their endpoints and payloads, and the index updates. Pure:
 * nothing is stored, nothing is sent.
 */
import type { LeadIndexEntry, StoredConfig } from "../site/SiteObject";
import { decide, type Decision } from "./decide";
import type { RandomBytes } from "./promo";
import { type Delivery, type IngestRequest, type LeadRecord } from "./types";

/** Alarms one simulation runs at most: a bound on the work one request may ask for. */
const MAX_ALARMS = 1000;

/** One webhook message as the object would send it: once to each endpoint listed. */
export interface SimulatedMessage {
  messageId: string;
  type: string;
  endpointIds: string[];
  /** The body each endpoint would receive (CONTRACT section 3), parsed. */
  payload: unknown;
}

export interface SimulatedOutput {
  messages: SimulatedMessage[];
  indexUpdates: LeadIndexEntry[];
}

export interface SimulateLeadInput {
  request: IngestRequest;
  config: StoredConfig;
  /** The instant the batch is received (the object's `now`). */
  receivedAt: number;
  /** Let time pass to here afterwards, as the object's alarm would, reporting each crossing. */
  until?: number;
  random: RandomBytes;
}

/**
 * Runs one request, then the alarms up to `until`, through `decide()` on a record never seen.
 *
 * @example simulateLead({ request, config: stored, receivedAt: lastEventTs, random: cryptoBytes }).messages[0]
 * // { messageId: "msg_…", type: "lead.label_changed", endpointIds: ["main"], payload: { type, timestamp, data } }
 */
export function simulateLead(input: SimulateLeadInput): SimulatedOutput {
  const decisions: Decision[] = [];
  let record: LeadRecord | null = null;
  let now = input.receivedAt;
  let request: IngestRequest | null = input.request;
  for (let alarms = 0; alarms <= MAX_ALARMS; alarms++) {
    const d = decide({ record, request, config: input.config, known: new Map(), now, random: input.random });
    decisions.push(d);
    record = d.record;
    request = null;
    // The alarm fires at the next crossing; a crossing at `now` was reported by this decision.
    if (input.until === undefined || d.crossingAt === null || d.crossingAt <= now || d.crossingAt > input.until) break;
    now = d.crossingAt;
  }
  return outputOf(decisions.flatMap((d) => d.added), decisions.flatMap((d) => (d.index ? [d.index] : [])));
}

function outputOf(added: Delivery[], indexUpdates: LeadIndexEntry[]): SimulatedOutput {
  const messages = new Map<string, SimulatedMessage>();
  for (const d of added) {
    const message = messages.get(d.messageId) ?? { messageId: d.messageId, type: d.type, endpointIds: [], payload: JSON.parse(d.body) as unknown };
    message.endpointIds.push(d.endpointId);
    messages.set(d.messageId, message);
  }
  return { messages: [...messages.values()], indexUpdates };
}
