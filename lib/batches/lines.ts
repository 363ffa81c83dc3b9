import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../errors';
import { chunksOf } from '../shared/concurrency';
import { storeCall } from '../shared/dynamo';
import { type BatchLine, LINES_PER_ROW, type LineRow, type RejectedLine } from './batch';

/** The sort key of a batch's row of lines: `LINES#00000`, in submitted order. */
export const rowKey = (row: number) => `LINES#${String(row).padStart(5, '0')}`;

/** DynamoDB storage of a batch's lines, LINES_PER_ROW a row, beside its header in the batches table. */
export class BatchLines {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes the batch's lines in rows of LINES_PER_ROW. Unconditional on purpose: only requests
   * with the header's own content write them, always the same rows. Returns how many rows.
   */
  async put(batchId: string, lines: readonly BatchLine[]): Promise<number> {
    const rows = chunksOf(lines, LINES_PER_ROW).map((chunk, row) => ({
      batchId,
      sk: rowKey(row),
      first: row * LINES_PER_ROW,
      lines: chunk,
    }));
    for (const group of chunksOf(rows, 25)) {
      let requests: Array<Record<string, unknown>> = group.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        if (attempt > 8) throw new StoreUnavailableError(`Could not write the lines of batch ${batchId}.`);
        const { UnprocessedItems } = await storeCall(`Could not write the lines of batch ${batchId}.`, () =>
          this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } })),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as Array<Record<string, unknown>>;
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
    return rows.length;
  }

  /** The batch's rows of lines, in order (strongly consistent). */
  async rows(batchId: string): Promise<LineRow[]> {
    const rows: LineRow[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await storeCall(`Could not read the lines of batch ${batchId}.`, () =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'batchId = :id AND begins_with(sk, :lines)',
            ExpressionAttributeValues: { ':id': batchId, ':lines': 'LINES#' },
            ConsistentRead: true,
            ...(cursor && { ExclusiveStartKey: cursor }),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        rows.push({
          row: Number(String(item.sk).slice('LINES#'.length)),
          first: Number(item.first),
          lines: item.lines as BatchLine[],
          ...(item.rejected !== undefined && { rejected: item.rejected as RejectedLine[] }),
          ...(item.adopted !== undefined && { adopted: item.adopted as number[] }),
        });
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return rows;
  }

  /** Keeps what recording found for a row: the lines it rejected and those it adopted. Idempotent. */
  async mark(batchId: string, row: number, rejected: RejectedLine[], adopted: number[]): Promise<void> {
    await storeCall(`Could not update the lines of batch ${batchId}.`, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { batchId, sk: rowKey(row) },
          UpdateExpression: 'SET rejected = :rejected, adopted = :adopted',
          ConditionExpression: 'attribute_exists(batchId)',
          ExpressionAttributeValues: { ':rejected': rejected, ':adopted': adopted },
        }),
      ),
    );
  }
}
