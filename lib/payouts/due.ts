import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { forEachLimit } from '../shared/concurrency';
import { storeCall } from '../shared/dynamo';
import type { PageCursor } from '../shared/page-cursor';
import { DUE_PAYOUTS_INDEX, fromItem, OPEN_PARTITION_KEYS, openPartitionKey } from './keys';
import type { Payout } from './payout';
import { PayoutRepository } from './repository';
import { type ShardPage, walkShards } from './shard-walk';
import type { DueCount, DueIndex, DuePage, DueRef } from './store';

const DUE = 'openPk = :pk AND checkAfter <= :now';
/** Later than any due time: the due index read with it lists every open payout. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';
const OPEN_PAGE = 1000;
const SHARD_CONCURRENCY = 4;

/** DynamoDB reads and claims of the open payouts the reconciler checks (the due-payouts index). */
export class DuePayouts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** A page of the payouts under one shard's `partitionKey` due at `now`, most overdue first. */
  async list(
    partitionKey: string,
    now: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<ShardPage<DueRef>> {
    const { Items = [], LastEvaluatedKey } = await storeCall('Could not list open payouts.', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DUE_PAYOUTS_INDEX,
          KeyConditionExpression: DUE,
          ExpressionAttributeValues: { ':pk': partitionKey, ':now': now },
          Limit: limit,
          ...(cursor && { ExclusiveStartKey: cursor }),
        }),
      ),
    );
    const refs = Items.map((item) => ({
      tradeNo: String(item.tradeNo),
      checkAfter: String(item.checkAfter),
      createdAt: String(item.createdAt),
    }));
    return { items: refs, ...(LastEvaluatedKey && { next: LastEvaluatedKey }) };
  }

  /** Counts the payouts under one shard's `partitionKey` due at `now` (the backlog), reading keys only. */
  async count(partitionKey: string, now: string): Promise<DueCount> {
    return storeCall('Could not count open payouts.', async () => {
      const query = {
        TableName: this.tableName,
        IndexName: DUE_PAYOUTS_INDEX,
        KeyConditionExpression: DUE,
        ExpressionAttributeValues: { ':pk': partitionKey, ':now': now },
      };
      const { Items = [] } = await this.client.send(new QueryCommand({ ...query, Limit: 1 }));
      const oldest = Items[0]?.checkAfter;
      if (oldest === undefined) return { count: 0 };
      let count = 0;
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({ ...query, Select: 'COUNT', ...(cursor && { ExclusiveStartKey: cursor }) }),
        );
        count += page.Count ?? 0;
        cursor = page.LastEvaluatedKey;
      } while (cursor);
      return { count, oldestCheckAfter: String(oldest) };
    });
  }

  /**
   * Claims an open payout for one check by moving its `checkAfter` from the value the index
   * showed to `nextCheckAfter` (and a legacy item to its shard). Returns the payout as stored,
   * or undefined when another run claimed it first, it was closed, or it was rescheduled: two
   * overlapping reconcilers never check the same payout in the same round.
   */
  async claim(ref: DueRef, nextCheckAfter: string): Promise<Payout | undefined> {
    return storeCall(
      `Could not claim payout ${ref.tradeNo} for a check.`,
      async () => {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo: ref.tradeNo },
            UpdateExpression: 'SET checkAfter = :next, openPk = :pk',
            ConditionExpression: 'attribute_exists(openPk) AND checkAfter = :seen',
            ExpressionAttributeValues: {
              ':next': nextCheckAfter,
              ':seen': ref.checkAfter,
              ':pk': openPartitionKey(ref.tradeNo),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? fromItem(Attributes) : undefined;
      },
      () => undefined,
    );
  }
}

/** The payouts table with the due index's reads and claims: what the reconciler and the money in flight use. */
export class DuePayoutRepository extends PayoutRepository implements DueIndex {
  private readonly due: DuePayouts;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    super(client, tableName);
    this.due = new DuePayouts(client, tableName);
  }

  /**
   * Up to `limit` payouts due at `now`, every shard's (OPEN_PARTITION_KEYS, the legacy key last) a
   * page at a time in turn, so that no shard waits behind another; the cursor holds each shard's place.
   */
  async listDue(now: string, limit: number, cursor?: PageCursor): Promise<DuePage> {
    const page = await walkShards(OPEN_PARTITION_KEYS, limit, cursor, 'round', (key, wanted, start) =>
      this.due.list(key, now, wanted, start),
    );
    return { refs: page.items, ...(page.cursor && { cursor: page.cursor }) };
  }

  /** Counts the payouts due at `now` over every shard, and the oldest due time (DuePayouts.count). */
  async countDue(now: string): Promise<DueCount> {
    const counts = await Promise.all(OPEN_PARTITION_KEYS.map((key) => this.due.count(key, now)));
    const oldest = counts
      .map((c) => c.oldestCheckAfter)
      .filter((at): at is string => at !== undefined)
      .sort()[0];
    const count = counts.reduce((sum, c) => sum + c.count, 0);
    return oldest === undefined ? { count } : { count, oldestCheckAfter: oldest };
  }

  /** The tradeNo of every open payout, a few shards at a time (keys only). */
  async listOpen(): Promise<string[]> {
    const tradeNos: string[] = [];
    await forEachLimit(OPEN_PARTITION_KEYS, SHARD_CONCURRENCY, async (partitionKey) => {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.due.list(partitionKey, END_OF_TIME, OPEN_PAGE, start);
        for (const ref of page.items) tradeNos.push(ref.tradeNo);
        start = page.next;
      } while (start);
    });
    return tradeNos;
  }

  /** Claims an open payout for one check; undefined when another run has it (DuePayouts.claim). */
  claimCheck(ref: DueRef, nextCheckAfter: string): Promise<Payout | undefined> {
    return this.due.claim(ref, nextCheckAfter);
  }
}
