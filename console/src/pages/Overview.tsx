import { listLeads } from "../api/leads";
import { loadOverview } from "../api/overview";
import { loadLabelChanges, loadReport, type ModelReport } from "../api/report";
import { LabelChangesChart } from "../chart/LabelChangesChart";
import { labelChangesSeries } from "../chart/label-changes-series";
import { ConversionByBand } from "../components/ConversionByBand";
import { Badge } from "../components/Badge";
import { Link } from "../components/Link";
import { ErrorNote, Loading } from "../components/Notice";
import { ago, dateTime, points } from "../format";
import { useAsync } from "../hooks/use-async";
import { usePoll } from "../hooks/use-poll";
import { href } from "../router";
const HOTTEST = 5;
/** Counts per label are a heavier read than the leads list (a count per label): twice a minute is plenty. */
const OVERVIEW_POLL_MS = 30_000;
/** Days of label changes the overview charts. */
const CHANGE_DAYS = 30;

/** Each model's conversion by band that has figures; the first model's reason when none has. */
function ConversionByModel({ reports }: { reports: ModelReport[] }) {
  const measured = reports.filter((r) => r.status === "ok");
  if (measured.length === 0) return reports[0] ? <ConversionByBand report={reports[0]} /> : null;
  return <>{measured.map((r) => <ConversionByBand key={r.model} report={r} />)}</>;
}

/** The site at a glance: leads per label now (from the index), the hottest leads, webhook health, config version. */
export function Overview({ site }: { site: string }) {
  const overview = useAsync(() => loadOverview(site), [site]);
  const hottest = useAsync(async () => (await listLeads(site, { limit: HOTTEST })).leads, [site]);
  const changes = useAsync(() => loadLabelChanges(site, CHANGE_DAYS), [site]);
  // One report per model: a site's leads may all sit in one model while another has none yet.
  const reports = useAsync(async () => Promise.all(((await loadOverview(site)).config.models).map((m) => loadReport(site, m.id))), [site]);
  usePoll(() => Promise.all([overview.reload(), hottest.reload(), changes.reload(), reports.reload()]), OVERVIEW_POLL_MS);
  if (overview.error) return <ErrorNote error={overview.error} title="Could not load the overview" />;
  const data = overview.data;
  if (!data) return <Loading what="the overview" />;
  const total = data.labels.reduce((a, l) => a + l.leads, 0);
  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="labels-title">
        <h2 id="labels-title">Leads per label now</h2>
        <ul class="tiles">
          {data.labels.map((l) => (
            <li key={l.label} class="tile" data-label-count={l.label}>
              <Link href={`${href({ page: "leads", site })}?label=${encodeURIComponent(l.label)}`}>
                <Badge value={l.label} />
                <span class="tile-number">
                  {l.leads}
                  {l.atLeast ? "+" : ""}
                </span>
                <span class="muted">{total > 0 ? `${Math.round((100 * l.leads) / total)} %` : "no leads yet"}</span>
              </Link>
            </li>
          ))}
        </ul>
        <p class="muted">From the site's lead index, which lists every lead with history (anonymous visitors included) from its first scored event.</p>
      </section>
      <div class="columns">
        <section aria-labelledby="changes-title" class="card">
          <h2 id="changes-title">Label changes per day</h2>
          {changes.error && <ErrorNote error={changes.error} />}
          {changes.data && (
            <LabelChangesChart
              series={labelChangesSeries(changes.data, [...new Set(data.config.models.flatMap((m) => m.labels))])}
              caption={`Leads that moved into each label, per day (UTC), over the last ${CHANGE_DAYS} days:`}
            />
          )}
        </section>
        <section aria-labelledby="conversion-title" class="card">
          <h2 id="conversion-title">Conversion by band</h2>
          {reports.error && <ErrorNote error={reports.error} />}
          {reports.data && <ConversionByModel reports={reports.data} />}
          <p class="muted">From the model report (leads first seen in the last 90 days whose horizon has closed); docs/MEASURING.md explains each figure.</p>
        </section>
      </div>
      <div class="columns">
        <section aria-labelledby="hot-title" class="card">
          <h2 id="hot-title">Highest scores</h2>
          {hottest.error && <ErrorNote error={hottest.error} />}
          {hottest.data && hottest.data.length === 0 && <p class="muted">No leads yet. Open the snippet's page in a browser and they appear here.</p>}
          <ol class="plain-list">
            {hottest.data?.map((lead) => (
              <li key={lead.leadId}>
                <Link href={href({ page: "lead", site, lead: lead.leadId })}>{lead.userId ?? `anonymous ${lead.leadId.slice(0, 10)}…`}</Link> <Badge value={lead.label} /> <span class="muted">{points(lead.score)} · {ago(lead.updatedAt)}</span>
              </li>
            ))}
          </ol>
          <Link href={href({ page: "leads", site })}>All leads</Link>
        </section>
        <section aria-labelledby="hooks-title" class="card">
          <h2 id="hooks-title">Webhooks</h2>
          <dl class="facts">
            <dt>Endpoints</dt>
            <dd>{data.endpoints.total}</dd>
            <dt>Disabled (410 Gone)</dt>
            <dd data-overview="disabled">{data.endpoints.disabled}</dd>
            <dt>Dead letters</dt>
            <dd data-overview="dead-letters">
              {data.endpoints.deadLetters}
              {data.endpoints.deadLettersAtLeast ? "+" : ""}
            </dd>
          </dl>
          <Link href={href({ page: "webhooks", site })}>Webhooks</Link>
        </section>
        <section aria-labelledby="config-title" class="card">
          <h2 id="config-title">Scoring</h2>
          <dl class="facts">
            <dt>Config version</dt>
            <dd>{data.config.version === 0 ? "the demo's built-in config (not saved yet)" : data.config.version}</dd>
            <dt>Published</dt>
            <dd>{data.config.updatedAt ? dateTime(data.config.updatedAt) : "never"}</dd>
            <dt>Models</dt>
            <dd>{data.config.models.map((m) => `${m.id} (${m.labels.join(" / ")})`).join(", ")}</dd>
          </dl>
          <Link href={href({ page: "scoring", site })}>Edit the rules</Link>
        </section>
      </div>
    </>
  );
}
