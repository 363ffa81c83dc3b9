import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { storeCall } from '../shared/dynamo';
import { fromPageCursor, toPageCursor } from '../shared/page-cursor';
import type { BatchLine, BatchRecord, BatchStatus, LineRow, RejectedLine } from './batch';
import type { BatchEvent } from './events';
import { headerUpdate } from './header-change';
import { BatchLines } from './lines';
import type { BatchStore, HeaderChange, StatusPage, StatusPageOptions } from './store';

export type { HeaderChange } from './store';

/**
 * Index of batch headers by status, newest first (`listSk` = `<createdAt>#<batchId>`): the
 * operator's list, and the wake-up's search for batches with a step due. Only headers carry
 * `status`, so the rows of lines are not in it. Must match `infra/batches-table.json`.
 */
export const BATCHES_BY_STATUS_INDEX = 'batches-by-status';

const HEADER = 'BATCH';
/** The attributes a header keeps that the use cases never see. */
const INTERNAL = ['sk', 'listSk', 'outbox', 'leaseOwner', 'leaseUntil'] as const;

function fromItem(item: Record<string, unknown>): BatchRecord {
  const record = { ...item };
  for (const name of INTERNAL) delete record[name];
  return record as unknown as BatchRecord;
}

/** The sort key of a header in the status index: creation order, the batchId breaking ties. */
export function listSortKey(record: Pick<BatchRecord, 'createdAt' | 'batchId'>): string {
  return `${record.createdAt}#${record.batchId}`;
}

/**
 * The batches table: per batch one header (what was asked, where it stands, its events' outbox
 * and the lease of the run advancing it) and its lines, LINES_PER_ROW a row, in submitted order.
 * SDK errors stop here: a refused condition is `undefined`/`false`, anything else StoreUnavailableError.
 */
export class BatchRepository implements BatchStore {
  private readonly lines: BatchLines;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.lines = new BatchLines(client, tableName);
  }

  /** Reads a batch's header (strongly consistent), or undefined. */
  async get(batchId: string): Promise<BatchRecord | undefined> {
    const { Item } = await storeCall(`Could not read batch ${batchId}.`, () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { batchId, sk: HEADER }, ConsistentRead: true }),
      ),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** Writes a new batch's header; false when the batchId is taken (the caller reads it then). */
  async create(record: BatchRecord): Promise<boolean> {
    return storeCall(
      `Could not write batch ${record.batchId}.`,
      async () => {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...record, sk: HEADER, listSk: listSortKey(record) },
            ConditionExpression: 'attribute_not_exists(batchId)',
          }),
        );
        return true;
      },
      () => false,
    );
  }

  /** Applies `change` to the header if its conditions hold: the header after it, or undefined when refused. */
  async update(batchId: string, change: HeaderChange): Promise<BatchRecord | undefined> {
    const { Attributes } = await storeCall(
      `Could not update batch ${batchId}.`,
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { batchId, sk: HEADER },
            ...headerUpdate(change),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      () => ({ Attributes: undefined }),
    );
    return Attributes ? fromItem(Attributes) : undefined;
  }

  /**
   * Takes the batch's lease for `owner` until `until`, if nobody holds it or it expired at `now`
   * (or `owner` holds it already), and makes the batch due at `until` (should the run die, the
   * wake-up then finds it): the header then, or undefined when another run holds it.
   */
  async acquireLease(
    batchId: string,
    owner: string,
    until: string,
    now: string,
  ): Promise<BatchRecord | undefined> {
    const { Attributes } = await storeCall(
      `Could not lease batch ${batchId}.`,
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { batchId, sk: HEADER },
            UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, nextStepAt = :until',
            ConditionExpression:
              'attribute_exists(batchId) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)',
            ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      () => ({ Attributes: undefined }),
    );
    return Attributes ? fromItem(Attributes) : undefined;
  }

  /** Gives the lease up, if `owner` still holds it. */
  async releaseLease(batchId: string, owner: string): Promise<void> {
    await storeCall(
      `Could not release the lease of batch ${batchId}.`,
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { batchId, sk: HEADER },
            UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': owner },
          }),
        ),
      () => undefined,
    );
  }

  /** Writes the batch's lines in rows of LINES_PER_ROW; how many rows (BatchLines.put). */
  putLines(batchId: string, lines: readonly BatchLine[]): Promise<number> {
    return this.lines.put(batchId, lines);
  }

  /** The batch's rows of lines, in order (BatchLines.rows). */
  rows(batchId: string): Promise<LineRow[]> {
    return this.lines.rows(batchId);
  }

  /** Keeps what recording found for a row (BatchLines.mark). */
  markRow(batchId: string, row: number, rejected: RejectedLine[], adopted: number[]): Promise<void> {
    return this.lines.mark(batchId, row, rejected, adopted);
  }

  /** The events the header's outbox holds, oldest version first (strongly consistent). */
  async readOutbox(batchId: string): Promise<BatchEvent[]> {
    const { Item } = await storeCall(`Could not read the outbox of batch ${batchId}.`, () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { batchId, sk: HEADER },
          ConsistentRead: true,
          ProjectionExpression: 'outbox',
        }),
      ),
    );
    return [...((Item?.outbox ?? []) as BatchEvent[])].sort((a, b) => a.version - b.version);
  }

  /** Empties the outbox after its `count` events were published, only if it still holds that many. */
  async clearOutbox(batchId: string, count: number): Promise<boolean> {
    return storeCall(
      `Could not clear the outbox of batch ${batchId}.`,
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { batchId, sk: HEADER },
            UpdateExpression: 'REMOVE outbox',
            ConditionExpression: 'size(outbox) = :count',
            ExpressionAttributeValues: { ':count': count },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  /**
   * A page of the headers in `status`, newest first: created before `before` (a list sort key)
   * when given, at `since` or later when given, and only those with a step due at `dueBy` when given.
   */
  async listByStatus(status: BatchStatus, options: StatusPageOptions): Promise<StatusPage> {
    const range =
      options.before !== undefined
        ? ' AND listSk < :before'
        : options.since !== undefined
          ? ' AND listSk >= :since'
          : '';
    const page = await storeCall('Could not list batches.', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BATCHES_BY_STATUS_INDEX,
          KeyConditionExpression: `#status = :status${range}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ...(options.before !== undefined && { ':before': options.before }),
            ...(options.before === undefined && options.since !== undefined && { ':since': options.since }),
            ...(options.dueBy !== undefined && { ':dueBy': options.dueBy }),
          },
          ...(options.dueBy !== undefined && { FilterExpression: 'nextStepAt <= :dueBy' }),
          ScanIndexForward: false,
          Limit: options.limit,
          ...(options.cursor && {
            ExclusiveStartKey: fromPageCursor<Record<string, unknown>>(options.cursor),
          }),
        }),
      ),
    );
    return {
      records: (page.Items ?? []).map(fromItem),
      ...(page.LastEvaluatedKey && { cursor: toPageCursor(page.LastEvaluatedKey) }),
    };
  }
}
