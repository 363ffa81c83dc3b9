import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PayoutExistsError, StaleStateError } from '../errors';
import { storeCall } from '../shared/dynamo';
import type { PageCursor } from '../shared/page-cursor';
import type { PayoutEvent } from './events';
import { dayPartitionKey, daySortKey, fromItem, openPartitionKey } from './keys';
import { eventWrite, PayoutOutboxTable } from './outbox-repository';
import { allowedSources, type HistoryEntry, isFinal, type Payout, type SendFailure } from './payout';
import type { PayoutOutbox, PayoutStore, Transition } from './store';

export type { DueCount, DuePage, DueRef, Transition } from './store';

/**
 * DynamoDB storage of payouts; SDK errors stop here and become domain errors. The outbox
 * (PayoutOutboxTable) lives in its own module; the due index's reads and claims are
 * DuePayoutRepository's (lib/payouts/due.ts), so payout writers do not carry them.
 */
export class PayoutRepository implements PayoutStore, PayoutOutbox {
  private readonly outbox: PayoutOutboxTable;

  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {
    this.outbox = new PayoutOutboxTable(client, tableName);
  }

  /** Writes a new payout, due for reconciliation at `checkAfter`; PayoutExistsError when its tradeNo is taken. */
  async create(payout: Payout, checkAfter: string): Promise<void> {
    const item = {
      ...payout,
      paypro: payout.paypro ?? {},
      ...(isFinal(payout.status) ? {} : { openPk: openPartitionKey(payout.tradeNo), checkAfter }),
      dayPk: dayPartitionKey(payout.tradeNo, payout.createdAt),
      daySk: daySortKey(payout.tradeNo, payout.createdAt),
    };
    await storeCall(
      `Could not write payout ${payout.tradeNo}.`,
      () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(tradeNo)',
          }),
        ),
      (error) => {
        throw new PayoutExistsError(payout.tradeNo, { cause: error });
      },
    );
  }

  /** Reads a payout (strongly consistent), or undefined when there is none. */
  async get(tradeNo: string): Promise<Payout | undefined> {
    const { Item } = await storeCall(`Could not read payout ${tradeNo}.`, () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { tradeNo }, ConsistentRead: true })),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** Marks a PENDING payout as handed to Paypro under `claim`; StaleStateError if it already was, or is not PENDING. */
  async markSent(tradeNo: string, at: string, claim: string): Promise<void> {
    await storeCall(
      `Could not mark payout ${tradeNo} as sent.`,
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo },
            UpdateExpression: 'SET sentAt = :at, sendClaim = :claim, updatedAt = :at',
            // PENDING too: a payout an operator resolved before it was sent must never be sent.
            ConditionExpression:
              'attribute_exists(tradeNo) AND attribute_not_exists(sentAt) AND #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':at': at, ':claim': claim, ':pending': 'PENDING' },
          }),
        ),
      (error) => {
        throw new StaleStateError(tradeNo, 'marking as sent', { cause: error });
      },
    );
  }

  /**
   * Moves a payout to `to` only if its current status allows it, recording Paypro's
   * details and a history entry in the same write. StaleStateError when refused.
   */
  async transition(tradeNo: string, change: Transition): Promise<Payout> {
    const sources = allowedSources(change.to);
    const event = eventWrite(change.event, tradeNo, change.at);
    const names: Record<string, string> = { '#status': 'status', ...event.names };
    const values: Record<string, unknown> = {
      ':to': change.to,
      ':at': change.at,
      ':entry': [change.entry],
      ...event.values,
    };
    const sets = [
      '#status = :to',
      'updatedAt = :at',
      'history = list_append(history, :entry)',
      ...event.sets,
    ];
    Object.entries(change.paypro ?? {}).forEach(([key, value], i) => {
      if (value === undefined) return;
      names[`#p${i}`] = key;
      values[`:p${i}`] = value;
      sets.push(`paypro.#p${i} = :p${i}`);
    });
    const sourceNames = sources.map((_, i) => `:from${i}`);
    sources.forEach((status, i) => {
      values[`:from${i}`] = status;
    });
    const update = `SET ${sets.join(', ')}${isFinal(change.to) ? ' REMOVE openPk, checkAfter' : ''}`;
    const { Attributes } = await storeCall(
      `Could not update payout ${tradeNo}.`,
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo },
            UpdateExpression: update,
            ConditionExpression: `#status IN (${sourceNames.join(', ')}) AND ${event.condition}${change.unsentOnly ? ' AND attribute_not_exists(sentAt)' : ''}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      (error) => {
        throw new StaleStateError(tradeNo, `moving to ${change.to}`, { cause: error });
      },
    );
    return fromItem(Attributes ?? {});
  }

  /**
   * Appends a note to a payout's history without changing its status, up to `maxEntries`;
   * with an `event`, commits it in the same write (StaleStateError if the version moved).
   */
  async appendHistory(
    tradeNo: string,
    entry: HistoryEntry,
    at: string,
    maxEntries = 50,
    event?: PayoutEvent,
  ): Promise<void> {
    const committed = event && eventWrite(event, tradeNo, at);
    await storeCall(
      `Could not append to payout ${tradeNo}.`,
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo },
            UpdateExpression: `SET ${['history = list_append(history, :entry)', 'updatedAt = :at', ...(committed?.sets ?? [])].join(', ')}`,
            ConditionExpression: `attribute_exists(tradeNo) AND size(history) < :max${committed ? ` AND ${committed.condition}` : ''}`,
            ...(committed && { ExpressionAttributeNames: committed.names }),
            ExpressionAttributeValues: {
              ':entry': [entry],
              ':at': at,
              ':max': maxEntries,
              ...committed?.values,
            },
          }),
        ),
      (error) => {
        throw new StaleStateError(tradeNo, 'appending history', { cause: error });
      },
    );
  }

  /**
   * Records why a send failed (`sendFailure`) with its history note, in one conditional write:
   * only on a payout sent and still PENDING, with room in its history; StaleStateError otherwise.
   */
  async recordSendFailure(
    tradeNo: string,
    failure: SendFailure,
    entry: HistoryEntry,
    maxEntries = 50,
  ): Promise<void> {
    await storeCall(
      `Could not record the failed send of payout ${tradeNo}.`,
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo },
            // Due at once: a batch item was recorded due after a 30-minute grace, and the resend
            // rule's clock starts at the reconciler's first answer after the failure.
            UpdateExpression:
              'SET sendFailure = :failure, history = list_append(history, :entry), updatedAt = :at, checkAfter = :at',
            ConditionExpression: 'attribute_exists(sentAt) AND #status = :pending AND size(history) < :max',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':failure': failure,
              ':entry': [entry],
              ':at': failure.at,
              ':pending': 'PENDING',
              ':max': maxEntries,
            },
          }),
        ),
      (error) => {
        throw new StaleStateError(tradeNo, 'recording a failed send', { cause: error });
      },
    );
  }

  /**
   * Marks an open payout as needing a human, once, committing its event; false if it was
   * already flagged, is closed, or its version moved (the next run tries again).
   */
  async flag(tradeNo: string, entry: HistoryEntry, event: PayoutEvent): Promise<boolean> {
    const committed = eventWrite(event, tradeNo, entry.at);
    return storeCall(
      `Could not flag payout ${tradeNo}.`,
      async () => {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { tradeNo },
            UpdateExpression: `SET ${['flaggedAt = :at', 'updatedAt = :at', 'history = list_append(history, :entry)', ...committed.sets].join(', ')}`,
            ConditionExpression: `attribute_exists(openPk) AND attribute_not_exists(flaggedAt) AND ${committed.condition}`,
            ExpressionAttributeNames: committed.names,
            ExpressionAttributeValues: { ':at': entry.at, ':entry': [entry], ...committed.values },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  /** The events a payout's outbox holds, oldest version first (PayoutOutboxTable.read). */
  readOutbox(tradeNo: string): Promise<PayoutEvent[]> {
    return this.outbox.read(tradeNo);
  }

  /** Empties the outbox if it still holds exactly `count` events; false otherwise (PayoutOutboxTable.clear). */
  clearOutbox(tradeNo: string, count: number): Promise<boolean> {
    return this.outbox.clear(tradeNo, count);
  }

  /** Up to `limit` payouts with events waiting since `before`, every outbox shard in turn (PayoutOutboxTable.list). */
  listOutbox(
    before: string,
    limit: number,
    cursor?: PageCursor,
  ): Promise<{ tradeNos: string[]; cursor?: PageCursor }> {
    return this.outbox.list(before, limit, cursor);
  }
}
