import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { PayoutExistsError, StaleStateError, StoreUnavailableError } from '../errors';
import {
  allowedSources,
  type HistoryEntry,
  isFinal,
  type Payout,
  type PayoutStatus,
  type PayproDetails,
} from './payout';

/**
 * Sparse index of open payouts: only PENDING/PROCESSING items carry `openPk` and
 * `checkAfter` (when the reconciler should next ask Paypro), so the reconciler lists
 * the due ones without a scan. Must match `infra/payouts-table.json`.
 */
export const OPEN_PAYOUTS_INDEX = 'open-payouts';
const OPEN_PK = 'OPEN';

/** A status change with what Paypro said, applied as one conditional write. */
export interface Transition {
  to: PayoutStatus;
  at: string;
  paypro?: PayproDetails;
  entry: HistoryEntry;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function fromItem(item: Record<string, unknown>): Payout {
  const { openPk: _openPk, checkAfter: _checkAfter, ...payout } = item;
  return payout as unknown as Payout;
}

/** DynamoDB storage of payouts; SDK errors stop here and become domain errors. */
export class PayoutRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes a new payout, due for reconciliation at `checkAfter`; PayoutExistsError when its tradeNo is taken. */
  async create(payout: Payout, checkAfter: string): Promise<void> {
    const item = {
      ...payout,
      paypro: payout.paypro ?? {},
      ...(isFinal(payout.status) ? {} : { openPk: OPEN_PK, checkAfter }),
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(tradeNo)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new PayoutExistsError(payout.tradeNo, { cause: error });
      throw new StoreUnavailableError(`Could not write payout ${payout.tradeNo}.`, { cause: error });
    }
  }

  /** Reads a payout (strongly consistent), or undefined when there is none. */
  async get(tradeNo: string): Promise<Payout | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { tradeNo }, ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    } catch (error) {
      throw new StoreUnavailableError(`Could not read payout ${tradeNo}.`, { cause: error });
    }
  }

  /** Marks the payout as handed to Paypro under `claim`; StaleStateError if it already was. */
  async markSent(tradeNo: string, at: string, claim: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: 'SET sentAt = :at, sendClaim = :claim, updatedAt = :at',
          ConditionExpression: 'attribute_exists(tradeNo) AND attribute_not_exists(sentAt)',
          ExpressionAttributeValues: { ':at': at, ':claim': claim },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new StaleStateError(tradeNo, 'marking as sent', { cause: error });
      throw new StoreUnavailableError(`Could not mark payout ${tradeNo} as sent.`, { cause: error });
    }
  }

  /**
   * Moves a payout to `to` only if its current status allows it, recording Paypro's
   * details and a history entry in the same write. StaleStateError when refused.
   */
  async transition(tradeNo: string, change: Transition): Promise<Payout> {
    const sources = allowedSources(change.to);
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':to': change.to,
      ':at': change.at,
      ':entry': [change.entry],
    };
    const sets = ['#status = :to', 'updatedAt = :at', 'history = list_append(history, :entry)'];
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
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: update,
          ConditionExpression: `#status IN (${sourceNames.join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new StaleStateError(tradeNo, `moving to ${change.to}`, { cause: error });
      }
      throw new StoreUnavailableError(`Could not update payout ${tradeNo}.`, { cause: error });
    }
  }

  /** Appends a note to a payout's history without changing its status, up to `maxEntries`. */
  async appendHistory(tradeNo: string, entry: HistoryEntry, at: string, maxEntries = 50): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: 'SET history = list_append(history, :entry), updatedAt = :at',
          ConditionExpression: 'attribute_exists(tradeNo) AND size(history) < :max',
          ExpressionAttributeValues: { ':entry': [entry], ':at': at, ':max': maxEntries },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new StaleStateError(tradeNo, 'appending history', { cause: error });
      throw new StoreUnavailableError(`Could not append to payout ${tradeNo}.`, { cause: error });
    }
  }

  /** Open payouts due for a check at `now`, most overdue first, at most `limit`. */
  async listDue(now: string, limit: number): Promise<Payout[]> {
    try {
      const { Items = [] } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: OPEN_PAYOUTS_INDEX,
          KeyConditionExpression: 'openPk = :open AND checkAfter <= :now',
          ExpressionAttributeValues: { ':open': OPEN_PK, ':now': now },
          Limit: limit,
        }),
      );
      return Items.map(fromItem);
    } catch (error) {
      throw new StoreUnavailableError('Could not list open payouts.', { cause: error });
    }
  }

  /** Sets when an open payout is next due; a payout closed meanwhile is left alone. */
  async reschedule(tradeNo: string, checkAfter: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: 'SET checkAfter = :next',
          ConditionExpression: 'attribute_exists(openPk)',
          ExpressionAttributeValues: { ':next': checkAfter },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw new StoreUnavailableError(`Could not reschedule payout ${tradeNo}.`, { cause: error });
    }
  }

  /** Marks an open payout as needing a human, once; false if it was already flagged or is closed. */
  async flag(tradeNo: string, entry: HistoryEntry): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: 'SET flaggedAt = :at, updatedAt = :at, history = list_append(history, :entry)',
          ConditionExpression: 'attribute_exists(openPk) AND attribute_not_exists(flaggedAt)',
          ExpressionAttributeValues: { ':at': entry.at, ':entry': [entry] },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new StoreUnavailableError(`Could not flag payout ${tradeNo}.`, { cause: error });
    }
  }
}
