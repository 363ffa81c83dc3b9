import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCall } from '../shared/dynamo';
import type { BatchCapLedger, CapTotal, CapTotalState, MarkChange } from './store';

export type { BatchCapLedger, CapLedger, CapTotal, CapTotalState } from './store';

/**
 * Cap counters in the `payout-limits-<stage>` table, one item per key (`pk`). Every change is a
 * single conditional `ADD`, so concurrent reservations can never take a counter past its limit.
 * A batch's marks live in the string set `marks` of the counters it touched.
 */
export class DynamoCapLedger implements BatchCapLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async tryAdd(key: string, add: CapTotal, limit: CapTotal, expiresAt: number): Promise<boolean> {
    return this.reserve(key, add, limit, expiresAt);
  }

  async tryAddMarked(
    key: string,
    add: CapTotal,
    limit: CapTotal,
    expiresAt: number,
    mark: string,
  ): Promise<boolean> {
    return this.reserve(key, add, limit, expiresAt, mark);
  }

  private async reserve(
    key: string,
    add: CapTotal,
    limit: CapTotal,
    expiresAt: number,
    mark?: string,
  ): Promise<boolean> {
    const room = { amount: limit.amount - add.amount, count: limit.count - add.count };
    // Larger than the whole limit: no write could succeed, and none is needed to say so.
    if (room.amount < 0 || room.count < 0) return false;
    return storeCall(
      `Could not reserve against cap counter ${key}.`,
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: key },
            // expiresAt is the same for every write of a key (it follows from the day). A comparison
            // with a missing attribute is false, so the NOT lets a new counter through. This short
            // form costs dynalite a third less than if_not_exists/attribute_not_exists.
            UpdateExpression: `SET expiresAt = :expiresAt ADD amount :amount, #count :count${mark ? ', marks :mark' : ''}`,
            ConditionExpression: `NOT (amount > :amountRoom OR #count > :countRoom)${mark ? ' AND NOT contains(marks, :markText)' : ''}`,
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: {
              ':amount': add.amount,
              ':count': add.count,
              ':amountRoom': room.amount,
              ':countRoom': room.count,
              ':expiresAt': expiresAt,
              ...(mark && { ':mark': new Set([mark]), ':markText': mark }),
            },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  async subtract(key: string, sub: CapTotal): Promise<boolean> {
    return this.takeBack(key, sub);
  }

  async subtractMarked(key: string, sub: CapTotal, change: MarkChange): Promise<boolean> {
    return this.takeBack(key, sub, change);
  }

  /** One conditional ADD of `-sub`, never below zero, with the mark conditions and changes of `change`. */
  private async takeBack(key: string, sub: CapTotal, change?: MarkChange): Promise<boolean> {
    const removes = change?.removes ?? [];
    return storeCall(
      `Could not release from cap counter ${key}.`,
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: key },
            UpdateExpression:
              `ADD amount :minusAmount, #count :minusCount${change?.adds ? ', marks :adds' : ''}` +
              (removes.length > 0 ? ' DELETE marks :removes' : ''),
            ConditionExpression:
              `${change ? 'contains(marks, :requires) AND ' : ''}amount >= :amount AND #count >= :count` +
              (change?.adds ? ' AND NOT contains(marks, :addsText)' : ''),
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: {
              ':amount': sub.amount,
              ':count': sub.count,
              ':minusAmount': -sub.amount,
              ':minusCount': -sub.count,
              ...(change && { ':requires': change.requires }),
              ...(change?.adds && { ':adds': new Set([change.adds]), ':addsText': change.adds }),
              ...(removes.length > 0 && { ':removes': new Set(removes) }),
            },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  async removeMarks(key: string, marks: readonly string[]): Promise<void> {
    if (marks.length === 0) return;
    await storeCall(
      `Could not update cap counter ${key}.`,
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: key },
            UpdateExpression: 'DELETE marks :marks',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':marks': new Set(marks) },
          }),
        ),
      () => undefined,
    );
  }

  async read(key: string): Promise<CapTotalState> {
    const { Item } = await storeCall(`Could not read cap counter ${key}.`, () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: key }, ConsistentRead: true })),
    );
    const marks = Item?.marks instanceof Set ? [...(Item.marks as Set<string>)] : [];
    return {
      amount: Number(Item?.amount ?? 0),
      count: Number(Item?.count ?? 0),
      ...(marks.length > 0 && { marks }),
    };
  }
}
