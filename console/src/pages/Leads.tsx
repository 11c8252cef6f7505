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
const MAX_LIMIT = 500;
/** Lead pages fetched at once to fill the columns the index does not hold (model, grade, reasons). */
const DETAIL_CONCURRENCY = 4;
const TOP_REASONS = 3;

/** A lead's detail is fetched again only when its index row changed. */
const rowKey = (row: LeadRow) => `${row.updatedAt}:${row.score}:${row.label}:${row.stage}`;

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

function labelFromUrl(): string {
  return new URLSearchParams(location.search).get("label") ?? "";
}

/** The site's leads, highest score first, updated live: a lead that turns hot shows up within seconds. */
export function Leads({ site }: { site: string }) {
  const [label, setLabel] = useState(labelFromUrl);
  const [limit, setLimit] = useState(PAGE);
  const [query, setQuery] = useState("");
  const [searchMiss, setSearchMiss] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const config = useAsync(() => loadConfig(site), [site]);
  const list = useAsync(() => listLeads(site, { label: label || undefined, limit }), [site, label, limit]);
  usePoll(() => list.reload(), POLL_MS);
  const rows = list.data ?? [];
  const details = useDetails(site, rows);

  // Which rows changed label since the last answer: marked, and read out by screen readers.
  const previous = useRef(new Map<string, string>());
  const [changed, setChanged] = useState(new Map<string, string>());
  useEffect(() => {
    if (!list.data) return;
    const moved = new Map<string, string>();
    for (const row of list.data) {
      const before = previous.current.get(row.leadId);
      if (previous.current.size > 0 && before !== row.label) moved.set(row.leadId, before ?? "new");
    }
    previous.current = new Map(list.data.map((r) => [r.leadId, r.label]));
    if (moved.size > 0) {
      setChanged(moved);
      const names = list.data.filter((r) => moved.has(r.leadId)).map((r) => `${who(r)} is now ${r.label}`);
      setAnnouncement(names.join(". "));
    }
  }, [list.data]);

  const labels = useMemo(() => [...new Set(config.data?.config.models.flatMap((m) => m.labels.map((l) => l.name)) ?? [])], [config.data]);
  const needle = query.trim().toLowerCase();
  const shown = needle
    ? rows.filter((r) => [r.leadId, r.userId ?? "", ...(details.get(r.leadId)?.anonymousIds ?? [])].some((s) => s.toLowerCase().includes(needle)))
    : rows;

  const search = async (e: Event) => {
    e.preventDefault();
    if (!needle) return;
    setSearchMiss(null);
    const found = await getLead(site, query.trim());
    if (found) navigate(href({ page: "lead", site, lead: found.id }));
    else setSearchMiss(query.trim());
  };
  const chooseLabel = (value: string) => {
    setLabel(value);
    setLimit(PAGE);
    previous.current = new Map();
    history.replaceState(null, "", value ? `?label=${encodeURIComponent(value)}` : location.pathname);
  };

  return (
    <>
      <h1>Leads</h1>
      <div class="toolbar">
        <div class="field">
          <label for="label-filter">Label</label>
          <select id="label-filter" value={label} onChange={(e) => chooseLabel((e.target as HTMLSelectElement).value)}>
            <option value="">All labels</option>
            {labels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <form class="field grow" onSubmit={search} role="search">
          <label for="lead-search">Search by e-mail or id</label>
          <div class="input-row">
            <input id="lead-search" type="search" value={query} placeholder="ada@example.com" onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
            <button type="submit" class="button">Find</button>
          </div>
        </form>
      </div>
      <p class="muted">
        Ordered by the score at each lead's last index update; the score column is the score now, decay included. Refreshes every {POLL_MS / 1000} s.
      </p>
      <div class="sr-only" aria-live="polite">{announcement}</div>
      {searchMiss && <Notice tone="warn">No lead with the e-mail or id “{searchMiss}” on this site.</Notice>}
      {list.error && <ErrorNote error={list.error} title="Could not load the leads" />}
      {!list.data && !list.error && <Loading what="leads" />}
      {list.data && shown.length === 0 && <p class="empty">{needle ? "No lead shown here matches; press Find to look the id up." : label ? `No ${label} leads yet.` : "No leads yet."}</p>}
      {shown.length > 0 && (
        <table class="leads" data-leads>
          <TableHead columns={["Who", "Score", "Label", "Stage", "Model", "Grade", "Last seen", "Top reasons"]} numeric={["Score"]} />
          <tbody>
            {shown.map((row) => {
              const d = details.get(row.leadId);
              const reasons = d?.explanation.contributions.filter((c) => c.points > 0).slice(0, TOP_REASONS) ?? [];
              const lastSeen = d?.recentEvents[0]?.ts ?? row.updatedAt;
              return (
                <tr key={row.leadId} data-lead={row.leadId} data-label={row.label} class={changed.has(row.leadId) ? "changed" : undefined}>
                  <td data-col="Who">
                    {/* One child: on phones the cell is a grid of its column name and its value. */}
                    <span>
                      <Link href={href({ page: "lead", site, lead: row.leadId })}>{d ? who(d) : who(row)}</Link>
                      {changed.has(row.leadId) && <span class="muted"> · {changed.get(row.leadId) === "new" ? "new in this list" : `was ${changed.get(row.leadId)}`}</span>}
                    </span>
                  </td>
                  <td data-col="Score" class="num">{points(d?.score ?? row.score)}</td>
                  <td data-col="Label"><Badge value={row.label} /></td>
                  <td data-col="Stage"><Badge value={row.stage} kind="stage" /></td>
                  <td data-col="Model">{d?.model ?? "…"}</td>
                  <td data-col="Grade">{d ? (d.grade ?? "–") : "…"}</td>
                  <td data-col="Last seen"><time dateTime={new Date(lastSeen).toISOString()}>{ago(lastSeen)}</time></td>
                  <td data-col="Top reasons" class="reasons">{d ? reasons.map((c) => `${c.rule} ${signedPoints(c.points)}`).join(", ") || "–" : "…"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {list.data && rows.length >= limit && limit < MAX_LIMIT && (
        <p>
          <button type="button" class="button" onClick={() => setLimit((l) => Math.min(MAX_LIMIT, l + PAGE))}>
            Show {PAGE} more
          </button>{" "}
          <span class="muted">Showing {rows.length}.</span>
        </p>
      )}
    </>
  );
}
