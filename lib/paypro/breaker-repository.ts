import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCall } from '../shared/dynamo';
import { type BreakerState, INITIAL_BREAKER } from './breaker';
import type { BreakerStore } from './breaker-gate';

/** The breaker's item in the limits table (beside the caps' counters and FLOAT#STATE). */
export const BREAKER_KEY = 'PAYPRO#BREAKER';

/**
 * The breaker as one item of the `payout-limits-<stage>` table. Every write replaces the whole
 * item on the condition that its version is still the one read (single-item conditional writes
 * only, as dynalite and DynamoDB both do them).
 */
export class BreakerRepository implements BreakerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(): Promise<BreakerState> {
    const { Item } = await storeCall('Could not read the Paypro breaker.', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: BREAKER_KEY }, ConsistentRead: true }),
      ),
    );
    if (!Item) return INITIAL_BREAKER;
    const { pk: _pk, ...state } = Item;
    return { ...INITIAL_BREAKER, ...state } as BreakerState;
  }

  async write(expectedVersion: number, next: BreakerState): Promise<boolean> {
    return storeCall(
      'Could not write the Paypro breaker.',
      async () => {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: BREAKER_KEY, ...next },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
            ...(expectedVersion !== 0 && {
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
          }),
        );
        return true;
      },
      () => false,
    );
  }

  async claimPublication(eventId: string, now: string, until: string): Promise<boolean> {
    return storeCall(
      'Could not claim the breaker transition.',
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: BREAKER_KEY },
            UpdateExpression: 'SET publishing = :claim, #version = #version + :one',
            ConditionExpression:
              'pending[0].eventId = :eventId AND (attribute_not_exists(publishing) OR publishing.#until <= :now)',
            ExpressionAttributeNames: { '#version': 'version', '#until': 'until' },
            ExpressionAttributeValues: {
              ':claim': { eventId, until },
              ':eventId': eventId,
              ':now': now,
              ':one': 1,
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
      'Could not clear the breaker transition.',
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: BREAKER_KEY },
            // The oldest first: transitions are published in order.
            // A new version, so that no writer holding the item as read before puts the event back.
            UpdateExpression: 'REMOVE pending[0], publishing SET #version = #version + :one',
            ConditionExpression: 'pending[0].eventId = :eventId',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':eventId': eventId, ':one': 1 },
          }),
        );
        return true;
      },
      () => false,
    );
  }
}
