import { type FieldProblem, ValidationError } from '../errors';
import { kenyaDate, kenyaDayStart } from '../shared/kenya-time';
import { maskMobile } from '../shared/mask';
import { decodeListCursor, encodeListCursor, type ListParameters } from './cursor';
import type { DayRow, DayScan, PayoutDayIndex } from './repository';
import { type AdminListQuery, parseAdminListQuery } from './schema';

/** What listing needs: the day index and the clock (for the default `to`). */
export interface ListPayoutsDeps {
  days: PayoutDayIndex;
  now: () => Date;
}

/** One payout in the operator's list: its day index row without the sort key, the mobile masked. */
export type AdminPayoutLine = Omit<DayRow, 'daySk'>;

/** A page of the list, newest first; `nextCursor` only when more payouts match. */
export interface AdminPayoutPage {
  payouts: AdminPayoutLine[];
  nextCursor?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest span one listing may cover, so a page never walks more than 32 days of shards. */
export const MAX_LIST_SPAN_DAYS = 31;
/** Without `from`, the list covers `to`'s Kenya day and the 6 before it: a week. */
const DEFAULT_SPAN_DAYS = 7;
// With a filter DynamoDB's Limit counts rows before the filter: read more per call so a rare
// status does not cost one round trip per handful of rows.
const FILTERED_PAGE_SIZE = 200;

/** The Kenya day `n` days after `day` (before, when negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

const isDay = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text);

// The instants whose Kenya day has a four-digit year: the day arithmetic below holds for them.
const EARLIEST = kenyaDayStart('0001-01-01');
const LATEST = new Date(Date.parse(kenyaDayStart('9999-12-31')) + DAY_MS - 1).toISOString();
const OUT_OF_CALENDAR = 'must be between 0001-01-01 and 9999-12-31, Kenya time';

/** A sent `from` or `to` as a UTC ISO instant: a day means its first (`from`) or last (`to`) instant, Kenya time. */
function instantOf(text: string, end: 'from' | 'to'): string | undefined {
  const ms = isDay(text)
    ? Date.parse(kenyaDayStart(text)) + (end === 'from' ? 0 : DAY_MS - 1)
    : Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return iso >= EARLIEST && iso <= LATEST ? iso : undefined;
}

/**
 * The range's ends as UTC ISO instants, both inclusive; 400 naming `from` or `to` when it is not
 * a range. A problem is named by what the caller sent: a `from` derived from `to` is never blamed.
 */
function resolveRange(query: AdminListQuery, now: Date): { from: string; to: string } {
  const problems: FieldProblem[] = [];
  const to = query.to === undefined ? now.toISOString() : instantOf(query.to, 'to');
  if (to === undefined) problems.push({ field: 'to', message: OUT_OF_CALENDAR });
  const from = query.from === undefined ? undefined : instantOf(query.from, 'from');
  if (query.from !== undefined && from === undefined)
    problems.push({ field: 'from', message: OUT_OF_CALENDAR });
  if (problems.length > 0 || to === undefined) throw new ValidationError(problems);
  if (from === undefined) {
    // Without from, a week up to to: never after it, never too long.
    return { from: kenyaDayStart(addDays(kenyaDate(to), 1 - DEFAULT_SPAN_DAYS)), to };
  }
  const toIs = query.to === undefined ? 'now (to, when not given)' : 'to';
  if (from > to) problems.push({ field: 'from', message: `must not be after ${toIs}` });
  else if (Date.parse(to) - Date.parse(from) > MAX_LIST_SPAN_DAYS * DAY_MS) {
    problems.push({ field: 'from', message: `must be at most ${MAX_LIST_SPAN_DAYS} days before ${toIs}` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { from, to };
}

function lineOf(row: DayRow): AdminPayoutLine {
  return {
    tradeNo: row.tradeNo,
    status: row.status,
    amount: row.amount,
    mobile: maskMobile(row.mobile),
    createdAt: row.createdAt,
    paypro: row.paypro,
    ...(row.batchId !== undefined && { batchId: row.batchId }),
    ...(row.flaggedAt !== undefined && { flaggedAt: row.flaggedAt }),
  };
}

/**
 * `GET /admin/payouts`: payouts created between `from` and `to`, newest first, optionally only
 * one status or only flagged (or unflagged) ones, a page at a time. Reads the `payouts-by-day`
 * index day by day (never the table), one more row than the page to know whether more follow.
 */
export async function listPayouts(
  deps: ListPayoutsDeps,
  queryParameters: Record<string, string | undefined> | null | undefined,
): Promise<AdminPayoutPage> {
  const query = parseAdminListQuery(queryParameters);
  const parameters: ListParameters = {
    status: query.status,
    flagged: query.flagged,
    from: query.from,
    to: query.to,
  };
  // A later page keeps the range its first page resolved: re-resolving the default `from`
  // against the clock would move it a day once 21:00 UTC passes, and lose that day's payouts.
  const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor, parameters);
  const { from, to } = after ?? resolveRange(query, deps.now());
  const rows = await newestRows(
    deps,
    scanOf(query, from, to, after),
    from,
    after?.createdAt ?? to,
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    payouts: page.map(lineOf),
    ...(rows.length > query.limit &&
      last && { nextCursor: encodeListCursor({ daySk: last.daySk, from, to }, parameters) }),
  };
}

/** The day index scan of a page: newest first, from `from` to `to` or to where the previous page stopped. */
function scanOf(
  query: AdminListQuery,
  from: string,
  to: string,
  after: { daySk: string } | undefined,
): DayScan {
  // '$' sorts right after '#': every `<to>#<tradeNo>` is below `<to>$`.
  const upper = after ? { key: after.daySk, inclusive: false } : { key: `${to}$`, inclusive: true };
  const filtered = query.status !== undefined || query.flagged !== undefined;
  return {
    order: 'desc',
    lower: { key: from, inclusive: true },
    upper,
    ...(query.status !== undefined && { status: query.status }),
    ...(query.flagged !== undefined && { flagged: query.flagged === 'true' }),
    pageSize: filtered ? Math.max(FILTERED_PAGE_SIZE, query.limit + 1) : query.limit + 1,
  };
}

/** Up to `count` rows the scan selects, newest first, reading day by day from `newest`'s Kenya day back to `from`'s. */
async function newestRows(
  deps: ListPayoutsDeps,
  scan: DayScan,
  from: string,
  newest: string,
  count: number,
): Promise<DayRow[]> {
  const rows: DayRow[] = [];
  const lastDay = kenyaDate(from);
  for (let day = kenyaDate(newest); day >= lastDay && rows.length < count; day = addDays(day, -1)) {
    for await (const row of deps.days.rows(day, scan)) {
      rows.push(row);
      if (rows.length >= count) break;
    }
  }
  return rows;
}
