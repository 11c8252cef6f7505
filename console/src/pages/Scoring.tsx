import type { Schema } from "@cfworker/json-schema";
import { useEffect, useMemo, useState } from "preact/hooks";
import { halfLifeMs, loadConfig, loadConfigSchema, rollbackConfig, saveConfig, type ConfigWarning, type SavedConfig, type SiteConfig, type StoredConfig } from "../api/config";
import { ApiError, type Issue } from "../api/http";
import { getLead } from "../api/leads";
import { previewImpact, type ImpactPreview } from "../api/rescore";
import { simulate, type JourneyEvent, type SimulateResult } from "../api/simulate";
import { historySeries, timelineToHistory } from "../chart/history-series";
import { ScoreChart } from "../chart/ScoreChart";
import { Badge } from "../components/Badge";
import { TableHead } from "../components/TableHead";
import { ErrorNote, Loading, Notice } from "../components/Notice";
import { ConfigEditor, type LocatedIssue } from "../editor/ConfigEditor";
import { lineOfOffset, offsetOfPath, parseJsonPath, parseWithPositions } from "../editor/json-paths";
import { schemaChecker } from "../editor/schema-issues";
import { dateTime, plural, points, timeOnDay } from "../format";
import { ConfigVersions } from "./ConfigVersions";
import { Impact } from "./Impact";
import { SuggestPanel } from "./SuggestPanel";

const HOUR = 3_600_000;
const FOLLOW_DECAY: Array<[string, number]> = [["not at all", 0], ["1 day", 24 * HOUR], ["7 days", 7 * 24 * HOUR]];

/** Changed leads listed per page of the impact preview. */
const IMPACT_PAGE = 20;

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A journey to start from: a visitor who looks at pricing and directions, adds to the cart and opens the chat. */
function sampleJourney(now = Date.now()): string {
  const minute = Math.floor(now / 60_000) * 60_000;
  const at = (minutesAgo: number) => new Date(minute - minutesAgo * 60_000).toISOString();
  const events: JourneyEvent[] = [
    { name: "page_view", path: "/pricing.html", timestamp: at(30) },
    { name: "page_view", path: "/directions.html", timestamp: at(25) },
    { name: "cart_add", props: { sku: "LUM-BUNDLE-HOME", price: 259 }, timestamp: at(20) },
    { name: "chat_open", timestamp: at(19) },
  ];
  return pretty(events);
}

/**
 * Validates what is typed: JSON syntax first, then the worker's JSON Schema, each at its line; the
 * worker's issues and the last save's warnings are put at the lines their paths point to now.
 */
function located(text: string, check: ((v: unknown) => Issue[]) | null, worker: Issue[], warned: ConfigWarning[]): { value: unknown; issues: LocatedIssue[]; warnings: LocatedIssue[] } {
  const parsed = parseWithPositions(text);
  const at = (path: string) => lineOfOffset(text, offsetOfPath(parsed.tree, parseJsonPath(path)));
  const fromWorker = worker.map((i) => ({ ...i, line: at(i.path), source: "worker" as const }));
  const warnings = warned.map((w) => ({ ...w, line: at(w.path), source: "warning" as const }));
  if (parsed.syntaxErrors.length > 0) {
    return { value: undefined, warnings, issues: parsed.syntaxErrors.map((e) => ({ path: "$", message: `Not valid JSON: ${e.message.toLowerCase()}`, line: lineOfOffset(text, e.offset), source: "editor" as const })) };
  }
  const fromSchema = (check?.(parsed.value) ?? []).map((i) => ({ ...i, line: at(i.path), source: "editor" as const }));
  return { value: parsed.value, issues: [...fromSchema, ...fromWorker], warnings };
}

function TryIt({ site, candidate, config }: { site: string; candidate: unknown; config: SiteConfig }) {
  const [journey, setJourney] = useState(() => sampleJourney());
  const [leadRef, setLeadRef] = useState("");
  const [follow, setFollow] = useState(0);
  const [result, setResult] = useState<SimulateResult | null>(null);
  // What went wrong, titled by what was asked: loading a lead's events or running the journey.
  const [problem, setProblem] = useState<{ title: string; error: Error } | null>(null);
  const [busy, setBusy] = useState(false);

  const loadLead = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    let failed: Error | null = null;
    const lead = await getLead(site, leadRef.trim()).catch((err) => ((failed = err as Error), null));
    if (lead === null) return setProblem({ title: "Could not load the lead's events", error: failed ?? new Error(`No lead “${leadRef.trim()}” on this site`) });
    const events = [...lead.recentEvents].reverse().map((ev) => ({
      name: ev.name,
      timestamp: new Date(ev.ts).toISOString(),
      ...(ev.path ? { path: ev.path } : {}),
      ...(ev.url ? { url: ev.url } : {}),
      ...(ev.referrer ? { referrer: ev.referrer } : {}),
      ...(ev.props ? { props: ev.props } : {}),
      ...(ev.traits ? { traits: ev.traits } : {}),
    }));
    setJourney(pretty(events));
  };
  const run = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const events = JSON.parse(journey) as JourneyEvent[];
      const last = Math.max(...events.map((ev) => new Date(ev.timestamp).getTime()));
      setResult(await simulate(site, events, candidate, follow ? last + follow : undefined));
    } catch (err) {
      setResult(null);
      setProblem({ title: "Could not run the journey", error: err instanceof SyntaxError ? new Error(`The journey is not valid JSON: ${err.message}`) : (err as Error) });
    } finally {
      setBusy(false);
    }
  };

  const labelsSeen = new Set(result?.timeline.map((s) => s.label));
  const model = config.models.find((m) => m.labels.some((l) => labelsSeen.has(l.name))) ?? config.models[0];
  const series = useMemo(() => {
    if (!result || result.timeline.length === 0) return null;
    const bands = (model?.labels ?? []).filter((b): b is { name: string; min: number } => typeof b.min === "number");
    return historySeries(timelineToHistory(result.timeline), bands, { halfLifeMs: halfLifeMs(model) });
  }, [result, model]);

  return (
    <section class="card" aria-labelledby="try-title">
      <h2 id="try-title">Try it</h2>
      <p class="muted">Scores a journey against the config in the editor, saved or not. Nothing is stored and no webhook is sent.</p>
      <form onSubmit={loadLead} class="inline-form">
        <label for="try-lead">A real lead's recent events (e-mail or id)</label>
        <input id="try-lead" value={leadRef} onInput={(e) => setLeadRef((e.target as HTMLInputElement).value)} />
        <button type="submit" class="button">Load events</button>
      </form>
      <form onSubmit={run}>
        <label for="journey">Journey (events as JSON: name, timestamp, and path, props or traits)</label>
        <textarea id="journey" class="journey" rows={10} spellcheck={false} value={journey} onInput={(e) => setJourney((e.target as HTMLTextAreaElement).value)} />
        <div class="inline-form">
          <label for="follow">Follow decay afterwards</label>
          <select id="follow" value={String(follow)} onChange={(e) => setFollow(Number((e.target as HTMLSelectElement).value))}>
            {FOLLOW_DECAY.map(([name, ms]) => (
              <option key={name} value={String(ms)}>
                {name}
              </option>
            ))}
          </select>
          <button type="submit" class="button primary" disabled={busy || candidate === undefined}>
            {busy ? "Scoring…" : "Run"}
          </button>
          {candidate === undefined && <span class="muted">Fix the config's mistakes first.</span>}
        </div>
      </form>
      {problem && <ErrorNote error={problem.error} title={problem.title} />}
      {result && (
        <div data-simulation>
          {series && <ScoreChart series={series} caption="Simulated score over the journey, with the label lines" />}
          <div class="scroll-x">
          <table class="timeline">
            <TableHead columns={["When", "Event", "Score", "Label", "Stage", "Webhooks"]} numeric={["Score"]} />
            <tbody>
              {result.timeline.map((step, i) => (
                <tr key={i} data-step={i}>
                  <td data-col="When">{timeOnDay(step.at, result.timeline[0]!.at)}</td>
                  <td data-col="Event">{step.name ? <code>{step.name}</code> : <span class="muted">decay</span>}</td>
                  <td data-col="Score" class="num" data-score={step.score}>{points(step.score)}</td>
                  <td data-col="Label"><Badge value={step.label} /></td>
                  <td data-col="Stage"><Badge value={step.stage} kind="stage" /></td>
                  <td data-col="Webhooks">{step.changes.map((c) => `${c.type.replace("lead.", "").replace("_changed", "")} ${c.from} → ${c.to}`).join(", ") || "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </div>
      )}
    </section>
  );
}

/** The site's scoring config: edit with live validation, try it on a journey, publish. */
export function Scoring({ site }: { site: string }) {
  const [stored, setStored] = useState<StoredConfig | null>(null);
  const [schema, setSchema] = useState<Schema | null>(null);
  const [text, setText] = useState("");
  const [workerIssues, setWorkerIssues] = useState<Issue[]>([]);
  /** The warnings of the last save or rollback, about the version it made. */
  const [warned, setWarned] = useState<{ version: number; warnings: ConfigWarning[] } | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [saveError, setSaveError] = useState<Error | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  /** The impact of the text `text` (a save publishes only what the operator has seen the impact of), and its page cursors. */
  const [impact, setImpact] = useState<{ text: string; result: ImpactPreview; cursors: string[] } | null>(null);

  useEffect(() => {
    setStored(null);
    Promise.all([loadConfig(site), loadConfigSchema()])
      .then(([config, s]) => {
        setStored(config);
        setSchema(s);
        setText(pretty(config.config));
      })
      .catch(setLoadError);
  }, [site]);

  const check = useMemo(() => (schema ? schemaChecker(schema) : null), [schema]);
  const { value, issues, warnings } = useMemo(() => located(text, check, workerIssues, warned?.warnings ?? []), [text, check, workerIssues, warned]);
  const dirty = stored !== null && text !== pretty(stored.config);
  const editorIssues = issues.filter((i) => i.source === "editor");

  /** Shows what a save or rollback made: the new version in the editor, with its warnings. */
  const published = (next: SavedConfig, what: string) => {
    setStored(next);
    setText(pretty(next.config));
    setWorkerIssues([]);
    setSaveError(null);
    setImpact(null);
    setWarned({ version: next.version, warnings: next.warnings });
    const warnedOf = next.warnings.length > 0 ? ` Saved with ${plural(next.warnings.length, "warning")}: listed under the editor.` : "";
    setSaved(`${what} as version ${next.version}. The next event of every lead is scored with it.${warnedOf}`);
  };
  const rollback = async (version: number) => {
    if (!stored) return;
    setSaved(null);
    published(await rollbackConfig(site, version, stored.etag), `Rolled back to version ${version}: published`);
  };

  const reviewed = impact !== null && impact.text === text;
  /** The first save of a text shows its impact on the real leads; the next one publishes it. */
  const save = async () => {
    if (!stored || value === undefined) return;
    setSaving(true);
    setSaveError(null);
    setSaved(null);
    try {
      if (reviewed) published(await saveConfig(site, value, stored.etag), "Published");
      else setImpact({ text, result: await previewImpact(site, value, { limit: IMPACT_PAGE }), cursors: [] });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) setWorkerIssues(err.issues);
      setSaveError(err as Error);
    } finally {
      setSaving(false);
    }
  };

  const turnPage = async (direction: -1 | 1) => {
    if (!impact) return;
    const cursors = direction === 1 ? [...impact.cursors, impact.result.next!] : impact.cursors.slice(0, -1);
    setSaving(true);
    try {
      const cursor = cursors[cursors.length - 1];
      setImpact({ ...impact, cursors, result: await previewImpact(site, value, { limit: IMPACT_PAGE, ...(cursor ? { cursor } : {}) }) });
    } catch (err) {
      setSaveError(err as Error);
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <ErrorNote error={loadError} title="Could not load the config" />;
  if (!stored) return <Loading what="the config" />;
  return (
    <>
      <h1>Scoring</h1>
      <p class="muted">
        {stored.version === 0 ? "The demo's built-in config: saving it makes it version 1." : `Version ${stored.version}${stored.savedAt ? `, published ${dateTime(stored.savedAt)}` : ""}.`} Rules, bands and
        webhooks are explained in docs/CONFIG.md; the editor checks against the worker's <a href="/config.schema.json">JSON Schema</a> as you type.
      </p>
      <div class="scoring">
        <section class="card" aria-labelledby="config-title">
          <h2 id="config-title">Config</h2>
          <ConfigEditor
            id="config"
            label="Site config (JSON)"
            value={text}
            onInput={(t) => {
              setText(t);
              setSaved(null);
            }}
            issues={issues}
            warnings={warnings}
            warningsNote={warned ? `Version ${warned.version} was saved with ${plural(warned.warnings.length, "warning")}: legal, but most likely not what was meant.` : undefined}
          />
          <div class="actions">
            <button type="button" class="button primary" onClick={save} disabled={saving || !dirty || editorIssues.length > 0}>
              {saving ? (reviewed ? "Publishing…" : "Checking the impact…") : "Save and publish"}
            </button>
            <button type="button" class="button" disabled={!dirty} onClick={() => (setText(pretty(stored.config)), setWorkerIssues([]), setSaveError(null))}>
              Discard changes
            </button>
            {!dirty && <span class="muted">No unsaved changes.</span>}
          </div>
          {reviewed && <Impact site={site} impact={impact.result} page={impact.cursors.length} busy={saving} onPage={turnPage} />}
          {saved && <Notice tone="ok">{saved}</Notice>}
          {saveError && <ErrorNote error={saveError} title="Not saved: the config in force is unchanged" />}
        </section>
        <TryIt site={site} candidate={editorIssues.length === 0 ? value : undefined} config={(value as SiteConfig | undefined)?.models ? (value as SiteConfig) : stored.config} />
      </div>
      <SuggestPanel site={site} config={stored.config} onUse={(candidate) => (setText(pretty(candidate)), setSaved(null), setWorkerIssues([]))} />
      <ConfigVersions site={site} current={stored.version} dirty={dirty} onRollback={rollback} />
    </>
  );
}
