/**
 * Runs an async function over items with at most `concurrency` calls in flight; results keep item order.
 * Rejections are captured per item (never thrown), so one failing container does not hide the others.
 */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Maps with bounded concurrency. @throws {RangeError} when concurrency < 1. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<Array<Settled<R>>> {
  if (!(concurrency >= 1)) throw new RangeError(`concurrency must be ≥ 1, got ${concurrency}`);
  const out = new Array<Settled<R>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { ok: true, value: await fn(items[i] as T) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
