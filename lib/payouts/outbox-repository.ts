import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCall } from '../shared/dynamo';
import type { PageCursor } from '../shared/page-cursor';
import type { PayoutEvent } from './events';
import { OUTBOX_INDEX, OUTBOX_PARTITION_KEYS, outboxPartitionKey } from './keys';
import { type ShardPage, walkShards } from './shard-walk';

/**
 * The parts of an update that commit an event with it: the event appended to the item's
 * outbox, the outbox index keys set, the version moved by one, on condition that the
 * version is still the one the event was built on. So an event exists if and only if its
 * change was committed, and two writers can never give two events one version.
 */
export function eventWrite(event: PayoutEvent, tradeNo: string, at: string) {
  const previous = event.version - 1;
  return {
    sets: [
      '#version = :version',
      'outbox = list_append(if_not_exists(outbox, :noEvents), :events)',
      'outboxPk = :outboxPk',
      'outboxSince = if_not_exists(outboxSince, :outboxSince)',
    ],
    names: { '#version': 'version' },
    values: {
      ':version': event.version,
      ':previousVersion': previous,
      ':noEvents': [],
      ':events': [event],
      ':outboxPk': outboxPartitionKey(tradeNo),
      ':outboxSince': at,
    },
    condition:
      previous === 0
        ? '(attribute_not_exists(#version) OR #version = :previousVersion)'
        : '#version = :previousVersion',
  };
}

/** DynamoDB storage of the payouts' outboxes: the events committed with a change and not yet published. */
export class PayoutOutboxTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The events a payout's outbox holds, oldest version first (strongly consistent). */
  async read(tradeNo: string): Promise<PayoutEvent[]> {
    const { Item } = await storeCall(`Could not read the outbox of payout ${tradeNo}.`, () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          ConsistentRead: true,
          ProjectionExpression: 'outbox',
        }),
      ),
    );
    const events = (Item?.outbox ?? []) as PayoutEvent[];
    return [...events].sort((a, b) => a.version - b.version);
  }

  /**
   * Empties the outbox after its `count` events were published, only if it still holds
   * exactly that many (an event added meanwhile keeps it, to be published next); false then.
   */
  async clear(tradeNo: string, count: number): Promise<boolean> {
    return storeCall(
      `Could not clear the outbox of payout ${tradeNo}.`,
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo },
            UpdateExpression: 'REMOVE outbox, outboxPk, outboxSince',
            ConditionExpression: 'size(outbox) = :count',
            ExpressionAttributeValues: { ':count': count },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  /**
   * Up to `limit` payouts with events waiting since `before` or earlier, each outbox shard
   * (OUTBOX_PARTITION_KEYS) read to its end before the next; the cursor holds the walk's place.
   */
  async list(
    before: string,
    limit: number,
    cursor?: PageCursor,
  ): Promise<{ tradeNos: string[]; cursor?: PageCursor }> {
    const page = await walkShards(OUTBOX_PARTITION_KEYS, limit, cursor, 'depth', (key, wanted, start) =>
      this.shardPage(key, before, wanted, start),
    );
    return { tradeNos: page.items, ...(page.cursor && { cursor: page.cursor }) };
  }

  /** A page of the payouts under one outbox shard's key with events waiting since `before` or earlier. */
  private async shardPage(
    partitionKey: string,
    before: string,
    limit: number,
    start?: Record<string, unknown>,
  ): Promise<ShardPage<string>> {
    const { Items = [], LastEvaluatedKey } = await storeCall(
      'Could not list payouts with unpublished events.',
      () =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: OUTBOX_INDEX,
            KeyConditionExpression: 'outboxPk = :pk AND outboxSince <= :before',
            ExpressionAttributeValues: { ':pk': partitionKey, ':before': before },
            Limit: limit,
            ...(start && { ExclusiveStartKey: start }),
          }),
        ),
    );
    return {
      items: Items.map((i) => String(i.tradeNo)),
      ...(LastEvaluatedKey && { next: LastEvaluatedKey }),
    };
  }
}
