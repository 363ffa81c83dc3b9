import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCall } from '../shared/dynamo';
import { fromItem } from './keys';
import type { Payout } from './payout';
import type { ResendRelease, ResendStore } from './store';

// An open payout (in the due index) still the one sent at :sentAt: nobody sent it again since.
const STILL_SENT = 'attribute_exists(openPk) AND sentAt = :sentAt';

/**
 * DynamoDB writes of the resend rule on the payouts table (ResendStore): each one conditional
 * UpdateItem on one payout, whose refused condition becomes `false` or `undefined` here.
 */
export class ResendRepository implements ResendStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Sets `unknownSince` and the next check on the open payout sent at `sentAt`, unless already set; false when refused. */
  async markUnknown(tradeNo: string, sentAt: string, at: string, checkAfter: string): Promise<boolean> {
    return this.update(tradeNo, 'noting that Paypro does not know it', {
      UpdateExpression: 'SET unknownSince = :at, checkAfter = :next',
      ConditionExpression: `${STILL_SENT} AND attribute_not_exists(unknownSince)`,
      ExpressionAttributeValues: { ':at': at, ':next': checkAfter, ':sentAt': sentAt },
    });
  }

  /** Removes `unknownSince` if it is still `since`; false when refused. */
  async clearUnknown(tradeNo: string, since: string): Promise<boolean> {
    return this.update(tradeNo, 'forgetting that Paypro did not know it', {
      UpdateExpression: 'REMOVE unknownSince',
      ConditionExpression: 'unknownSince = :since',
      ExpressionAttributeValues: { ':since': since },
    });
  }

  /** Moves the next check of the open payout sent at `sentAt`; false when refused. */
  async recheckAt(tradeNo: string, sentAt: string, checkAfter: string): Promise<boolean> {
    return this.update(tradeNo, 'scheduling its next check', {
      UpdateExpression: 'SET checkAfter = :next',
      ConditionExpression: STILL_SENT,
      ExpressionAttributeValues: { ':next': checkAfter, ':sentAt': sentAt },
    });
  }

  /**
   * Releases a PENDING payout still sent at `release.sentAt` for one more send, in one write: the
   * send's marks removed, `resends` one more, the history entry appended, the next check moved.
   */
  async release(tradeNo: string, release: ResendRelease): Promise<Payout | undefined> {
    const conditions = [STILL_SENT, '#status = :pending'];
    const values: Record<string, unknown> = {
      ':sentAt': release.sentAt,
      ':pending': 'PENDING',
      ':at': release.at,
      ':entry': [release.entry],
      ':next': release.checkAfter,
      ':zero': 0,
      ':one': 1,
    };
    if (release.unknownSince !== undefined) {
      conditions.push('unknownSince = :since');
      values[':since'] = release.unknownSince;
    }
    if (release.maxResends !== undefined) {
      conditions.push('(attribute_not_exists(resends) OR resends < :max)');
      values[':max'] = release.maxResends;
    }
    return storeCall(
      `Could not release payout ${tradeNo} for a send again.`,
      async () => {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo },
            UpdateExpression:
              'REMOVE sentAt, sendClaim, sendFailure, unknownSince ' +
              'SET resends = if_not_exists(resends, :zero) + :one, updatedAt = :at, ' +
              'history = list_append(history, :entry), checkAfter = :next',
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? fromItem(Attributes) : undefined;
      },
      () => undefined,
    );
  }

  /** One conditional UpdateItem: true when it was applied, false when its condition was refused. */
  private async update(
    tradeNo: string,
    what: string,
    input: Pick<
      ConstructorParameters<typeof UpdateCommand>[0],
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    return storeCall(
      `Could not update payout ${tradeNo} (${what}).`,
      async () => {
        await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { tradeNo }, ...input }));
        return true;
      },
      () => false,
    );
  }
}
