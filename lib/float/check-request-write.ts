import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCall } from '../shared/dynamo';

/** The monitor's state item's key in the limits table: no cap key (`DAY#…`, `MOBILE#…`) starts with `FLOAT#`. */
export const FLOAT_STATE_KEY = 'FLOAT#STATE';

/**
 * Notes on the state item that a check is wanted at once, from `at` on, and why. Apart from
 * FloatStateRepository so the payout writers, which only ever ask, carry this one write and
 * not the monitor's store (create-payout's bundle is held to 1.15× its floor).
 */
export async function writeCheckRequest(
  client: DynamoDBDocumentClient,
  tableName: string,
  at: string,
  reason: string,
): Promise<void> {
  await storeCall(
    'Could not ask for a float check.',
    () =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: FLOAT_STATE_KEY },
          UpdateExpression: 'SET checkRequestedAt = :at, checkReason = :reason',
          // A later request already there stands: an older one arriving late must not hide it.
          ConditionExpression: 'attribute_not_exists(checkRequestedAt) OR checkRequestedAt < :at',
          ExpressionAttributeValues: { ':at': at, ':reason': reason },
        }),
      ),
    () => undefined,
  );
}
