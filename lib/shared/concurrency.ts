/**
 * Runs `work` on every item, at most `width` at a time. On the first error no further item is
 * started, and it throws that error only once every started one has finished, so nothing is still
 * running when the caller reacts (gives back what was taken, retries, answers).
 */
export async function forEachLimit<T>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  if (failure) throw failure.error;
}

/**
 * `forEachLimit` over an async iterator that several workers pull from: each worker takes the
 * next item only when it is free, so a lazily paged source is read no faster than it is worked.
 * Stops taking items once `keepGoing()` is false (what is left stays in the source). Errors of
 * `work` or of the source end it as in `forEachLimit`. An async generator serves one `next()` at
 * a time, so it is safe to share.
 */
export async function pullLimit<T>(
  source: AsyncIterator<T>,
  width: number,
  work: (item: T) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && keepGoing()) {
      try {
        const next = await source.next();
        if (next.done) return;
        await work(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
  if (failure) throw failure.error;
}

/** `forEachLimit` that keeps each item's result, in the items' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  await forEachLimit(items, width, async (item, index) => {
    results[index] = await work(item, index);
  });
  return results;
}

/** Splits a list into consecutive chunks of at most `size`. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
