import { useCallback, useEffect, useState } from "preact/hooks";

export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Runs `load` when `deps` change and on `reload()`; keeps the last data while reloading so a
 * refresh does not blank the page.
 *
 * @example const { data, error } = useAsync(() => loadOverview(site), [site])
 */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await run();
      setState({ data, error: undefined, loading: false });
    } catch (error) {
      setState((s) => ({ ...s, error: error as Error, loading: false }));
    }
  }, [run]);
  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: true });
    void reload();
  }, [reload]);
  return { ...state, reload };
}
