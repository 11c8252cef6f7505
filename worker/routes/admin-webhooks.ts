import { Hono } from "hono";
import type { Env } from "../env";
import { readSecret } from "../env";
import { requireAdmin } from "../http/auth";
import { ApiError, parseOr } from "../http/errors";
import { allowedWebhookHosts } from "../lead/outbox";
import type { WebhookEndpoint } from "../site/config";
import { siteStub } from "../site/config-cache";
import type { DeadLetter } from "../site/SiteObject";
import { deliverWebhook } from "../webhooks/deliver";
import { newMessageId } from "../webhooks/payload";
import { DEAD_LETTER_COUNT_CAP, endpointParamSchema, TEST_MESSAGE_TYPE } from "./admin-console-schema";
import { configOrFail } from "./admin-config";
import { siteParamSchema } from "./admin-schema";

/**
 * Webhook endpoints as the operator sees them: each endpoint of the config with its state and dead
 * letters, and a signed test message sent now.
 */
export const adminWebhooks = new Hono<{ Bindings: Env }>();
adminWebhooks.use("/v1/sites/:site/webhooks", requireAdmin);
adminWebhooks.use("/v1/sites/:site/webhooks/*", requireAdmin);

async function siteConfig(env: Env, site: string) {
  return (await configOrFail(env, site)).config;
}

function endpointOf(endpoints: WebhookEndpoint[], id: string): WebhookEndpoint {
  const endpoint = endpoints.find((e) => e.id === id);
  if (!endpoint) throw new ApiError(404, "unknown_endpoint", `The config has no webhook endpoint "${id}"`);
  return endpoint;
}

adminWebhooks.get("/v1/sites/:site/webhooks", async (c) => {
  const { site } = parseOr(siteParamSchema, { site: c.req.param("site") });
  const config = await siteConfig(c.env, site);
  const stub = siteStub(c.env, site);
  // Asked of the site object, not the isolate's config copy: a 410 seen a second ago counts.
  const disabled = new Set((await stub.disabledEndpoints()) as string[]);
  const endpoints = await Promise.all(
    config.webhooks.map(async (endpoint) => {
      const letters = (await stub.listDeadLetters(endpoint.id, DEAD_LETTER_COUNT_CAP)) as DeadLetter[];
      const last = letters.reduce<DeadLetter | null>((newest, l) => (!newest || l.failedAt > newest.failedAt ? l : newest), null);
      return {
        id: endpoint.id,
        url: endpoint.url,
        types: endpoint.types,
        state: disabled.has(endpoint.id) ? ("disabled" as const) : ("active" as const),
        deadLetters: { count: letters.length, atLeast: letters.length >= DEAD_LETTER_COUNT_CAP },
        lastFailure: last && { at: new Date(last.failedAt).toISOString(), error: last.lastError, type: last.type, messageId: last.messageId },
      };
    }),
  );
  return c.json({ endpoints });
});

/**
 * Sends one signed `lead.test` message to the endpoint now, from this request: no lead is involved,
 * so no Lead object, outbox or retry; the operator reads the endpoint's answer at once. Sent even to
 * a disabled endpoint, so the operator can see whether it is back before enabling it.
 */
adminWebhooks.post("/v1/sites/:site/webhooks/:endpoint/test", async (c) => {
  const { site } = parseOr(siteParamSchema, { site: c.req.param("site") });
  const { endpoint: id } = parseOr(endpointParamSchema, { endpoint: c.req.param("endpoint") });
  const endpoint = endpointOf((await siteConfig(c.env, site)).webhooks, id);
  const secrets = [endpoint.secret, endpoint.previousSecret].flatMap((ref) => (ref ? [readSecret(c.env, ref.env)] : [])).filter((s): s is string => !!s);
  if (secrets.length === 0) throw new ApiError(422, "secret_missing", `The secret ${endpoint.secret.env} is not set on the worker`);
  const now = Date.now();
  const messageId = newMessageId(now);
  const body = JSON.stringify({
    type: TEST_MESSAGE_TYPE,
    timestamp: new Date(now).toISOString(),
    data: { site, endpoint: endpoint.id, message: "A test message from Leadscore: your endpoint receives and verifies webhooks." },
  });
  const result = await deliverWebhook({
    url: endpoint.url,
    secrets,
    message: { id: messageId, body, type: TEST_MESSAGE_TYPE },
    now,
    fetch: (input, init) => fetch(input, init),
    allowHosts: allowedWebhookHosts(c.env),
  });
  return c.json({
    messageId,
    type: TEST_MESSAGE_TYPE,
    outcome: result.outcome,
    delivered: result.outcome === "delivered",
    ...(result.status === undefined ? {} : { status: result.status }),
    ...(result.error === undefined ? {} : { error: result.error }),
    durationMs: result.durationMs,
  });
});
