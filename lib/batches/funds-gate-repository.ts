import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FundsGate } from '../float/funds-gate';
import { storeCall } from '../shared/dynamo';

/**
 * The funds gate's item in the batches table: a batchId no batch can have (batchIds are letters,
 * digits, `_` and `-`), and no `status`, so the status index never lists it.
 */
export const FUNDS_GATE_KEY = { batchId: '#funds-gate', sk: 'LEASE' } as const;

/** The funds gate as one item of the batches table, taken and given up by conditional updates. */
export class DynamoFundsGate implements FundsGate {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Takes the gate for `owner` until `until` if nobody holds it or it expired at `now`; false when another holds it. */
  async acquire(owner: string, until: string, now: string): Promise<boolean> {
    return storeCall(
      'Could not take the funds gate.',
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: FUNDS_GATE_KEY,
            UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
            ConditionExpression:
              'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': now },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  /** Gives the gate up if `owner` still holds it: at once, or at `holdUntil` when given. */
  async release(owner: string, holdUntil?: string): Promise<void> {
    await storeCall(
      'Could not give the funds gate up.',
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: FUNDS_GATE_KEY,
            UpdateExpression:
              holdUntil === undefined ? 'REMOVE leaseOwner, leaseUntil' : 'SET leaseUntil = :until',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: {
              ':owner': owner,
              ...(holdUntil !== undefined && { ':until': holdUntil }),
            },
          }),
        ),
      () => undefined,
    );
  }
}
