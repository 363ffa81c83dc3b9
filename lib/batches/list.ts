import { ValidationError } from '../errors';
import { decimalInteger, decimalIntegerMessage, unknownParameters } from '../handlers/query-string';
import { BATCH_STATUSES, type BatchStatus, type BatchSummary, toSummary } from './batch';
import { listSortKey } from './repository';
import type { BatchStore } from './store';

/** What listing batches needs. */
export interface ListBatchesDeps {
  batches: BatchStore;
}

/** The most batches one page of `GET /admin/payout-batches` lists, and how many without `limit`. */
export const BATCH_LIST_MAX_LIMIT = 100;
export const BATCH_LIST_DEFAULT_LIMIT = 50;

/** A page of batches, newest first; `nextCursor` only when more match. */
export interface BatchListPage {
  batches: BatchSummary[];
  nextCursor?: string;
}

const QUERY_PARAMETERS = ['status', 'limit', 'cursor'];
const CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z#[A-Za-z0-9_-]{1,64}$/;

/** The validated query: one rule for every query string (digits only for numbers, unknown names refused). */
function parseListQuery(query: Record<string, string | undefined> | null | undefined): {
  status?: BatchStatus;
  limit: number;
  before?: string;
} {
  const given = query ?? {};
  const problems = unknownParameters(given, QUERY_PARAMETERS);
  const { status, limit, cursor } = given;
  if (status !== undefined && !BATCH_STATUSES.includes(status as BatchStatus)) {
    problems.push({ field: 'status', message: `must be one of ${BATCH_STATUSES.join(', ')}` });
  }
  const limitValue =
    limit === undefined ? BATCH_LIST_DEFAULT_LIMIT : decimalInteger(limit, 1, BATCH_LIST_MAX_LIMIT);
  if (limitValue === undefined) {
    problems.push({ field: 'limit', message: decimalIntegerMessage(1, BATCH_LIST_MAX_LIMIT) });
  }
  const before = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
  if (before !== undefined && !CURSOR.test(before)) {
    problems.push({ field: 'cursor', message: 'is not a cursor this API gave' });
  }
  if (problems.length > 0 || limitValue === undefined) throw new ValidationError(problems);
  return {
    ...(status !== undefined && { status: status as BatchStatus }),
    limit: limitValue,
    ...(before !== undefined && { before }),
  };
}

/**
 * `GET /admin/payout-batches?status=&limit=&cursor=`: batches newest first, of one status or all,
 * a page at a time, read from the batches' status index (one query per status, merged by time).
 */
export async function listBatches(
  deps: ListBatchesDeps,
  query: Record<string, string | undefined> | null | undefined,
): Promise<BatchListPage> {
  const { status, limit, before } = parseListQuery(query);
  const statuses = status ? [status] : BATCH_STATUSES;
  const pages = await Promise.all(
    statuses.map((s) =>
      deps.batches.listByStatus(s, { limit: limit + 1, ...(before !== undefined && { before }) }),
    ),
  );
  const newestFirst = pages
    .flatMap((page) => page.records)
    .map((record) => ({ record, key: listSortKey(record) }))
    .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  const shown = newestFirst.slice(0, limit);
  const last = shown.at(-1);
  return {
    batches: shown.map(({ record }) => toSummary(record)),
    ...(newestFirst.length > limit && last && { nextCursor: Buffer.from(last.key).toString('base64url') }),
  };
}
