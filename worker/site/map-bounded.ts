/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight, keeping the order; a call
 * that throws answers null in its place, so one failing lead never loses the others' outcomes.
 *
 * @example const outcomes = await mapBounded(leadIds, 16, (id) => leadStub(env, site, id).rescore(4, true))
 */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<Array<R | null>> {
  const out: Array<R | null> = new Array(items.length).fill(null);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        out[i] = await fn(items[i]!);
      } catch {
        out[i] = null;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
