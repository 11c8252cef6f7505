// A local receiver for Leadscore's Standard Webhooks: verifies each delivery with the reference
// `standardwebhooks` package and shows what arrived on a page that refreshes itself.
//
//   LEADSCORE_WEBHOOK_SECRET=whsec_... PORT=8788 node scripts/inspector.mjs
//
// `npm start` runs it next to the worker; tests import startInspector() as a real webhook endpoint.

import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { Webhook } from "standardwebhooks";

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ENTRIES = 1000;
/** Headers worth showing; the rest (connection, accept-encoding…) is noise for a webhook consumer. */
const HIDDEN_HEADERS = new Set(["connection", "keep-alive", "accept-encoding", "host", "cf-connecting-ip"]);

/**
 * @typedef {object} ReceivedWebhook
 * @property {string} id the `webhook-id`, the same across retries of one message
 * @property {number} attempts how many times this message arrived
 * @property {string} firstReceivedAt ISO time of the first attempt
 * @property {string} lastReceivedAt ISO time of the latest attempt
 * @property {string} path request path (under /hooks)
 * @property {Record<string, string>} headers headers of the latest attempt
 * @property {string} body raw body of the latest attempt
 * @property {unknown} payload the body parsed as JSON, or null
 * @property {boolean | null} verified signature check of the latest attempt; null when no secret is configured
 * @property {string | null} error why verification failed
 * @property {number} status what the inspector answered to the latest attempt
 * @property {string | null} type payload `type`, e.g. "lead.label_changed"
 * @property {{ site?: string, leadId?: string, userId?: string, previous?: unknown, current?: unknown, score?: number, cause?: string, promo?: string }} summary
 * @property {{ at: string, verified: boolean | null, error: string | null, status: number }[]} history
 */

/**
 * Starts an HTTP server that receives webhooks on `POST /hooks/...`, verifies them, and lists them on `GET /`
 * (HTML) and `GET /api/hooks` (JSON, newest first).
 *
 * Valid deliveries get 204, invalid signatures 400. Pass `respond` to answer something else, e.g. to make
 * the worker retry (500) or give up on an endpoint (410).
 *
 * @example
 *   const inspector = await startInspector({ port: 0, secret: "whsec_..." });
 *   // point a webhook at `${inspector.url}/hooks`, then:
 *   const hook = await inspector.waitFor((h) => h.type === "lead.label_changed");
 *   await inspector.close();
 *
 * @param {object} options
 * @param {number} [options.port] 8788 by default; 0 picks a free port
 * @param {string} [options.host]
 * @param {string} [options.secret] the endpoint's `whsec_...` secret; without it nothing can be verified
 * @param {(hook: ReceivedWebhook) => number | undefined} [options.respond] overrides the status answered
 * @returns {Promise<{ url: string, hooksUrl: string, received: ReceivedWebhook[], waitFor: Function, clear(): void, close(): Promise<void> }>}
 */
export async function startInspector({ port = 8788, host = "127.0.0.1", secret, respond } = {}) {
  const verifier = secret ? new Webhook(secret) : null;
  /** Arrival order (oldest first); the page and the API show newest first. */
  const received = [];
  const byId = new Map();
  const waiters = new Set();

  function record(req, path, body) {
    const headers = pickHeaders(req.headers);
    const now = new Date().toISOString();
    let verified = null;
    let error = null;
    if (verifier) {
      try {
        verifier.verify(body, headers);
        verified = true;
      } catch (e) {
        verified = false;
        error = e instanceof Error ? e.message : String(e);
      }
    } else {
      error = "no secret configured (set LEADSCORE_WEBHOOK_SECRET)";
    }
    const payload = parseJson(body);
    // Without a webhook-id there is nothing to deduplicate by; give the delivery its own entry.
    const id = headers["webhook-id"] || `missing-id-${now}-${received.length}`;
    let hook = byId.get(id);
    if (!hook) {
      hook = { id, attempts: 0, firstReceivedAt: now, history: [] };
      byId.set(id, hook);
      received.push(hook);
      if (received.length > MAX_ENTRIES) byId.delete(received.shift().id);
    }
    Object.assign(hook, {
      attempts: hook.attempts + 1,
      lastReceivedAt: now,
      path,
      headers,
      body,
      payload,
      verified,
      error,
      type: typeof payload?.type === "string" ? payload.type : null,
      summary: summarize(payload),
    });
    const status = respond?.(hook) ?? (verified === false ? 400 : 204);
    hook.status = status;
    hook.history.push({ at: now, verified, error, status });
    for (const waiter of waiters) waiter(hook);
    return hook;
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://inspector");
      if (req.method === "POST" && (url.pathname === "/hooks" || url.pathname.startsWith("/hooks/"))) {
        const body = await readBody(req);
        if (body === null) return send(res, 413, { error: { code: "payload_too_large", message: "body over 1 MiB" } });
        const hook = record(req, url.pathname, body);
        if (hook.status === 204) {
          res.writeHead(204).end();
        } else {
          send(res, hook.status, hook.verified === false ? { error: { code: "invalid_signature", message: hook.error } } : {});
        }
        return;
      }
      if (req.method === "GET" && url.pathname === "/api/hooks") return send(res, 200, newestFirst(received));
      if (req.method === "DELETE" && url.pathname === "/api/hooks") {
        received.length = 0;
        byId.clear();
        return res.writeHead(204).end();
      }
      if (req.method === "GET" && url.pathname === "/") {
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          // Payloads carry visitor-supplied traits; the page renders them as text, and CSP backs that up.
          "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
        });
        return res.end(PAGE_HTML.replace("__VERIFYING__", verifier ? "verifying signatures" : "NO SECRET: signatures not checked"));
      }
      send(res, 404, { error: { code: "not_found", message: `${req.method} ${url.pathname}` } });
    } catch (e) {
      send(res, 500, { error: { code: "internal", message: String(e) } });
    }
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const url = `http://${host}:${address.port}`;

  return {
    url,
    hooksUrl: `${url}/hooks`,
    received,
    /**
     * Resolves with the first received webhook (already here or still to come) that matches.
     * @param {(hook: ReceivedWebhook) => boolean} predicate
     * @param {{ timeoutMs?: number }} [options]
     */
    waitFor(predicate, { timeoutMs = 30_000 } = {}) {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching webhook within ${timeoutMs} ms (received ${received.length})`));
        }, timeoutMs);
        function check(hook) {
          if (!predicate(hook)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hook);
        }
        waiters.add(check);
      });
    },
    clear() {
      received.length = 0;
      byId.clear();
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
  };
}

/**
 * The fields a person scanning the list wants, from a Leadscore webhook body
 * (`{ type, timestamp, data: { site, lead, previous, current, cause, ... } }`). Tolerant of other shapes:
 * the inspector must still show a delivery it does not understand.
 */
export function summarize(payload) {
  const data = payload && typeof payload === "object" ? payload.data : undefined;
  if (!data || typeof data !== "object") return {};
  const lead = data.lead && typeof data.lead === "object" ? data.lead : {};
  const pick = (...values) => values.find((v) => v !== undefined && v !== null);
  return {
    site: pick(data.site?.id, data.site, data.siteId),
    leadId: pick(lead.id, data.leadId, data.lead_id),
    userId: pick(lead.userId, lead.user_id, data.userId),
    previous: pick(data.previous, data.from, data.old),
    current: pick(data.current, data.to, data.new, data.value),
    score: pick(lead.score, data.score),
    cause: describeCause(data.cause),
    promo: pick(data.promo?.code, data.code),
  };
}

function describeCause(cause) {
  if (cause === undefined || cause === null) return undefined;
  if (typeof cause === "string") return cause;
  if (typeof cause === "object") {
    const name = cause.event?.name ?? cause.event?.event ?? cause.name ?? cause.event ?? cause.type;
    if (typeof name === "string") return name;
  }
  return JSON.stringify(cause);
}

function newestFirst(hooks) {
  return [...hooks].sort((a, b) => (a.lastReceivedAt < b.lastReceivedAt ? 1 : a.lastReceivedAt > b.lastReceivedAt ? -1 : 0));
}

function pickHeaders(raw) {
  const headers = {};
  for (const [name, value] of Object.entries(raw)) {
    if (HIDDEN_HEADERS.has(name) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Reads the body as UTF-8 text (signatures are over the exact bytes), or null when it is too large. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res, status, json) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(json, null, 2));
}

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leadscore webhook inspector</title>
<style>
  :root { --bg: #f6f5f2; --card: #fff; --ink: #1e1d1b; --muted: #6b6760; --line: #e4e1da; --ok: #1f7a4d; --bad: #b3261e; --accent: #8a4b1f; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
  header { padding: 18px 24px; border-bottom: 1px solid var(--line); background: var(--card); display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
  h1 { font-size: 18px; margin: 0; }
  header .meta { color: var(--muted); font-size: 13px; }
  header button { margin-left: auto; border: 1px solid var(--line); background: var(--card); border-radius: 6px; padding: 4px 10px; cursor: pointer; }
  main { max-width: 1100px; margin: 0 auto; padding: 20px 24px 60px; }
  .empty { color: var(--muted); text-align: center; padding: 60px 0; }
  .hook { background: var(--card); border: 1px solid var(--line); border-radius: 10px; margin-bottom: 14px; overflow: hidden; }
  .row { display: grid; grid-template-columns: 190px 1fr auto; gap: 12px; align-items: center; padding: 12px 16px; }
  .type { font-weight: 600; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 14px; }
  .time { color: var(--muted); font-size: 13px; }
  .facts { display: flex; gap: 14px; flex-wrap: wrap; font-size: 14px; }
  .facts b { font-weight: 500; color: var(--muted); margin-right: 4px; }
  .change { font-weight: 600; }
  .badge { font-size: 12px; font-weight: 600; padding: 3px 8px; border-radius: 999px; white-space: nowrap; }
  .badge.ok { background: #e3f3ea; color: var(--ok); }
  .badge.bad { background: #fbe4e2; color: var(--bad); }
  .badge.none { background: #eeece7; color: var(--muted); }
  .attempts { font-size: 12px; color: var(--accent); margin-left: 6px; }
  details { border-top: 1px solid var(--line); }
  summary { padding: 8px 16px; cursor: pointer; color: var(--muted); font-size: 13px; }
  pre { margin: 0; padding: 12px 16px; background: #faf9f7; font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
  .error { color: var(--bad); font-size: 13px; padding: 0 16px 10px; }
  @media (max-width: 700px) { .row { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>Leadscore webhook inspector</h1>
  <span class="meta">POST /hooks &middot; __VERIFYING__ &middot; <span id="count">0</span> received</span>
  <button id="clear" type="button">Clear</button>
</header>
<main id="list"><p class="empty">Waiting for webhooks&hellip; click around the demo shop.</p></main>
<script>
(function () {
  var list = document.getElementById("list");
  var count = document.getElementById("count");
  var open = {};
  var last = "";
  // Everything is built with textContent: payloads carry traits typed by visitors.
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fact(label, value) {
    var s = el("span");
    s.appendChild(el("b", null, label));
    s.appendChild(document.createTextNode(typeof value === "object" ? JSON.stringify(value) : String(value)));
    return s;
  }
  function section(hook, key, title, text) {
    var d = el("details");
    d.open = !!open[hook.id + key];
    d.addEventListener("toggle", function () { open[hook.id + key] = d.open; });
    d.appendChild(el("summary", null, title));
    d.appendChild(el("pre", null, text));
    return d;
  }
  function render(hooks) {
    count.textContent = hooks.length;
    list.textContent = "";
    if (!hooks.length) { list.appendChild(el("p", "empty", "Waiting for webhooks\\u2026 click around the demo shop.")); return; }
    hooks.forEach(function (h) {
      var s = h.summary || {};
      var card = el("article", "hook");
      var row = el("div", "row");
      var left = el("div");
      left.appendChild(el("div", "type", h.type || "(no type)"));
      left.appendChild(el("div", "time", new Date(h.lastReceivedAt).toLocaleTimeString()));
      row.appendChild(left);
      var facts = el("div", "facts");
      if (s.leadId !== undefined) facts.appendChild(fact("lead", s.leadId));
      if (s.userId !== undefined) facts.appendChild(fact("user", s.userId));
      if (s.previous !== undefined || s.current !== undefined) {
        var c = el("span", "change", (s.previous === undefined ? "\\u2013" : s.previous) + " \\u2192 " + (s.current === undefined ? "\\u2013" : s.current));
        facts.appendChild(c);
      }
      if (s.score !== undefined) facts.appendChild(fact("score", typeof s.score === "number" ? Math.round(s.score * 10) / 10 : s.score));
      if (s.cause !== undefined) facts.appendChild(fact("cause", s.cause));
      if (s.promo !== undefined) facts.appendChild(fact("promo", s.promo));
      row.appendChild(facts);
      var right = el("div");
      var badge = h.verified === true ? el("span", "badge ok", "\\u2713 verified") : h.verified === false ? el("span", "badge bad", "\\u2717 invalid") : el("span", "badge none", "? not checked");
      right.appendChild(badge);
      if (h.attempts > 1) right.appendChild(el("span", "attempts", h.attempts + " attempts"));
      row.appendChild(right);
      card.appendChild(row);
      if (h.error) card.appendChild(el("div", "error", h.error));
      var headerText = Object.keys(h.headers).map(function (k) { return k + ": " + h.headers[k]; }).join("\\n");
      card.appendChild(section(h, "p", "Payload", h.payload !== null ? JSON.stringify(h.payload, null, 2) : h.body));
      card.appendChild(section(h, "h", "Headers (" + h.path + ", answered " + h.status + ")", headerText));
      list.appendChild(card);
    });
  }
  function poll() {
    fetch("/api/hooks", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (text) {
      if (text !== last) { last = text; render(JSON.parse(text)); }
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  document.getElementById("clear").addEventListener("click", function () {
    fetch("/api/hooks", { method: "DELETE" }).then(function () { last = ""; });
  });
  poll();
})();
</script>
</body>
</html>
`;

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const secret = process.env.LEADSCORE_WEBHOOK_SECRET || undefined;
  const port = Number(process.env.PORT || 8788);
  const host = process.env.HOST || "127.0.0.1";
  const inspector = await startInspector({ port, host, secret });
  console.log(`Webhook inspector on ${inspector.url}/  (deliver to ${inspector.hooksUrl})`);
  if (!secret) console.log("LEADSCORE_WEBHOOK_SECRET is not set: deliveries are accepted but not verified.");
  const shutdown = () => inspector.close().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
