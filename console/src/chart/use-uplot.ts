import type { RefObject } from "preact";
import { useEffect } from "preact/hooks";
import uPlot from "uplot";

/**
 * Mounts a uPlot chart in `host` for as long as `deps` hold, sized to the host's width and resized
 * with it; the chart is destroyed when they change or the component goes.
 *
 * @example useUplot(host, (width) => options(series, width), () => [xs, ys], [series], HEIGHT)
 */
export function useUplot(host: RefObject<HTMLDivElement | null>, options: (width: number) => uPlot.Options, data: () => uPlot.AlignedData | null, deps: unknown[], height: number): void {
  useEffect(() => {
    const el = host.current;
    const aligned = data();
    if (!el || !aligned) return;
    const plot = new uPlot(options(el.clientWidth || 600), aligned, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, deps);
}
