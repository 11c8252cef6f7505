import { useEffect, useRef } from "preact/hooks";

/**
 * Calls `tick` every `intervalMs` while the page is visible, and at once when it becomes visible
 * again. A chain of timeouts rather than an interval: a slow answer never stacks a second request
 * behind it.
 *
 * @example usePoll(() => refresh(), 5000)
 */
export function usePoll(tick: () => Promise<unknown> | void, intervalMs: number): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const schedule = () => {
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    const run = async () => {
      if (document.visibilityState === "hidden") return;
      try {
        await latest.current();
      } finally {
        schedule();
      }
    };
    const onVisible = () => {
      if (document.visibilityState !== "visible") return;
      clearTimeout(timer);
      void run();
    };
    schedule();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [intervalMs]);
}
