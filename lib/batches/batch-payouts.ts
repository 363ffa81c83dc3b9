import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../errors';
import { fromItem } from '../payouts/keys';
import type { Payout } from '../payouts/payout';
import { PayoutRepository } from '../payouts/repository';
import { chunksOf, forEachLimit } from '../shared/concurrency';
import { storeCall } from '../shared/dynamo';
import type { BatchPayouts, PayoutState } from './store';

export type { BatchPayouts, PayoutState } from './store';

// BatchGetItem takes at most 100 keys a call; a few calls at once keep 10,000 within a second or two.
const KEYS_PER_CALL = 100;
const READ_CONCURRENCY = 8;

/** The payouts table as batches use it. */
export class DynamoBatchPayouts implements BatchPayouts {
  private readonly payouts: PayoutRepository;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.payouts = new PayoutRepository(client, tableName);
  }

  get(tradeNo: string): Promise<Payout | undefined> {
    return this.payouts.get(tradeNo);
  }

  create(payout: Payout, checkAfter: string): Promise<void> {
    return this.payouts.create(payout, checkAfter);
  }

  getMany(tradeNos: readonly string[]): Promise<Map<string, Payout>> {
    return this.read(tradeNos);
  }

  getStates(tradeNos: readonly string[]): Promise<Map<string, PayoutState>> {
    return this.read(tradeNos, 'tradeNo, #status, amount, batchId, paypro, sentAt');
  }

  private async read(tradeNos: readonly string[], projection?: string): Promise<Map<string, Payout>> {
    const found = new Map<string, Payout>();
    const chunks = chunksOf([...new Set(tradeNos)], KEYS_PER_CALL);
    await forEachLimit(chunks, READ_CONCURRENCY, async (chunk) => {
      let keys: Array<Record<string, unknown>> = chunk.map((tradeNo) => ({ tradeNo }));
      for (let attempt = 1; keys.length > 0; attempt += 1) {
        if (attempt > 8)
          throw new StoreUnavailableError('Could not read payouts: DynamoDB kept them unprocessed.');
        const reply = await storeCall('Could not read payouts.', () =>
          this.client.send(
            new BatchGetCommand({
              RequestItems: {
                [this.tableName]: {
                  Keys: keys,
                  ...(projection && {
                    ProjectionExpression: projection,
                    ExpressionAttributeNames: { '#status': 'status' },
                  }),
                },
              },
            }),
          ),
        );
        for (const item of reply.Responses?.[this.tableName] ?? []) {
          const payout = fromItem(item);
          found.set(payout.tradeNo, payout);
        }
        keys = reply.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    });
    return found;
  }

  async adopt(tradeNo: string, batchId: string, requestHash: string, at: string): Promise<boolean> {
    return storeCall(
      `Could not adopt payout ${tradeNo} into batch ${batchId}.`,
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo },
            UpdateExpression: 'SET batchId = :batchId, adoptedAt = :at',
            ConditionExpression:
              'attribute_exists(tradeNo) AND attribute_not_exists(batchId) AND requestHash = :hash',
            ExpressionAttributeValues: { ':batchId': batchId, ':at': at, ':hash': requestHash },
          }),
        );
        return true;
      },
      () => false,
    );
  }
}
