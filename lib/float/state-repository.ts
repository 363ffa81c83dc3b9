import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCall } from '../shared/dynamo';
import { FLOAT_STATE_KEY, writeCheckRequest } from './check-request-write';
import type { FloatEvent } from './events';
import type { FloatCheckRecord, FloatState, FloatStateStore } from './state';

export { FLOAT_STATE_KEY } from './check-request-write';

/**
 * The float monitor's state as one item of the `payout-limits-<stage>` table. Each recorded
 * check is a single conditional update on `version`, and the event of a crossing goes into the
 * item in that same update, so two overlapping runs record (and publish) a crossing once, and a
 * run that dies after the write leaves its event for the next run to publish.
 */
export class FloatStateRepository implements FloatStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(): Promise<FloatState> {
    const { Item } = await storeCall('Could not read the float state.', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: FLOAT_STATE_KEY }, ConsistentRead: true }),
      ),
    );
    if (!Item) return { version: 0 };
    return {
      version: Number(Item.version ?? 0),
      ...(Item.level !== undefined && { level: Item.level }),
      ...(Item.lastCheckAt !== undefined && { lastCheckAt: Item.lastCheckAt }),
      ...(Item.checkRequestedAt !== undefined && { checkRequestedAt: Item.checkRequestedAt }),
      ...(Item.checkReason !== undefined && { checkReason: Item.checkReason }),
      ...(Item.pending !== undefined && { pending: Item.pending as FloatEvent }),
    } as FloatState;
  }

  async record(expectedVersion: number, check: FloatCheckRecord): Promise<boolean> {
    const pending = check.pending ? ', pending = :pending' : '';
    return storeCall(
      'Could not record the float check.',
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: FLOAT_STATE_KEY },
            UpdateExpression: `SET #version = :next, #level = :level, lastCheckAt = :at${pending}`,
            // A request-only item (requestCheck before any check) has no version yet.
            ConditionExpression:
              expectedVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version', '#level': 'level' },
            ExpressionAttributeValues: {
              ':next': expectedVersion + 1,
              ':level': check.level,
              ':at': check.lastCheckAt,
              ...(expectedVersion !== 0 && { ':expected': expectedVersion }),
              ...(check.pending && { ':pending': check.pending }),
            },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  async clearPending(eventId: string): Promise<boolean> {
    return storeCall(
      'Could not clear the float event.',
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: FLOAT_STATE_KEY },
            UpdateExpression: 'REMOVE pending',
            ConditionExpression: 'pending.eventId = :eventId',
            ExpressionAttributeValues: { ':eventId': eventId },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  async requestCheck(at: string, reason: string): Promise<void> {
    await writeCheckRequest(this.client, this.tableName, at, reason);
  }
}
