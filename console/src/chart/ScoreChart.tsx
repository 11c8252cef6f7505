import { useRef } from "preact/hooks";
import uPlot from "uplot";
import { dateTime, points } from "../format";
import { scoreAxisRange, timeAxisRange, type ChartSeries } from "./history-series";
import { useUplot } from "./use-uplot";

const BAND_COLOURS = ["#7c8aa5", "#d08a00", "#c2362b", "#6b46c1", "#2f855a"];
const MARKER_COLOURS: Record<string, string> = { label: "#c2362b", stage: "#2b6cb0", disqualified: "#4a5568", webhook: "#2f855a" };
const HEIGHT = 260;

/** Horizontal band lines with their names, drawn under the curve. */
function drawBands(u: uPlot, series: ChartSeries) {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.font = `${11 * uPlot.pxRatio}px system-ui, sans-serif`;
  series.bands.forEach((band, i) => {
    const y = Math.round(u.valToPos(band.min, "y", true));
    if (y < bbox.top || y > bbox.top + bbox.height) return;
    ctx.strokeStyle = BAND_COLOURS[(i + 1) % BAND_COLOURS.length]!;
    ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
    ctx.lineWidth = uPlot.pxRatio;
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillText(`${band.name} ≥ ${points(band.min)}`, bbox.left + 4 * uPlot.pxRatio, y - 4 * uPlot.pxRatio);
  });
  ctx.restore();
}

/** A marker per transition (a dot on the curve and a short tick to the axis) and per webhook sent. */
function drawMarkers(u: uPlot, series: ChartSeries) {
  const { ctx, bbox } = u;
  ctx.save();
  for (const m of series.markers) {
    const x = u.valToPos(m.t / 1000, "x", true);
    const y = u.valToPos(m.score, "y", true);
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.fillStyle = MARKER_COLOURS[m.kind] ?? MARKER_COLOURS.label!;
    ctx.beginPath();
    // A webhook is a small diamond at the top edge, so it never hides the change it reports.
    if (m.kind === "webhook") {
      const r = 4 * uPlot.pxRatio;
      const top = bbox.top + r;
      ctx.moveTo(x, top - r);
      ctx.lineTo(x + r, top);
      ctx.lineTo(x, top + r);
      ctx.lineTo(x - r, top);
      ctx.closePath();
      ctx.fill();
      continue;
    }
    ctx.arc(x, y, 5 * uPlot.pxRatio, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillRect(x - uPlot.pxRatio / 2, bbox.top + bbox.height - 6 * uPlot.pxRatio, uPlot.pxRatio, 6 * uPlot.pxRatio);
  }
  ctx.restore();
}

function options(series: ChartSeries, width: number): uPlot.Options {
  const range = scoreAxisRange(series);
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    // From the samples themselves: for one instant uPlot's own time range runs 86,400 units on, which
    // for a chart in seconds is a thousand days.
    scales: { x: { time: true, range: () => timeAxisRange((series.ts[0] ?? 0) / 1000, (series.ts.at(-1) ?? 0) / 1000) }, y: { range: () => range } },
    // A lone sample draws no line: it is shown as a point.
    series: [{}, { label: "Score", stroke: "#1f4e8c", width: 2, fill: "rgba(31, 78, 140, 0.08)", points: { show: series.ts.length === 1, size: 8 } }],
    axes: [{ stroke: "#4a5568" }, { stroke: "#4a5568", size: 44 }],
    hooks: { drawClear: [(u) => drawBands(u, series)], draw: [(u) => drawMarkers(u, series)] },
  };
}

/**
 * The score over time: the curve (exact at each point, decay between), the band lines and a marker
 * per transition. The same series is on the element as `chartSeries` (tests read the data, not
 * pixels) and below the chart as a list for screen readers.
 */
export function ScoreChart({ series, caption }: { series: ChartSeries; caption: string }) {
  const host = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  useUplot(
    host,
    (width) => options(series, width),
    () => {
      if (series.ts.length === 0) return null;
      (figure.current as unknown as { chartSeries: ChartSeries }).chartSeries = series;
      return [series.ts.map((t) => t / 1000), series.scores];
    },
    [series],
    HEIGHT,
  );
  return (
    <figure class="chart" ref={figure} data-chart data-samples={series.ts.length}>
      <div ref={host} class="chart-canvas" role="img" aria-label={caption} />
      <figcaption class="muted">{caption}</figcaption>
      {series.markers.length > 0 && (
        <details class="chart-data">
          <summary>Changes on this chart</summary>
          <ul>
            {series.markers.map((m) => (
              <li key={`${m.t}-${m.text}`}>
                {dateTime(m.t)}: {m.kind} {m.text}, score {points(m.score)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </figure>
  );
}
