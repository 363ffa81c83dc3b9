import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { PayoutExistsError, StaleStateError, StoreUnavailableError } from '../errors';
import type { PayoutOutbox } from '../events/outbox';
import type { PayoutEvent } from '../events/payout-event';
import { kenyaDate } from '../paypro/kenya-time';
import { allowedSources, type HistoryEntry, isFinal, type Payout } from './payout';
import type { DueCount, DuePage, DueRef, PayoutStore, Transition } from './store';

export type { DueCount, DuePage, DueRef, Transition } from './store';

/**
 * Sparse index of open payouts: only PENDING/PROCESSING items carry `openPk` and
 * `checkAfter` (when the reconciler should next ask Paypro), so the reconciler lists the
 * due ones without a scan. It projects only the keys and `createdAt` (what the reconciler
 * reads before it claims a payout), so status and history updates never write to it. Must
 * match `infra/payouts-table.json`.
 */
export const DUE_PAYOUTS_INDEX = 'due-payouts';

/**
 * How many partition keys (`OPEN#0` … `OPEN#15`) the index spreads open payouts over. Each
 * payout costs the index about two writes (in when recorded, out when final) plus two per
 * reconciler check, so at 1,000 payouts/s one key takes about 2,000/16 = 125 writes/s, far
 * below DynamoDB's 1,000 writes/s per partition. The one place this number lives.
 */
export const OPEN_SHARDS = 16;

/**
 * The single key every open payout carried before the index was sharded. Items written by
 * that release keep it until their first check moves them to their shard, so the reconciler
 * reads it too for one release (docs/deploy-and-upgrade.md, "Upgrading a stage").
 */
export const LEGACY_OPEN_PK = 'OPEN';

/** Every partition key the reconciler reads: the shards, then the legacy key. */
export const OPEN_PARTITION_KEYS: readonly string[] = [
  ...Array.from({ length: OPEN_SHARDS }, (_, i) => `OPEN#${i}`),
  LEGACY_OPEN_PK,
];

/** The index partition key of an open payout: `OPEN#<n>`, n a stable hash of the tradeNo. */
export function openPartitionKey(tradeNo: string): string {
  return `OPEN#${shardOf(tradeNo)}`;
}

/** The shard (0 … OPEN_SHARDS - 1) of a tradeNo, the same in every sharded index. */
function shardOf(tradeNo: string): number {
  // FNV-1a: cheap, stable across releases and runtimes, and even enough over tradeNos.
  let hash = 0x811c9dc5;
  for (let i = 0; i < tradeNo.length; i += 1) {
    hash ^= tradeNo.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % OPEN_SHARDS;
}

/**
 * Index of every payout by the Kenya day it was created (the operator's list and daily report):
 * `dayPk = DAY#<YYYY-MM-DD>#<n>` (n the tradeNo's shard, so one busy day spreads over 16 keys)
 * and `daySk = <createdAt>#<tradeNo>` (unique, in creation order; batch items share a createdAt).
 * It projects what a list line and a report row show and no `updatedAt`, history or outbox, so
 * only the insert, status changes and the flag write to it: about 3 index writes per payout.
 * Must match `infra/payouts-table.json`.
 */
export const PAYOUTS_BY_DAY_INDEX = 'payouts-by-day';

/** The day index partition key of a payout: `DAY#<Kenya day of createdAt>#<shard of tradeNo>`. */
export function dayPartitionKey(tradeNo: string, createdAt: string): string {
  return `DAY#${kenyaDate(createdAt)}#${shardOf(tradeNo)}`;
}

/** Every day index partition key of one Kenya day (`YYYY-MM-DD`). */
export function dayPartitionKeys(day: string): string[] {
  return Array.from({ length: OPEN_SHARDS }, (_, i) => `DAY#${day}#${i}`);
}

/** The day index sort key of a payout: creation order, the tradeNo breaking ties. */
export function daySortKey(tradeNo: string, createdAt: string): string {
  return `${createdAt}#${tradeNo}`;
}

/**
 * Sparse index of payouts with events not yet published (the outbox): only items whose
 * `outbox` list is not empty carry `outboxPk` (`OUTBOX#<n>`, sharded as the open index) and
 * `outboxSince`, so the publisher's sweep finds them without a scan. Keys only.
 */
export const OUTBOX_INDEX = 'outbox-pending';

/** Every partition key of the outbox index. */
export const OUTBOX_PARTITION_KEYS: readonly string[] = Array.from(
  { length: OPEN_SHARDS },
  (_, i) => `OUTBOX#${i}`,
);

/** The outbox index partition key of a payout. */
export function outboxPartitionKey(tradeNo: string): string {
  return openPartitionKey(tradeNo).replace('OPEN#', 'OUTBOX#');
}

/**
 * The parts of an update that commit an event with it: the event appended to the item's
 * outbox, the outbox index keys set, the version moved by one, on condition that the
 * version is still the one the event was built on. So an event exists if and only if its
 * change was committed, and two writers can never give two events one version.
 */
function withEvent(event: PayoutEvent, tradeNo: string, at: string) {
  const previous = event.version - 1;
  return {
    sets: [
      '#version = :version',
      'outbox = list_append(if_not_exists(outbox, :noEvents), :events)',
      'outboxPk = :outboxPk',
      'outboxSince = if_not_exists(outboxSince, :outboxSince)',
    ],
    names: { '#version': 'version' },
    values: {
      ':version': event.version,
      ':previousVersion': previous,
      ':noEvents': [],
      ':events': [event],
      ':outboxPk': outboxPartitionKey(tradeNo),
      ':outboxSince': at,
    },
    condition:
      previous === 0
        ? '(attribute_not_exists(#version) OR #version = :previousVersion)'
        : '#version = :previousVersion',
  };
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** A payout as the API and the use cases see it: the index and outbox attributes left out. */
export function fromItem(item: Record<string, unknown>): Payout {
  const {
    openPk: _openPk,
    checkAfter: _checkAfter,
    outbox: _outbox,
    outboxPk: _outboxPk,
    outboxSince: _outboxSince,
    dayPk: _dayPk,
    daySk: _daySk,
    ...payout
  } = item;
  return payout as unknown as Payout;
}

/** DynamoDB storage of payouts; SDK errors stop here and become domain errors. */
export class PayoutRepository implements PayoutStore, PayoutOutbox {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** Writes a new payout, due for reconciliation at `checkAfter`; PayoutExistsError when its tradeNo is taken. */
  async create(payout: Payout, checkAfter: string): Promise<void> {
    const item = {
      ...payout,
      paypro: payout.paypro ?? {},
      ...(isFinal(payout.status) ? {} : { openPk: openPartitionKey(payout.tradeNo), checkAfter }),
      dayPk: dayPartitionKey(payout.tradeNo, payout.createdAt),
      daySk: daySortKey(payout.tradeNo, payout.createdAt),
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

  /** Marks a PENDING payout as handed to Paypro under `claim`; StaleStateError if it already was, or is not PENDING. */
  async markSent(tradeNo: string, at: string, claim: string): Promise<void> {
    try {
      await this.client.send(
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
    const event = withEvent(change.event, tradeNo, change.at);
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
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: update,
          ConditionExpression: `#status IN (${sourceNames.join(', ')}) AND ${event.condition}${change.unsentOnly ? ' AND attribute_not_exists(sentAt)' : ''}`,
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
    const withIt = event && withEvent(event, tradeNo, at);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: `SET ${['history = list_append(history, :entry)', 'updatedAt = :at', ...(withIt?.sets ?? [])].join(', ')}`,
          ConditionExpression: `attribute_exists(tradeNo) AND size(history) < :max${withIt ? ` AND ${withIt.condition}` : ''}`,
          ...(withIt && { ExpressionAttributeNames: withIt.names }),
          ExpressionAttributeValues: { ':entry': [entry], ':at': at, ':max': maxEntries, ...withIt?.values },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new StaleStateError(tradeNo, 'appending history', { cause: error });
      throw new StoreUnavailableError(`Could not append to payout ${tradeNo}.`, { cause: error });
    }
  }

  /** A page of the payouts under `partitionKey` due at `now`, most overdue first. */
  async listDue(
    partitionKey: string,
    now: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<DuePage> {
    try {
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DUE_PAYOUTS_INDEX,
          KeyConditionExpression: 'openPk = :pk AND checkAfter <= :now',
          ExpressionAttributeValues: { ':pk': partitionKey, ':now': now },
          Limit: limit,
          ...(cursor && { ExclusiveStartKey: cursor }),
        }),
      );
      const refs = Items.map((item) => ({
        tradeNo: String(item.tradeNo),
        checkAfter: String(item.checkAfter),
        createdAt: String(item.createdAt),
      }));
      return { refs, ...(LastEvaluatedKey && { cursor: LastEvaluatedKey }) };
    } catch (error) {
      throw new StoreUnavailableError('Could not list open payouts.', { cause: error });
    }
  }

  /** Counts the payouts under `partitionKey` due at `now` (the backlog), reading keys only. */
  async countDue(partitionKey: string, now: string): Promise<DueCount> {
    const key = { ':pk': partitionKey, ':now': now };
    const condition = 'openPk = :pk AND checkAfter <= :now';
    try {
      const { Items = [] } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DUE_PAYOUTS_INDEX,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: key,
          Limit: 1,
        }),
      );
      const oldest = Items[0]?.checkAfter;
      if (oldest === undefined) return { count: 0 };
      let count = 0;
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: DUE_PAYOUTS_INDEX,
            KeyConditionExpression: condition,
            ExpressionAttributeValues: key,
            Select: 'COUNT',
            ...(cursor && { ExclusiveStartKey: cursor }),
          }),
        );
        count += page.Count ?? 0;
        cursor = page.LastEvaluatedKey;
      } while (cursor);
      return { count, oldestCheckAfter: String(oldest) };
    } catch (error) {
      throw new StoreUnavailableError('Could not count open payouts.', { cause: error });
    }
  }

  /**
   * Claims an open payout for one check by moving its `checkAfter` from the value the index
   * showed to `nextCheckAfter` (and a legacy item to its shard). Returns the payout as stored,
   * or undefined when another run claimed it first, it was closed, or it was rescheduled: two
   * overlapping reconcilers never check the same payout in the same round.
   */
  async claimCheck(ref: DueRef, nextCheckAfter: string): Promise<Payout | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo: ref.tradeNo },
          UpdateExpression: 'SET checkAfter = :next, openPk = :pk',
          ConditionExpression: 'attribute_exists(openPk) AND checkAfter = :seen',
          ExpressionAttributeValues: {
            ':next': nextCheckAfter,
            ':seen': ref.checkAfter,
            ':pk': openPartitionKey(ref.tradeNo),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw new StoreUnavailableError(`Could not claim payout ${ref.tradeNo} for a check.`, { cause: error });
    }
  }

  /** The events a payout's outbox holds, oldest version first (strongly consistent). */
  async readOutbox(tradeNo: string): Promise<PayoutEvent[]> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          ConsistentRead: true,
          ProjectionExpression: 'outbox',
        }),
      );
      const events = (Item?.outbox ?? []) as PayoutEvent[];
      return [...events].sort((a, b) => a.version - b.version);
    } catch (error) {
      throw new StoreUnavailableError(`Could not read the outbox of payout ${tradeNo}.`, { cause: error });
    }
  }

  /**
   * Empties the outbox after its `count` events were published, only if it still holds
   * exactly that many (an event added meanwhile keeps it, to be published next); false then.
   */
  async clearOutbox(tradeNo: string, count: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: 'REMOVE outbox, outboxPk, outboxSince',
          ConditionExpression: 'size(outbox) = :count',
          ExpressionAttributeValues: { ':count': count },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new StoreUnavailableError(`Could not clear the outbox of payout ${tradeNo}.`, { cause: error });
    }
  }

  /** A page of the payouts under one outbox key with events waiting since `before` or earlier. */
  async listOutbox(
    partitionKey: string,
    before: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ tradeNos: string[]; cursor?: Record<string, unknown> }> {
    try {
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: OUTBOX_INDEX,
          KeyConditionExpression: 'outboxPk = :pk AND outboxSince <= :before',
          ExpressionAttributeValues: { ':pk': partitionKey, ':before': before },
          Limit: limit,
          ...(cursor && { ExclusiveStartKey: cursor }),
        }),
      );
      return {
        tradeNos: Items.map((i) => String(i.tradeNo)),
        ...(LastEvaluatedKey && { cursor: LastEvaluatedKey }),
      };
    } catch (error) {
      throw new StoreUnavailableError('Could not list payouts with unpublished events.', { cause: error });
    }
  }

  /**
   * Marks an open payout as needing a human, once, committing its event; false if it was
   * already flagged, is closed, or its version moved (the next run tries again).
   */
  async flag(tradeNo: string, entry: HistoryEntry, event: PayoutEvent): Promise<boolean> {
    const withIt = withEvent(event, tradeNo, entry.at);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tradeNo },
          UpdateExpression: `SET ${['flaggedAt = :at', 'updatedAt = :at', 'history = list_append(history, :entry)', ...withIt.sets].join(', ')}`,
          ConditionExpression: `attribute_exists(openPk) AND attribute_not_exists(flaggedAt) AND ${withIt.condition}`,
          ExpressionAttributeNames: withIt.names,
          ExpressionAttributeValues: { ':at': entry.at, ':entry': [entry], ...withIt.values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new StoreUnavailableError(`Could not flag payout ${tradeNo}.`, { cause: error });
    }
  }
}
