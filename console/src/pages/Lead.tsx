import { useMemo, useState } from "preact/hooks";
import { loadConfig } from "../api/config";
import { eraseLead, exportLead, getDeliveries, getHistory, getLead, type LeadDelivery, type LeadDetail, type LeadEvent } from "../api/leads";
import { historySeries } from "../chart/history-series";
import { ScoreChart } from "../chart/ScoreChart";
import { Badge } from "../components/Badge";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ContributionBars } from "../components/ContributionBars";
import { Link } from "../components/Link";
import { TableHead } from "../components/TableHead";
import { ErrorNote, Loading, Notice } from "../components/Notice";
import { ago, dateTime, points, shortDateTime, signedPoints, who } from "../format";
import { useAsync } from "../hooks/use-async";
import { href, navigate } from "../router";

/** What each event earned when it counted: the rules whose recent earners include it, at their points per earning. */
function earnedBy(lead: LeadDetail): Map<string, Array<{ rule: string; points: number }>> {
  const map = new Map<string, Array<{ rule: string; points: number }>>();
  for (const c of lead.explanation.contributions) {
    if (c.kind !== "behaviour" || c.count === 0) continue;
    for (const id of c.events) map.set(id, [...(map.get(id) ?? []), { rule: c.rule, points: c.rawPoints / c.count }]);
  }
  return map;
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function EventRow({ event, earned }: { event: LeadEvent; earned: Array<{ rule: string; points: number }> | undefined }) {
  const where = event.path ?? (event.url ? new URL(event.url, location.origin).pathname : "");
  return (
    <tr data-event={event.id}>
      <td data-col="When"><time dateTime={new Date(event.ts).toISOString()} title={dateTime(event.ts)}>{shortDateTime(event.ts)}</time></td>
      <td data-col="Event"><code>{event.name}</code></td>
      <td data-col="Where">{where || "–"}</td>
      <td data-col="Earned" class="reasons">{earned?.length ? earned.map((e) => `${e.rule} ${signedPoints(e.points)}`).join(", ") : <span class="muted">nothing</span>}</td>
    </tr>
  );
}

/** What a webhook marker and row say: its type and change ("lead.label_changed warm → hot"). */
function deliveryText(d: LeadDelivery): string {
  const change = d.previous === null || d.previous === undefined ? (d.current ?? "") : `${d.previous} → ${d.current ?? "none"}`;
  return `${d.type} ${change} to ${d.endpointId} (${d.state})`;
}

function History({ site, lead, bands, deliveries }: { site: string; lead: LeadDetail; bands: Array<{ name: string; min: number }>; deliveries: LeadDelivery[] }) {
  const history = useAsync(() => getHistory(site, lead.id), [site, lead.id]);
  const series = useMemo(
    () => (history.data ? historySeries(history.data, bands, { sampled: true, webhooks: deliveries.map((d) => ({ t: d.at, text: deliveryText(d) })) }) : null),
    [history.data, bands, deliveries],
  );
  if (history.error) return <ErrorNote error={history.error} title="Could not load the score history" />;
  if (history.loading && !history.data) return <Loading what="the score history" />;
  if (!series || series.ts.length === 0) return <Notice>No score history kept for this lead (it may have been erased, or its history is older than the site's retention).</Notice>;
  return <ScoreChart series={series} caption={`Score of ${who(lead)} over time: exact at each event, the decay between, the label lines, a dot per change and a diamond per webhook`} />;
}

const STATE_TEXT: Record<LeadDelivery["state"], string> = { pending: "pending", retrying: "retrying", delivered: "delivered", dead: "dead letter" };

/** The webhooks sent about the lead, newest first, with their delivery state. */
function Deliveries({ deliveries }: { deliveries: LeadDelivery[] }) {
  if (deliveries.length === 0) return <p class="muted">No webhook was sent about this lead.</p>;
  return (
    <table class="events" data-deliveries>
      <TableHead columns={["When", "Webhook", "Endpoint", "State"]} />
      <tbody>
        {deliveries.map((d) => (
          <tr key={`${d.messageId}-${d.endpointId}`} data-delivery={d.messageId} data-state={d.state}>
            <td data-col="When"><time dateTime={new Date(d.at).toISOString()} title={dateTime(d.at)}>{shortDateTime(d.at)}</time></td>
            <td data-col="Webhook"><code>{d.type}</code> {d.previous ? `${d.previous} → ${d.current}` : (d.current ?? "")}</td>
            <td data-col="Endpoint"><code>{d.endpointId}</code></td>
            <td data-col="State">
              <Badge value={STATE_TEXT[d.state]} kind="state" />
              {d.attempts > 1 && <span class="muted"> after {d.attempts} attempts</span>}
              {d.lastError && d.state !== "delivered" && <span class="muted"> · {d.lastError}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One lead: why it has its score (a bar per rule), what it did, who it is, and export or erase. */
export function Lead({ site, leadRef }: { site: string; leadRef: string }) {
  const lead = useAsync(() => getLead(site, leadRef), [site, leadRef]);
  const config = useAsync(() => loadConfig(site), [site]);
  const deliveries = useAsync(() => (lead.data ? getDeliveries(site, lead.data.id) : Promise.resolve([])), [site, lead.data?.id]);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Error | null>(null);
  if (lead.error) return <ErrorNote error={lead.error} title="Could not load the lead" />;
  if (lead.loading && !lead.data) return <Loading what="the lead" />;
  const l = lead.data;
  if (!l) return <Notice tone="warn">No lead “{leadRef}” on this site (it may have been erased). <Link href={href({ page: "leads", site })}>Back to the leads</Link></Notice>;
  const model = config.data?.config.models.find((m) => m.id === l.model);
  const bands = (model?.labels ?? []).filter((b): b is { name: string; min: number } => typeof b.min === "number");
  const earned = earnedBy(l);
  const e = l.explanation;

  const onExport = async () => {
    try {
      download(`lead-${l.id}.json`, await exportLead(site, l.id));
    } catch (err) {
      setProblem(err as Error);
    }
  };
  const onErase = async () => {
    setConfirming(false);
    try {
      const erased = await eraseLead(site, l.id);
      navigate(`${href({ page: "leads", site })}?erased=${erased.length}`);
    } catch (err) {
      setProblem(err as Error);
    }
  };

  return (
    <>
      <p class="breadcrumb"><Link href={href({ page: "leads", site })}>Leads</Link> /</p>
      <header class="lead-head">
        <h1>{who(l)}</h1>
        <div class="lead-facts">
          <span class="score" data-score={l.score}>{points(l.score)}</span> <Badge value={l.label} /> <Badge value={l.stage} kind="stage" />
          <span class="muted"> model {l.model}{l.grade ? ` · grade ${l.grade}` : ""}</span>
        </div>
        <div class="actions">
          <button type="button" class="button" onClick={onExport}>Export JSON</button>
          <button type="button" class="button danger" onClick={() => setConfirming(true)}>Erase…</button>
        </div>
      </header>
      {problem && <ErrorNote error={problem} />}
      {e.disqualified && <Notice tone="warn">Disqualified by {e.disqualifiedBy?.join(", ") ?? "a rule"}.</Notice>}
      <section aria-labelledby="chart-title" class="card">
        <h2 id="chart-title">Score over time</h2>
        {deliveries.data ? <History site={site} lead={l} bands={bands} deliveries={deliveries.data} /> : deliveries.error ? <ErrorNote error={deliveries.error} title="Could not load the webhooks sent" /> : <Loading what="the score history" />}
      </section>
      <div class="columns">
        <section aria-labelledby="why-title" class="card">
          <h2 id="why-title">Why {points(l.score)}</h2>
          <ContributionBars contributions={e.contributions} score={l.score} />
          <ul class="plain-list muted">
            {e.nextLabel && <li>{points(e.nextLabel.pointsNeeded)} more points to {e.nextLabel.name}.</li>}
            {e.nextStage && <li>{points(e.nextStage.pointsNeeded)} more points to stage {e.nextStage.name}.</li>}
            {e.lowerLine?.crossesAt && <li>Cools to {e.lowerLine.to} {ago(e.lowerLine.crossesAt)} ({dateTime(e.lowerLine.crossesAt)}) unless it does something.</li>}
          </ul>
        </section>
        <section aria-labelledby="who-title" class="card">
          <h2 id="who-title">Who</h2>
          <dl class="facts">
            <dt>Lead id</dt>
            <dd><code>{l.id}</code></dd>
            <dt>E-mail / user id</dt>
            <dd data-user-id>
              {l.userId ?? <span class="muted">anonymous</span>}
              {l.verified === false && <span class="muted" title="Only the browser's word so far: confirmed by a signed identify or the site's back end"> (unverified)</span>}
            </dd>
            {/* An anonymous lead is known by its own browser id; a known lead lists the visitors merged into it. */}
            <dt>{l.userId ? "Anonymous ids merged" : "Browser ids"}</dt>
            <dd data-anonymous-ids>{l.anonymousIds.length ? l.anonymousIds.map((a) => <code key={a} class="chip">{a}</code>) : <span class="muted">none</span>}</dd>
            <dt>Promo code</dt>
            <dd data-promo>{l.promos?.length ? l.promos.map((p) => <code key={p.code} class="chip">{p.code}</code>) : l.promo ? <code>{l.promo}</code> : <span class="muted">none issued</span>}</dd>
          </dl>
          <h3>Traits</h3>
          {Object.keys(l.traits).length === 0 ? (
            <p class="muted">No traits yet (they come with identify).</p>
          ) : (
            <dl class="facts" data-traits>
              {Object.entries(l.traits).map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>])}
            </dl>
          )}
        </section>
      </div>
      <section aria-labelledby="events-title" class="card">
        <h2 id="events-title">Recent events</h2>
        {l.recentEvents.length === 0 ? (
          <p class="muted">No events kept.</p>
        ) : (
          <table class="events">
            <TableHead columns={["When", "Event", "Where", "Earned"]} />
            <tbody>
              {l.recentEvents.map((ev) => (
                <EventRow key={ev.id} event={ev} earned={earned.get(ev.id)} />
              ))}
            </tbody>
          </table>
        )}
        <p class="muted">“Earned” is what each rule gave when the event counted; decay has since lowered some of it (see the bars above).</p>
      </section>
      <section aria-labelledby="hooks-title" class="card">
        <h2 id="hooks-title">Webhooks sent</h2>
        {deliveries.error ? <ErrorNote error={deliveries.error} title="Could not load the webhooks sent" /> : deliveries.data ? <Deliveries deliveries={deliveries.data} /> : <Loading what="the webhooks sent" />}
      </section>
      <ConfirmDialog open={confirming} title={`Erase ${who(l)}?`} confirmLabel="Erase everything" onConfirm={onErase} onCancel={() => setConfirming(false)}>
        <p>Everything kept about this person goes: events, score, traits, promo code and the {l.anonymousIds.length} anonymous id(s) merged into it. This cannot be undone. Webhooks already sent stay with their receivers.</p>
      </ConfirmDialog>
    </>
  );
}
