import { useRef } from "preact/hooks";
import uPlot from "uplot";
import { COUNT_STEPS, countAxisWidth } from "./count-axis";
import type { LabelChangesSeries } from "./label-changes-series";
import { useUplot } from "./use-uplot";

const BAND_COLOURS = ["#7c8aa5", "#d08a00", "#c2362b", "#6b46c1", "#2f855a", "#4a5568"];
const HEIGHT = 200;
const DAY_S = 86_400;

function options(series: LabelChangesSeries, width: number): uPlot.Options {
  const bars = uPlot.paths.bars!({ size: [0.7, 24] });
  // Tallest stack first, so each label's own bar is drawn over the ones it stands on.
  const drawn = [...series.labels].reverse();
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: (_u, min, max) => [min - DAY_S / 2, max + DAY_S / 2] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    series: [{}, ...drawn.map((label) => ({ label, paths: bars, fill: BAND_COLOURS[series.labels.indexOf(label) % BAND_COLOURS.length], stroke: "transparent", points: { show: false } }))],
    // Counts of leads: whole-number ticks only, and an axis as wide as its longest label (a fixed
    // width clipped "0.75" on a phone).
    axes: [{ stroke: "#4a5568" }, { stroke: "#4a5568", incrs: COUNT_STEPS, values: (_u, splits) => splits.map((v) => String(v)), size: (_u, values) => countAxisWidth(values) }],
  };
}


/**
 * Label changes per day, stacked by label in band order. The series is on the element as
 * `chartSeries` (tests read the data, not pixels), and a legend names each colour.
 */
export function LabelChangesChart({ series, caption }: { series: LabelChangesSeries; caption: string }) {
  const host = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  const stackedData = () => {
    // Read by tests from the element: the data, not pixels.
    (figure.current as unknown as { chartSeries: LabelChangesSeries }).chartSeries = series;
    return [series.days.map((t) => t / 1000), ...[...series.labels].reverse().map((l) => series.stacked[l]!)] as uPlot.AlignedData;
  };
  useUplot(host, (width) => options(series, width), stackedData, [series], HEIGHT);
  return (
    <figure class="chart" ref={figure} data-chart="label-changes" data-total={series.total}>
      <div ref={host} class="chart-canvas" style={{ minHeight: `${HEIGHT}px` }} role="img" aria-label={caption} />
      <figcaption class="muted">
        {caption}{" "}
        {series.labels.map((label, i) => (
          <span key={label} class="legend-item">
            <span class="legend-swatch" style={{ background: BAND_COLOURS[i % BAND_COLOURS.length] }} /> {label} ({series.counts[label]!.reduce((a, b) => a + b, 0)})
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
