import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { loadConfig } from "../api/config";
import { getLead, listLeads, type LeadDetail, type LeadRow } from "../api/leads";
import { Badge } from "../components/Badge";
import { Link } from "../components/Link";
import { TableHead } from "../components/TableHead";
import { ErrorNote, Loading, Notice } from "../components/Notice";
import { ago, points, signedPoints, who } from "../format";
import { useAsync } from "../hooks/use-async";
import { usePoll } from "../hooks/use-poll";
import { href, navigate } from "../router";

/**
 * How often the leads list asks again. Polling, not SSE or a WebSocket: the list is one cheap read
 * of the Site object's index, an operator keeps one tab open, and a push channel would hold a
 * connection to the Site object (or a hibernating WebSocket on it) for a change the index hears of
 * seconds later anyway. Five seconds is "within a few seconds" at one small request each.
 */
export const POLL_MS = 5_000;
const PAGE = 25;
/** Lead pages fetched at once to fill the columns the index does not hold (model, grade, reasons). */
const DETAIL_CONCURRENCY = 4;
const TOP_REASONS = 3;

/** A lead's detail is fetched again only when its index row changed (not as its score decays: that is every poll). */
const rowKey = (row: LeadRow) => `${row.updatedAt}:${row.label}:${row.stage}`;

function useDetails(site: string, rows: LeadRow[]): Map<string, LeadDetail> {
  const cache = useRef(new Map<string, { key: string; detail: LeadDetail }>());
  const [, setVersion] = useState(0);
  useEffect(() => {
    let cancelled = false;
    const stale = rows.filter((r) => cache.current.get(r.leadId)?.key !== rowKey(r));
    const next = async (): Promise<void> => {
      const row = stale.shift();
      if (!row || cancelled) return;
      const detail = await getLead(site, row.leadId).catch(() => null);
      if (detail && !cancelled) {
        cache.current.set(row.leadId, { key: rowKey(row), detail });
        setVersion((v) => v + 1);
      }
      return next();
    };
    void Promise.all(Array.from({ length: DETAIL_CONCURRENCY }, next));
    return () => {
      cancelled = true;
    };
  }, [site, rows]);
  return new Map([...cache.current].map(([id, v]) => [id, v.detail]));
}

/** The filters a leads URL carries (`?label=hot&stage=MQL&model=b2b&q=ada`), so a filtered list can be linked to. */
interface Filters {
  label: string;
  stage: string;
  model: string;
  q: string;
}
const FILTER_KEYS = ["label", "stage", "model", "q"] as const;

function filtersFromUrl(): Filters {
  const params = new URLSearchParams(location.search);
  return { label: params.get("label") ?? "", stage: params.get("stage") ?? "", model: params.get("model") ?? "", q: params.get("q") ?? "" };
}

function filtersToUrl(filters: Filters): void {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  history.replaceState(null, "", params.size > 0 ? `?${params}` : location.pathname);
}

/** Names a filter can choose from: the config's, and any the listed leads carry (an older config's). */
function choices(fromConfig: string[], fromRows: string[]): string[] {
  return [...new Set([...fromConfig, ...fromRows])];
}

/**
 * The site's leads, highest score now first (decay included), a page at a time, updated live: a lead
 * that turns hot shows up within seconds. The first page is asked again every POLL_MS; later pages
 * keep the instant their listing started at (the cursor carries it), so paging on never shows a lead
 * twice, and "First page" shows the newest.
 */
export function Leads({ site }: { site: string }) {
  const [filters, setFilters] = useState(filtersFromUrl);
  const [query, setQuery] = useState(filters.q);
  /** Cursors of the pages before this one's: empty on the first page. */
  const [cursors, setCursors] = useState<string[]>([]);
  const [searchMiss, setSearchMiss] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const config = useAsync(() => loadConfig(site), [site]);
  const cursor = cursors.at(-1);
  const list = useAsync(
    () => listLeads(site, { label: filters.label || undefined, stage: filters.stage || undefined, model: filters.model || undefined, q: filters.q || undefined, limit: PAGE, cursor }),
    [site, filters, cursor],
  );
  usePoll(() => list.reload(), POLL_MS);
  const rows = list.data?.leads ?? [];
  const details = useDetails(site, rows);

  // Which rows changed label since the last answer: marked, and read out by screen readers.
  const previous = useRef(new Map<string, string>());
  const [changed, setChanged] = useState(new Map<string, string>());
  useEffect(() => {
    if (!list.data) return;
    const moved = new Map<string, string>();
    for (const row of list.data.leads) {
      const before = previous.current.get(row.leadId);
      if (previous.current.size > 0 && before !== row.label) moved.set(row.leadId, before ?? "new");
    }
    previous.current = new Map(list.data.leads.map((r) => [r.leadId, r.label]));
    if (moved.size > 0) {
      setChanged(moved);
      const names = list.data.leads.filter((r) => moved.has(r.leadId)).map((r) => `${who(r)} is now ${r.label}`);
      setAnnouncement(names.join(". "));
    }
  }, [list.data]);

  const models = config.data?.config.models ?? [];
  const labels = useMemo(() => choices(models.flatMap((m) => m.labels.map((l) => l.name)), rows.map((r) => r.label)), [config.data, list.data]);
  const stages = useMemo(() => choices(models.flatMap((m) => (m.stages ?? []).map((b) => b.name)), rows.map((r) => r.stage)), [config.data, list.data]);
  const modelIds = useMemo(() => choices(models.map((m) => m.id), rows.map((r) => r.model).filter(Boolean)), [config.data, list.data]);

  const choose = (next: Partial<Filters>) => {
    const merged = { ...filters, ...next };
    setFilters(merged);
    setCursors([]);
    previous.current = new Map();
    filtersToUrl(merged);
  };
  // Find: an exact e-mail or id opens that lead; anything else lists the leads it starts.
  const search = async (e: Event) => {
    e.preventDefault();
    const needle = query.trim();
    setSearchMiss(null);
    if (!needle) return choose({ q: "" });
    const found = await getLead(site, needle);
    if (found) return navigate(href({ page: "lead", site, lead: found.id }));
    choose({ q: needle });
  };
  useEffect(() => {
    if (list.data && filters.q && list.data.leads.length === 0 && cursors.length === 0) setSearchMiss(filters.q);
  }, [list.data, filters.q]);

  const select = (id: string, title: string, key: "label" | "stage" | "model", options: string[], all: string) => (
    <div class="field">
      <label for={id}>{title}</label>
      <select id={id} value={filters[key]} onChange={(e) => choose({ [key]: (e.target as HTMLSelectElement).value })}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <>
      <h1>Leads</h1>
      <div class="toolbar">
        {select("label-filter", "Label", "label", labels, "All labels")}
        {select("stage-filter", "Stage", "stage", stages, "All stages")}
        {select("model-filter", "Model", "model", modelIds, "All models")}
        <form class="field grow" onSubmit={search} role="search">
          <label for="lead-search">Search by e-mail or id</label>
          <div class="input-row">
            <input id="lead-search" type="search" value={query} placeholder="ada@example.com" onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
            <button type="submit" class="button">Find</button>
          </div>
        </form>
      </div>
      <p class="muted">
        Ordered by the score now, decay included. {cursors.length === 0 ? `Refreshes every ${POLL_MS / 1000} s.` : `Page ${cursors.length + 1}, scored as of ${list.data ? ago(list.data.at) : "…"}: the first page shows the newest.`}
      </p>
      <div class="sr-only" aria-live="polite">{announcement}</div>
      {searchMiss && <Notice tone="warn">No lead whose e-mail or id starts with “{searchMiss}” on this site.</Notice>}
      {list.error && <ErrorNote error={list.error} title="Could not load the leads" />}
      {!list.data && !list.error && <Loading what="leads" />}
      {list.data && rows.length === 0 && !searchMiss && <p class="empty">{filters.label ? `No ${filters.label} leads yet.` : "No leads yet."}</p>}
      {rows.length > 0 && (
        <table class="leads" data-leads>
          <TableHead columns={["Who", "Score", "Label", "Stage", "Model", "Grade", "Last seen", "Top reasons"]} numeric={["Score"]} />
          <tbody>
            {rows.map((row) => {
              const d = details.get(row.leadId);
              const reasons = d?.explanation.contributions.filter((c) => c.points > 0).slice(0, TOP_REASONS) ?? [];
              const lastSeen = d?.recentEvents[0]?.ts ?? row.updatedAt;
              return (
                <tr key={row.leadId} data-lead={row.leadId} data-label={row.label} data-score={row.score} class={changed.has(row.leadId) ? "changed" : undefined}>
                  <td data-col="Who">
                    {/* One child: on phones the cell is a grid of its column name and its value. */}
                    <span>
                      <Link href={href({ page: "lead", site, lead: row.leadId })}>{d ? who(d) : who(row)}</Link>
                      {changed.has(row.leadId) && <span class="muted"> · {changed.get(row.leadId) === "new" ? "new in this list" : `was ${changed.get(row.leadId)}`}</span>}
                    </span>
                  </td>
                  <td data-col="Score" class="num">{points(row.score)}</td>
                  <td data-col="Label"><Badge value={row.label} /></td>
                  <td data-col="Stage"><Badge value={row.stage} kind="stage" /></td>
                  <td data-col="Model">{row.model || d?.model || "–"}</td>
                  <td data-col="Grade">{d ? (d.grade ?? "–") : "…"}</td>
                  <td data-col="Last seen"><time dateTime={new Date(lastSeen).toISOString()}>{ago(lastSeen)}</time></td>
                  <td data-col="Top reasons" class="reasons">{d ? reasons.map((c) => `${c.rule} ${signedPoints(c.points)}`).join(", ") || "–" : "…"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {list.data && (cursors.length > 0 || list.data.next) && (
        <nav class="pager" aria-label="Pages of leads">
          <button type="button" class="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
            First page
          </button>{" "}
          <button type="button" class="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous page
          </button>{" "}
          <button type="button" class="button" disabled={!list.data.next} onClick={() => list.data?.next && setCursors((c) => [...c, list.data!.next!])}>
            Next page
          </button>
        </nav>
      )}
    </>
  );
}
