import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../errors';
import type { Payout } from '../payouts/payout';
import { fromItem, PayoutRepository } from '../payouts/repository';

/**
 * The payouts table with the bulk read that batches need. Apart from PayoutRepository so that
 * the single-payout functions do not carry it.
 */
export class BatchPayoutRepository extends PayoutRepository {
  /**
   * Reads many payouts (eventually consistent, 100 per call, `concurrency` calls at once),
   * retrying what DynamoDB left unprocessed; the ones that do not exist are absent from the map.
   */
  async getMany(tradeNos: readonly string[], concurrency = 8): Promise<Map<string, Payout>> {
    const found = new Map<string, Payout>();
    const chunks: string[][] = [];
    for (let i = 0; i < tradeNos.length; i += 100) chunks.push([...new Set(tradeNos.slice(i, i + 100))]);
    const worker = async () => {
      for (let chunk = chunks.shift(); chunk !== undefined; chunk = chunks.shift()) {
        let keys: Array<Record<string, unknown>> = chunk.map((tradeNo) => ({ tradeNo }));
        for (let attempt = 1; keys.length > 0; attempt += 1) {
          if (attempt > 8)
            throw new StoreUnavailableError('Could not read payouts: DynamoDB kept them unprocessed.');
          let reply: BatchGetCommandOutput;
          try {
            reply = await this.client.send(
              new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
            );
          } catch (error) {
            throw new StoreUnavailableError('Could not read payouts.', { cause: error });
          }
          for (const item of reply.Responses?.[this.tableName] ?? []) {
            const payout = fromItem(item);
            found.set(payout.tradeNo, payout);
          }
          keys = reply.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
          if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return found;
  }
}
