/**
 * Where a paged read stopped, as the use cases see it: an opaque string they pass back to read on
 * and never look into. Only the adapter that made one reads it, so no use case learns a table's
 * keys or how an index is sharded (DynamoDB's page key, a shard's partition key).
 */
export type PageCursor = string & { readonly __pageCursor: unique symbol };

/** The cursor that carries `position` (any JSON value), for the adapter that will read it back. */
export function toPageCursor(position: unknown): PageCursor {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url') as PageCursor;
}

/** The position a cursor of toPageCursor carries; the adapter that made it knows its shape. */
export function fromPageCursor<T>(cursor: PageCursor): T {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
}
