import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../errors';
import type { BatchRecord } from './batch';

/** TradeNos per item-list row: about 70 bytes each, far below DynamoDB's 400 KB item limit. */
export const TRADE_NOS_PER_ROW = 1_000;

const HEADER = 'BATCH';
const rowKey = (row: number) => `ITEMS#${String(row).padStart(5, '0')}`;

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The batches table: per batch one header row (what was asked, its state) and its tradeNos in
 * order, a thousand per row. The payouts themselves are ordinary payouts in the payouts table.
 */
export class BatchRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Reads a batch's header (strongly consistent), or undefined. */
  async get(batchId: string): Promise<BatchRecord | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { batchId, sk: HEADER }, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { sk: _sk, ...record } = Item;
      return record as BatchRecord;
    } catch (error) {
      throw new StoreUnavailableError(`Could not read batch ${batchId}.`, { cause: error });
    }
  }

  /** Writes a new batch's header; false when the batchId is taken (the caller reads it then). */
  async create(record: BatchRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...record, sk: HEADER },
          ConditionExpression: 'attribute_not_exists(batchId)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new StoreUnavailableError(`Could not write batch ${record.batchId}.`, { cause: error });
    }
  }

  /**
   * Writes the batch's tradeNos in order. Unconditional on purpose: only the request that
   * created the header (or one resuming it with the same content) writes them, always the same rows.
   */
  async putTradeNos(batchId: string, tradeNos: readonly string[]): Promise<void> {
    const rows = [];
    for (let i = 0; i * TRADE_NOS_PER_ROW < tradeNos.length; i += 1) {
      rows.push({
        batchId,
        sk: rowKey(i),
        tradeNos: tradeNos.slice(i * TRADE_NOS_PER_ROW, (i + 1) * TRADE_NOS_PER_ROW),
      });
    }
    for (let i = 0; i < rows.length; i += 25) {
      let requests: Array<Record<string, unknown>> = rows
        .slice(i, i + 25)
        .map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        if (attempt > 8) throw new StoreUnavailableError(`Could not write the items of batch ${batchId}.`);
        try {
          const { UnprocessedItems } = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          requests = (UnprocessedItems?.[this.tableName] ?? []) as Array<Record<string, unknown>>;
        } catch (error) {
          throw new StoreUnavailableError(`Could not write the items of batch ${batchId}.`, { cause: error });
        }
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
  }

  /** The batch's tradeNos, in the order they were submitted. */
  async tradeNos(batchId: string): Promise<string[]> {
    const all: string[] = [];
    let cursor: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'batchId = :id AND begins_with(sk, :items)',
            ExpressionAttributeValues: { ':id': batchId, ':items': 'ITEMS#' },
            ConsistentRead: true,
            ...(cursor && { ExclusiveStartKey: cursor }),
          }),
        );
        for (const row of page.Items ?? []) all.push(...(row.tradeNos as string[]));
        cursor = page.LastEvaluatedKey;
      } while (cursor);
      return all;
    } catch (error) {
      throw new StoreUnavailableError(`Could not read the items of batch ${batchId}.`, { cause: error });
    }
  }

  /** Marks the batch as wholly recorded and queued. */
  async markAccepted(batchId: string, at: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { batchId, sk: HEADER },
          UpdateExpression: 'SET #state = :accepted, acceptedAt = if_not_exists(acceptedAt, :at)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':accepted': 'ACCEPTED', ':at': at },
        }),
      );
    } catch (error) {
      throw new StoreUnavailableError(`Could not mark batch ${batchId} accepted.`, { cause: error });
    }
  }
}
