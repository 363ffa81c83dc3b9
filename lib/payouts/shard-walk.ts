import { fromPageCursor, type PageCursor, toPageCursor } from '../shared/page-cursor';

/*
 * A read of a sharded index (keys.ts: one partition key per shard) as one list: the adapters
 * read it a shard's page at a time and hand the use cases one opaque cursor for the whole walk.
 */

/** What one Query of one shard returned, and where that shard's next page starts (LastEvaluatedKey). */
export interface ShardPage<T> {
  items: T[];
  next?: Record<string, unknown>;
}

/** Up to a limit of the walk's items, and the cursor that goes on (absent once every shard is read). */
export interface WalkPage<T> {
  items: T[];
  cursor?: PageCursor;
}

/**
 * `round`: a shard's next page goes behind the other shards', so no shard waits behind another
 * (the reconciler). `depth`: a shard is read to its end before the next (the outbox sweep).
 */
export type WalkOrder = 'round' | 'depth';

/** The shards still to read, in order, each with where its next page starts (none: from the top). */
type Position = Array<[partitionKey: string, start?: Record<string, unknown>]>;

/**
 * Reads up to `limit` items of the shards `partitionKeys` from where `cursor` left the walk,
 * a page of one shard at a time (`readPage` with what is still wanted). Each shard is read
 * through DynamoDB's own cursor, so an item is given once however pages and shards fall; fewer
 * than `limit` with a cursor can come back, and the caller reads on while there is a cursor.
 */
export async function walkShards<T>(
  partitionKeys: readonly string[],
  limit: number,
  cursor: PageCursor | undefined,
  order: WalkOrder,
  readPage: (partitionKey: string, limit: number, start?: Record<string, unknown>) => Promise<ShardPage<T>>,
): Promise<WalkPage<T>> {
  const left: Position = cursor ? fromPageCursor<Position>(cursor) : partitionKeys.map((key) => [key]);
  const items: T[] = [];
  for (let shard = left.shift(); shard !== undefined; shard = left.shift()) {
    const [partitionKey, start] = shard;
    const page = await readPage(partitionKey, limit - items.length, start);
    items.push(...page.items);
    if (page.next) {
      if (order === 'round') left.push([partitionKey, page.next]);
      else left.unshift([partitionKey, page.next]);
    }
    if (items.length >= limit) break;
  }
  return { items, ...(left.length > 0 && { cursor: toPageCursor(left) }) };
}
