import { useState } from "preact/hooks";
import { enableEndpoint, listDeadLetters, listEndpoints, redeliver, sendTest, type DeadLetter, type EndpointState, type TestResult } from "../api/webhooks";
import { Badge } from "../components/Badge";
import { Link } from "../components/Link";
import { TableHead } from "../components/TableHead";
import { ErrorNote, Loading, Notice } from "../components/Notice";
import { ago, dateTime, plural } from "../format";
import { useAsync } from "../hooks/use-async";
import { href } from "../router";

function TestOutcome({ result }: { result: TestResult }) {
  if (result.delivered) return <Notice tone="ok">Test message {result.messageId} delivered (HTTP {result.status}, {Math.round(result.durationMs)} ms).</Notice>;
  return (
    <Notice tone="warn">
      Test message not delivered: {result.error ?? `HTTP ${result.status}`}
      {result.outcome === "gone" ? " — the endpoint answers 410 Gone." : ""}
    </Notice>
  );
}

function Endpoint({ site, endpoint, onChanged }: { site: string; endpoint: EndpointState; onChanged: () => Promise<void> }) {
  const letters = useAsync(() => listDeadLetters(site, endpoint.id), [site, endpoint.id, endpoint.deadLetters.count]);
  const [busy, setBusy] = useState<string | null>(null);
  const [test, setTest] = useState<TestResult | null>(null);
  const [note, setNote] = useState<string | null>(null);
  /** What the endpoint missed while disabled, as re-enabling it answered; offered for redelivery. */
  const [missed, setMissed] = useState<DeadLetter[]>([]);
  const [problem, setProblem] = useState<Error | null>(null);
  const act = async (what: string, run: () => Promise<string | void>) => {
    setBusy(what);
    setProblem(null);
    try {
      const message = await run();
      if (message) setNote(message);
      await Promise.all([onChanged(), letters.reload()]);
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(null);
    }
  };
  const titleId = `endpoint-${endpoint.id}`;
  return (
    <section class="card endpoint" aria-labelledby={titleId} data-endpoint={endpoint.id} data-state={endpoint.state}>
      <header class="endpoint-head">
        <h2 id={titleId}>{endpoint.id}</h2>
        <Badge value={endpoint.state} kind="state" />
        {endpoint.state === "disabled" && <span class="muted">answered 410 Gone; nothing is sent to it</span>}
      </header>
      <dl class="facts">
        <dt>URL</dt>
        <dd><code class="wrap">{endpoint.url}</code></dd>
        <dt>Types</dt>
        <dd>{endpoint.types.join(", ")}</dd>
        <dt>Last failure</dt>
        <dd>{endpoint.lastFailure ? `${ago(endpoint.lastFailure.at)}: ${endpoint.lastFailure.error}` : <span class="muted">none kept</span>}</dd>
      </dl>
      <div class="actions">
        <button type="button" class="button" disabled={!!busy} onClick={() => act("test", async () => setTest(await sendTest(site, endpoint.id)))}>
          {busy === "test" ? "Sending…" : "Send a test message"}
        </button>
        {endpoint.state === "disabled" && (
          <button
            type="button"
            class="button primary"
            disabled={!!busy}
            onClick={() =>
              act("enable", async () => {
                const result = await enableEndpoint(site, endpoint.id);
                setMissed(result.missed);
                return result.missed.length === 0 ? "Enabled again. It missed nothing while disabled." : `Enabled again. While disabled it missed ${plural(result.missed.length, "message")}, kept as dead letters below.`;
              })
            }
          >
            Re-enable
          </button>
        )}
      </div>
      {test && <TestOutcome result={test} />}
      {note && <Notice tone="ok">{note}</Notice>}
      {missed.length > 0 && endpoint.state === "active" && (
        <div class="actions">
          <button
            type="button"
            class="button primary"
            disabled={!!busy}
            onClick={() =>
              act("missed", async () => {
                const count = await redeliver(site, endpoint.id, missed.map((l) => l.messageId));
                setMissed([]);
                return `Redelivering ${plural(count, "message")} it missed.`;
              })
            }
          >
            {busy === "missed" ? "Redelivering…" : `Redeliver what it missed (${missed.length})`}
          </button>
        </div>
      )}
      {problem && <ErrorNote error={problem} />}
      <h3>
        Dead letters <span class="muted">({endpoint.deadLetters.count}{endpoint.deadLetters.atLeast ? "+" : ""})</span>
      </h3>
      {letters.error && <ErrorNote error={letters.error} />}
      {letters.data && letters.data.length === 0 && <p class="muted">None: every message reached this endpoint or is still being retried.</p>}
      {letters.data && letters.data.length > 0 && (
        <>
          <div class="scroll-x">
          <table class="letters" data-dead-letters>
            <TableHead columns={["Failed", "Type", "Lead", "Attempts", "Last error", "~Action"]} numeric={["Attempts"]} />
            <tbody>
              {letters.data.map((l) => (
                <tr key={l.messageId} data-message={l.messageId}>
                  <td data-col="Failed"><time dateTime={new Date(l.failedAt).toISOString()} title={dateTime(l.failedAt)}>{ago(l.failedAt)}</time></td>
                  <td data-col="Type"><code>{l.type}</code></td>
                  <td data-col="Lead"><Link href={href({ page: "lead", site, lead: l.leadId })}>{l.payload.data?.lead?.userId ?? l.payload.data?.lead?.anonymousIds?.[0] ?? l.leadId}</Link></td>
                  <td data-col="Attempts" class="num">{l.attempts}</td>
                  <td data-col="Last error">{l.lastError}</td>
                  <td>
                    <button type="button" class="button small" disabled={!!busy} onClick={() => act(l.messageId, async () => `Redelivering ${plural(await redeliver(site, endpoint.id, [l.messageId]), "message")}.`)} aria-label={`Redeliver ${l.type} ${l.messageId}`}>
                      Redeliver
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          <button type="button" class="button" disabled={!!busy} onClick={() => act("all", async () => `Redelivering ${plural(await redeliver(site, endpoint.id), "message")}.`)}>
            Redeliver all {letters.data.length}
          </button>
        </>
      )}
    </section>
  );
}

/** Every endpoint of the site's config: its state, a test message, re-enabling, and dead letters to redeliver. */
export function Webhooks({ site }: { site: string }) {
  const endpoints = useAsync(() => listEndpoints(site), [site]);
  if (endpoints.error) return <ErrorNote error={endpoints.error} title="Could not load the webhook endpoints" />;
  if (!endpoints.data) return <Loading what="webhook endpoints" />;
  return (
    <>
      <h1>Webhooks</h1>
      <p class="muted">
        Signed with Standard Webhooks, retried with growing delays for over a day; what finally fails is kept here. <button type="button" class="link-button" onClick={() => void endpoints.reload()}>Refresh</button>
      </p>
      {endpoints.data.length === 0 && (
        <p class="empty">
          No endpoints: add one under <code>webhooks</code> in the <Link href={href({ page: "scoring", site })}>config</Link>.
        </p>
      )}
      {endpoints.data.map((e) => (
        <Endpoint key={e.id} site={site} endpoint={e} onChanged={endpoints.reload} />
      ))}
    </>
  );
}
