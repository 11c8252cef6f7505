// The site-index pass: how many index updates one Site object absorbs per second on this machine, next
// to a baseline object that writes one plain row per entry (same Worker, same batching, same run), and
// how long a page of the listing by the score now takes at 100,000 leads (bench/site-index/).

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const LABELS = [
  { name: "hot", min: 60 },
  { name: "warm", min: 30 },
  { name: "cold", min: Number.NEGATIVE_INFINITY },
];

/** A small seeded generator: the same leads every run. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * A synthetic lead's index entry at `now`: behaviour points halving weekly (a fifth of leads also carry
 * points of a day-long half-life), a third with fit points that never decay, a third identified, last
 * updated up to 30 days ago, so the listing by the score now differs from the order of the stored scores.
 */
export function syntheticEntry(i, now, rand) {
  const t0 = Math.round(now - rand() * 30 * DAY);
  const weekly = 1 + rand() * 120;
  const d = [[WEEK, Math.log2(weekly) + t0 / WEEK]];
  let score = weekly;
  if (rand() < 0.2) {
    const daily = 1 + rand() * 40;
    d.unshift([DAY, Math.log2(daily) + t0 / DAY]);
    score += daily;
  }
  const b = rand() < 0.33 ? [10, 20, 40][Math.floor(rand() * 3)] : 0;
  score = Math.round((score + b) * 100) / 100;
  const label = LABELS.find((l) => score >= l.min).name;
  return {
    leadId: `a_${i.toString(16).padStart(32, "0")}`,
    userId: rand() < 0.33 ? `user${i}@example.com` : null,
    score,
    label,
    stage: score >= 50 ? "MQL" : "lead",
    model: "shop",
    curve: { b, d, s: [], lo: 0, hi: null },
    updatedAt: t0,
  };
}

async function pool(items, concurrency, run) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await run(items[next++]);
  }));
}

async function post(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok && res.status !== 204) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Runs the pass against a started bench/site-index Worker at `url`.
 *
 * @example const figures = await measureSiteIndex({ url, leads: 100_000, updates: 4_000, concurrency: 8 })
 */
export async function measureSiteIndex({ url, leads, updates, concurrency, log }) {
  const now = Date.now();
  const rand = random(7);
  const entries = Array.from({ length: leads }, (_, i) => syntheticEntry(i, now, rand));
  // Fill both indexes (unmeasured for throughput; its rate is reported as the bulk figure).
  const FILL_BATCH = 500;
  const chunks = [];
  for (let i = 0; i < entries.length; i += FILL_BATCH) chunks.push(entries.slice(i, i + FILL_BATCH));
  const fill = {};
  for (const kind of ["site", "plain"]) {
    const started = performance.now();
    await pool(chunks, 2, (chunk) => post(`${url}/upsert/${kind}/bench`, chunk));
    fill[kind] = { entries: leads, perSecond: leads / ((performance.now() - started) / 1000) };
  }
  log?.(`site index: filled ${leads} leads (site ${Math.round(fill.site.perSecond)}/s, plain ${Math.round(fill.plain.perSecond)}/s in batches of ${FILL_BATCH})`);

  // Updates to existing leads: a new instant and a new curve, as a label change sends. Both objects
  // are warmed up first (unmeasured), so neither pays for compiling the code path.
  const warm = Array.from({ length: 200 }, () => [{ ...syntheticEntry(Math.floor(rand() * leads), now, rand), updatedAt: now }]);
  for (const kind of ["plain", "site"]) await pool(warm, concurrency, (p) => post(`${url}/upsert/${kind}/bench`, p));
  const throughput = [];
  for (const batch of [1, 25]) {
    const requests = Math.max(1, Math.round(updates / batch));
    const payloads = Array.from({ length: requests }, (_, r) =>
      Array.from({ length: batch }, (_, j) => ({ ...syntheticEntry(Math.floor(rand() * leads), now, rand), updatedAt: now + r * batch + j })),
    );
    const row = { batch, requests, entries: requests * batch };
    for (const kind of ["plain", "site"]) {
      const started = performance.now();
      await pool(payloads, concurrency, (p) => post(`${url}/upsert/${kind}/bench`, p));
      row[kind] = (requests * batch) / ((performance.now() - started) / 1000);
    }
    row.ratio = row.site / row.plain;
    throughput.push(row);
    log?.(`site index: ${batch} entr${batch === 1 ? "y" : "ies"}/request: ${Math.round(row.site)} updates/s (baseline ${Math.round(row.plain)}/s, ${row.ratio.toFixed(2)}×)`);
  }

  // Pages of the listing by the score now, at one instant.
  const at = Date.now();
  const list = (query) => post(`${url}/list/bench`, { limit: 50, at, ...query });
  const timed = async (name, query, repeats = 9) => {
    const ms = [];
    let page = null;
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      page = await list(await query());
      ms.push(performance.now() - started);
    }
    return { name, p50Ms: median(ms), maxMs: Math.max(...ms), rowsScanned: page.rowsScanned, rows: page.leads.length };
  };
  /** The query for page `n` (1-based): the first page's cursor walked on. */
  const pageQuery = async (n, filters = {}) => {
    let after;
    for (let i = 1; i < n; i++) {
      const page = await list({ ...filters, ...(after ? { after } : {}) });
      const last = page.leads.at(-1);
      after = { score: last.score, leadId: last.leadId };
    }
    return { ...filters, ...(after ? { after } : {}) };
  };
  const page2 = await pageQuery(2);
  const page20 = await pageQuery(20);
  const page200 = await pageQuery(200);
  const pages = [
    await timed("first page", () => ({})),
    await timed("page 2", () => page2),
    await timed("page 20", () => page20),
    await timed("page 200", () => page200, 3),
    await timed("label=hot, first page", () => ({ label: "hot" })),
    await timed("label=cold, first page", () => ({ label: "cold" }), 3),
    await timed("q=user12 (prefix search)", () => ({ q: "user12" }), 3),
  ];
  for (const p of pages) log?.(`site index: ${p.name}: p50 ${p.p50Ms.toFixed(1)} ms, ${p.rowsScanned} rows read`);
  return { leads, updatesPerRun: updates, concurrency, fill, throughput, pages, at };
}
