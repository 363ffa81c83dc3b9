import { ValidationError } from '../errors';
import { csvCell } from '../shared/csv';
import { kenyaDate } from '../shared/kenya-time';
import { maskMobile } from '../shared/mask';
import { decodeCursor, encodeCursor } from './cursor';
import type { DayRow, PayoutDayIndex } from './repository';
import { parseDailyReportQuery } from './schema';

/** What the daily report needs: the day index. */
export interface DailyReportDeps {
  days: PayoutDayIndex;
  /** Rows per reply; DAILY_REPORT_MAX_ROWS unless a test wants short pages. */
  maxRows?: number;
}

/** The report's columns, in order: its header row. */
export const DAILY_REPORT_COLUMNS = [
  'tradeNo',
  'createdAt',
  'status',
  'amount',
  'mobile',
  'batchId',
  'serialNumber',
  'platFormTradeNo',
  'payproCode',
  'payproMessage',
  'successTime',
  'flaggedAt',
] as const;

/** The most rows one reply carries; more continue through the `next` link. */
export const DAILY_REPORT_MAX_ROWS = 25_000;
/**
 * The most bytes of CSV one reply carries, JSON-escaped as Lambda returns it: well under
 * Lambda's 6 MB response limit, whatever the rows hold (25,000 short rows are about 5 MB, but
 * long tradeNos, batchIds or Paypro messages could take 25,000 rows past it).
 */
export const DAILY_REPORT_MAX_BYTES = 5_000_000;
// Rows asked of DynamoDB per call and shard: large, since the whole day is read in order.
const PAGE_SIZE = 1_000;

/** One reply of the report: the CSV, and the cursor of the next reply when rows remain. */
export interface DailyReport {
  date: string;
  csv: string;
  nextCursor?: string;
}

function rowOf(row: DayRow): string {
  const p = row.paypro;
  return [
    csvCell(row.tradeNo),
    csvCell(row.createdAt),
    csvCell(row.status),
    csvCell(row.amount),
    csvCell(maskMobile(row.mobile)),
    csvCell(row.batchId),
    csvCell(p.serialNumber),
    csvCell(p.platFormTradeNo),
    csvCell(p.code),
    csvCell(p.message),
    csvCell(p.successTime),
    csvCell(row.flaggedAt),
  ].join(',');
}

/**
 * `GET /admin/reports/daily.csv?date=`: every payout created on that Kenya day (UTC+3), oldest
 * first, with its status and Paypro's references, for reconciliation against Paypro's statement.
 * Read from the `payouts-by-day` index; at most DAILY_REPORT_MAX_ROWS rows (and
 * DAILY_REPORT_MAX_BYTES) a reply, the rest after `nextCursor`.
 */
export async function dailyReport(
  deps: DailyReportDeps,
  rawQuery: Record<string, string | undefined> | null | undefined,
): Promise<DailyReport> {
  const query = parseDailyReportQuery(rawQuery);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after && kenyaDate(after.createdAt) !== query.date) {
    throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this API gave' }]);
  }
  const maxRows = deps.maxRows ?? DAILY_REPORT_MAX_ROWS;
  const lines = [DAILY_REPORT_COLUMNS.join(',')];
  let bytes = lines[0]?.length ?? 0;
  let last: DayRow | undefined;
  let more = false;
  for await (const row of deps.days.rows(query.date, {
    order: 'asc',
    ...(after && { lower: { key: after.daySk, inclusive: false } }),
    pageSize: PAGE_SIZE,
  })) {
    const line = rowOf(row);
    // What the line costs in Lambda's JSON reply: escapes included, plus its \r\n as \\r\\n.
    const cost = Buffer.byteLength(JSON.stringify(line)) + 2;
    if (lines.length - 1 >= maxRows || bytes + cost > DAILY_REPORT_MAX_BYTES) {
      more = true;
      break;
    }
    lines.push(line);
    bytes += cost;
    last = row;
  }
  return {
    date: query.date,
    csv: `${lines.join('\r\n')}\r\n`,
    ...(more && last && { nextCursor: encodeCursor(last) }),
  };
}
