import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dayPartitionKeys, PAYOUTS_BY_DAY_INDEX } from '../payouts/keys';
import type { PayoutStatus, PayproDetails } from '../payouts/payout';
import { storeCall } from '../shared/dynamo';

/** A payout as the day index shows it: what a list line and a report row need. */
export interface DayRow {
  tradeNo: string;
  status: PayoutStatus;
  amount: number;
  mobile: string;
  createdAt: string;
  paypro: PayproDetails;
  batchId?: string;
  flaggedAt?: string;
  /** `<createdAt>#<tradeNo>`: the row's place in the index, and what a cursor holds. */
  daySk: string;
}

/** One end of a sort key range. */
export interface Bound {
  key: string;
  inclusive: boolean;
}

/** Which rows of one Kenya day to read, in which order, and which to keep. */
export interface DayScan {
  order: 'asc' | 'desc';
  lower?: Bound;
  upper?: Bound;
  status?: PayoutStatus;
  flagged?: boolean;
  /** Only the payout Paypro knows by this platFormTradeNo. */
  platFormTradeNo?: string;
  /** Only payouts of this amount (whole shillings). */
  amount?: number;
  /** Only payouts that store no platFormTradeNo (Paypro paid them at once, or has not reported yet). */
  withoutPlatFormTradeNo?: boolean;
  /** Rows asked of DynamoDB per call, before the filter. */
  pageSize: number;
}

interface Page {
  rows: DayRow[];
  next?: Record<string, unknown>;
}

// The finds' filters keep few rows of a day: read many per call so a busy day costs few round trips.
const FIND_PAGE_SIZE = 500;

/** Reads the `payouts-by-day` index; SDK errors stop here and become StoreUnavailableError. */
export class PayoutDayIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Every payout created on the Kenya `day` that `scan` selects, in `daySk` order: the day's 16
   * shards merged as they are read, a page of each at a time, so a reader that stops early
   * reads little more than it used.
   */
  async *rows(day: string, scan: DayScan): AsyncGenerator<DayRow> {
    const before = (a: DayRow, b: DayRow) => (scan.order === 'asc' ? a.daySk < b.daySk : a.daySk > b.daySk);
    const shards = dayPartitionKeys(day).map((key) => ({
      key,
      rows: [] as DayRow[],
      at: 0,
      next: undefined as Page['next'],
      done: false,
    }));
    type Shard = (typeof shards)[number];
    const fill = async (shard: Shard) => {
      // A filter can leave a page empty while more rows follow: read on until one is kept.
      while (shard.at >= shard.rows.length && !shard.done) {
        const page = await this.page(shard.key, scan, shard.next);
        shard.rows = page.rows;
        shard.at = 0;
        shard.next = page.next;
        shard.done = page.next === undefined;
      }
    };
    await Promise.all(shards.map(fill));
    for (;;) {
      let best: Shard | undefined;
      for (const shard of shards) {
        const head = shard.rows[shard.at];
        const bestHead = best?.rows[best.at];
        if (head && (!bestHead || before(head, bestHead))) best = shard;
      }
      const row = best?.rows[best.at];
      if (!best || !row) return;
      best.at += 1;
      yield row;
      await fill(best);
    }
  }

  /**
   * The payout Paypro knows by `platFormTradeNo`, created on one of the Kenya `days` (searched in
   * the order given), or undefined. Operators only, and rare: a filtered read of those days'
   * shards rather than an index of its own.
   */
  async findByPlatFormTradeNo(platFormTradeNo: string, days: readonly string[]): Promise<DayRow | undefined> {
    for (const day of days) {
      const scan: DayScan = { order: 'asc', platFormTradeNo, pageSize: FIND_PAGE_SIZE };
      for await (const row of this.rows(day, scan)) return row;
    }
    return undefined;
  }

  /**
   * Up to `limit` payouts created on the Kenya `days` (searched in the order given, latest created
   * first in each, none created at or after `before`) of `amount` and `status` that store no
   * platFormTradeNo: those a receipt may belong to when none carries its reference.
   */
  async findUnreferenced(
    days: readonly string[],
    wanted: { amount: number; status: PayoutStatus; before?: string },
    limit: number,
  ): Promise<DayRow[]> {
    const found: DayRow[] = [];
    const scan: DayScan = {
      order: 'desc',
      ...(wanted.before !== undefined && { upper: { key: wanted.before, inclusive: false } }),
      status: wanted.status,
      amount: wanted.amount,
      withoutPlatFormTradeNo: true,
      pageSize: FIND_PAGE_SIZE,
    };
    for (const day of days) {
      for await (const row of this.rows(day, scan)) {
        found.push(row);
        if (found.length >= limit) return found;
      }
    }
    return found;
  }

  private async page(partitionKey: string, scan: DayScan, start?: Record<string, unknown>): Promise<Page> {
    const range = rangeOf(scan);
    const filter = filterOf(scan);
    const { Items = [], LastEvaluatedKey } = await storeCall('Could not read the payouts of a day.', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: PAYOUTS_BY_DAY_INDEX,
          KeyConditionExpression: `dayPk = :pk${range.condition}`,
          ...(filter.expression && { FilterExpression: filter.expression }),
          ...(filter.names && { ExpressionAttributeNames: filter.names }),
          ExpressionAttributeValues: { ':pk': partitionKey, ...range.values, ...filter.values },
          ScanIndexForward: scan.order === 'asc',
          Limit: scan.pageSize,
          ...(start && { ExclusiveStartKey: start }),
        }),
      ),
    );
    const rows = Items.map(toRow).filter((row) => !range.dropped.includes(row.daySk));
    return { rows, ...(LastEvaluatedKey && { next: LastEvaluatedKey }) };
  }
}

/** The sort key condition of a scan's bounds, and the bound keys the query returns but the scan excludes. */
function rangeOf({ lower, upper }: DayScan): {
  condition: string;
  values: Record<string, string>;
  dropped: string[];
} {
  if (lower && upper) {
    // BETWEEN is inclusive at both ends: an exclusive end is dropped from the page.
    return {
      condition: ' AND daySk BETWEEN :lower AND :upper',
      values: { ':lower': lower.key, ':upper': upper.key },
      dropped: [...(lower.inclusive ? [] : [lower.key]), ...(upper.inclusive ? [] : [upper.key])],
    };
  }
  if (lower) {
    return {
      condition: ` AND daySk ${lower.inclusive ? '>=' : '>'} :lower`,
      values: { ':lower': lower.key },
      dropped: [],
    };
  }
  if (upper) {
    return {
      condition: ` AND daySk ${upper.inclusive ? '<=' : '<'} :upper`,
      values: { ':upper': upper.key },
      dropped: [],
    };
  }
  return { condition: '', values: {}, dropped: [] };
}

/** The filter of a scan's status, flagged and platFormTradeNo selections, if it has any. */
function filterOf(scan: DayScan): {
  expression?: string;
  names?: Record<string, string>;
  values: Record<string, unknown>;
} {
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (scan.status !== undefined) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = scan.status;
  }
  if (scan.flagged !== undefined) {
    filters.push(scan.flagged ? 'attribute_exists(flaggedAt)' : 'attribute_not_exists(flaggedAt)');
  }
  if (scan.platFormTradeNo !== undefined) {
    filters.push('#paypro.#platFormTradeNo = :platFormTradeNo');
    names['#paypro'] = 'paypro';
    names['#platFormTradeNo'] = 'platFormTradeNo';
    values[':platFormTradeNo'] = scan.platFormTradeNo;
  }
  if (scan.amount !== undefined) {
    filters.push('#amount = :amount');
    names['#amount'] = 'amount';
    values[':amount'] = scan.amount;
  }
  if (scan.withoutPlatFormTradeNo) {
    filters.push('attribute_not_exists(#paypro.#platFormTradeNo)');
    names['#paypro'] = 'paypro';
    names['#platFormTradeNo'] = 'platFormTradeNo';
  }
  return {
    ...(filters.length > 0 && { expression: filters.join(' AND ') }),
    ...(Object.keys(names).length > 0 && { names }),
    values,
  };
}

function toRow(item: Record<string, unknown>): DayRow {
  return {
    tradeNo: String(item.tradeNo),
    status: item.status as PayoutStatus,
    amount: Number(item.amount),
    mobile: String(item.mobile),
    createdAt: String(item.createdAt),
    paypro: (item.paypro ?? {}) as PayproDetails,
    ...(typeof item.batchId === 'string' && { batchId: item.batchId }),
    ...(typeof item.flaggedAt === 'string' && { flaggedAt: item.flaggedAt }),
    daySk: String(item.daySk),
  };
}
