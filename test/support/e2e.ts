// Shared helpers for the end-to-end tests (test/e2e, test/browser): the real worker on local workerd
// through `wrangler dev`, a real webhook receiver, the operator API over HTTP, and system Chromium.
//
// Everything here talks to real processes over real sockets; nothing is mocked. Waiting is done by
// polling or by events, never by asserting how long something took.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
// scripts/*.mjs are plain JS and tsconfig has no allowJs: the imports are untyped on purpose and typed below.
// @ts-ignore
import { startLocalWorker } from "../../scripts/local-worker.mjs";
// @ts-ignore
import { startInspector } from "../../scripts/inspector.mjs";

/** Bearer token of the operator API in every e2e worker. */
export const ADMIN_TOKEN = "e2e-admin-token";
/** A real `whsec_` secret (24 random bytes, base64), so the reference `standardwebhooks` package verifies. */
export const WEBHOOK_SECRET = "whsec_k3NqY2Vx8Tb9QmLr0PzWs5HfJd1GcA7e";
/** Headless Chromium says "HeadlessChrome", which isbot (on by default for every site) rightly ignores. */
export const DESKTOP_CHROME_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface LocalWorker {
  url: string;
  port: number;
  pid: number;
  logs(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** What scripts/inspector.mjs records per webhook-id (one entry across retries of one message). */
export interface ReceivedWebhook {
  id: string;
  attempts: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  payload: any;
  verified: boolean | null;
  error: string | null;
  status: number;
  type: string | null;
  summary: Record<string, any>;
  history: Array<{ at: string; verified: boolean | null; error: string | null; status: number }>;
}

export interface Inspector {
  url: string;
  hooksUrl: string;
  port: number;
  received: ReceivedWebhook[];
  waitFor(predicate: (hook: ReceivedWebhook) => boolean, options?: { timeoutMs?: number }): Promise<ReceivedWebhook>;
  clear(): void;
  close(): Promise<void>;
}

/** A fresh directory under the OS temp dir (Durable Object storage of one test file). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `leadscore-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts the worker on 127.0.0.1 (random port) with only the given vars: the repository's .dev.vars
 * is ignored so a developer's secrets never leak into a test.
 */
export async function startWorker({ vars, persistTo }: { vars: Record<string, string>; persistTo: string }): Promise<LocalWorker> {
  return (await startLocalWorker({ port: 0, vars, persistTo, quiet: true, devVars: false })) as LocalWorker;
}

/**
 * A real Standard Webhooks receiver on a random port of 127.0.0.1 that verifies every delivery with
 * `secret`. `respond` may answer something else than 204 (e.g. 503 to make the worker retry).
 */
export async function startReceiver({ secret = WEBHOOK_SECRET, respond }: { secret?: string; respond?: (hook: ReceivedWebhook) => number | undefined } = {}): Promise<Inspector> {
  const inspector = await startInspector({ port: 0, secret, respond });
  return { ...inspector, port: Number(new URL(inspector.url).port) } as Inspector;
}

/** The vars every e2e worker needs: the admin token and permission to deliver to the local receiver. */
export function baseVars(receiver: Inspector, extra: Record<string, string> = {}): Record<string, string> {
  return { ADMIN_TOKEN, WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${receiver.port}`, ...extra };
}

/** The operator API of a worker; `baseUrl` is read on every call, so it can follow a restarted worker. */
export function operatorApi(baseUrl: () => string) {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  return {
    async putConfig(site: string, config: unknown): Promise<{ status: number; body: any }> {
      const res = await fetch(`${baseUrl()}/v1/sites/${site}/config`, {
        method: "PUT",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(config),
      });
      return { status: res.status, body: await res.json() };
    },
    async getLead(site: string, ref: string): Promise<{ status: number; body: any }> {
      const res = await fetch(`${baseUrl()}/v1/sites/${site}/leads/${encodeURIComponent(ref)}`, { headers });
      return { status: res.status, body: await res.json() };
    },
    async listLeads(site: string, query = ""): Promise<{ status: number; body: any }> {
      const res = await fetch(`${baseUrl()}/v1/sites/${site}/leads${query ? `?${query}` : ""}`, { headers });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** Segment's HTTP Basic form: the write key as user name, an empty password. */
export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
}

/** POSTs a Segment HTTP Tracking API body the way Segment's own libraries do. */
export async function postSegment(baseUrl: string, path: string, writeKey: string, body: unknown, init: { signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: basicAuth(writeKey), "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: init.signal,
  });
}

/**
 * Polls `check` until it returns something other than undefined/false, then returns it. Throws (with
 * the last value seen, for the failure message) when `timeoutMs` passes. Waits; never asserts time.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 100, what = "condition" }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) throw new Error(`${what} not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Debian's system Chromium, headless, with the background chatter that could add requests turned off. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * One rule's entry in a lead's explanation (`GET …/leads/{lead}`), or undefined when it scored nothing.
 * @example expect(contribution(lead, "pricing")).toMatchObject({ rawPoints: 30, count: 1 })
 */
export function contribution(lead: any, rule: string): any {
  return lead.explanation.contributions.find((c: any) => c.rule === rule);
}

/** The last part of a worker's log, for a failing test's output. */
export function tailLogs(worker: LocalWorker | undefined, chars = 6_000): string {
  return worker ? worker.logs().slice(-chars) : "(no worker)";
}
