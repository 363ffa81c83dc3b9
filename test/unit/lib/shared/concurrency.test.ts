import { describe, expect, it } from 'vitest';
import { chunksOf, forEachLimit, mapLimit, pullLimit } from '../../../../lib/shared/concurrency';

/** A unit of work that records how many run at once, and finishes on a later tick. */
function tracked() {
  const seen = { running: 0, most: 0, done: [] as number[] };
  const work = async (item: number) => {
    seen.running += 1;
    seen.most = Math.max(seen.most, seen.running);
    await new Promise((resolve) => setTimeout(resolve, 1));
    seen.running -= 1;
    seen.done.push(item);
  };
  return { seen, work };
}

async function* numbers(count: number, pulled: number[]): AsyncGenerator<number> {
  for (let i = 0; i < count; i += 1) {
    pulled.push(i);
    yield i;
  }
}

describe('forEachLimit', () => {
  it('works every item, never more than the width at once', async () => {
    // Prepare
    const { seen, work } = tracked();

    // Act
    await forEachLimit([0, 1, 2, 3, 4, 5, 6], 3, work);

    // Assess
    expect({ most: seen.most, done: [...seen.done].sort() }).toEqual({
      most: 3,
      done: [0, 1, 2, 3, 4, 5, 6],
    });
  });

  it('starts nothing after a failure and throws it once the started items have finished', async () => {
    // Prepare
    const started: number[] = [];
    let running = 0;

    // Act
    const outcome = forEachLimit([0, 1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      running += 1;
      await new Promise((resolve) => setTimeout(resolve, item === 0 ? 0 : 5));
      running -= 1;
      if (item === 0) throw new Error('item 0 failed');
    });

    // Assess
    await expect(outcome).rejects.toThrow('item 0 failed');
    expect({ started, running }).toEqual({ started: [0, 1], running: 0 });
  });
});

describe('mapLimit', () => {
  it("keeps each result in its item's place", async () => {
    const results = await mapLimit([30, 10, 20], 3, async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms / 10));
      return ms * 2;
    });

    expect(results).toEqual([60, 20, 40]);
  });
});

describe('chunksOf', () => {
  it('splits into consecutive chunks of at most the size', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('pullLimit', () => {
  it('works every item of the source, never more than the width at once', async () => {
    // Prepare
    const { seen, work } = tracked();
    const pulled: number[] = [];

    // Act
    await pullLimit(numbers(9, pulled), 4, work);

    // Assess
    expect({ most: seen.most, done: [...seen.done].sort(), pulled }).toEqual({
      most: 4,
      done: [0, 1, 2, 3, 4, 5, 6, 7, 8],
      pulled: [0, 1, 2, 3, 4, 5, 6, 7, 8],
    });
  });

  it('pulls an item only when a worker is free, and none once told to stop', async () => {
    // Prepare
    const pulled: number[] = [];
    const done: number[] = [];

    // Act
    await pullLimit(
      numbers(100, pulled),
      2,
      async (item) => {
        done.push(item);
      },
      () => done.length < 5,
    );

    // Assess: the two workers pulled at most one item each beyond the fifth.
    expect({ done: done.slice(0, 5), pulledAtMost: pulled.length <= 6 }).toEqual({
      done: [0, 1, 2, 3, 4],
      pulledAtMost: true,
    });
  });

  it("throws the source's error once the started items have finished", async () => {
    // Prepare
    let running = 0;
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw new Error('page failed');
    }

    // Act
    const outcome = pullLimit(failing(), 2, async () => {
      running += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    });

    // Assess
    await expect(outcome).rejects.toThrow('page failed');
    expect(running).toBe(0);
  });
});
