import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCall } from '../shared/dynamo';
import type { PayoutEvent } from './events';
import { OUTBOX_INDEX, outboxPartitionKey } from './keys';

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

/** One page of payouts with events waiting under one outbox key, and where the next page starts. */
export interface OutboxPage {
  tradeNos: string[];
  cursor?: Record<string, unknown>;
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

  /** A page of the payouts under one outbox key with events waiting since `before` or earlier. */
  async list(
    partitionKey: string,
    before: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<OutboxPage> {
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
            ...(cursor && { ExclusiveStartKey: cursor }),
          }),
        ),
    );
    return {
      tradeNos: Items.map((i) => String(i.tradeNo)),
      ...(LastEvaluatedKey && { cursor: LastEvaluatedKey }),
    };
  }
}
