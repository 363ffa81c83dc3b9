/*
 * DynamoDB's document client for one table held in a Map, at the wire level: the repositories'
 * own commands and expressions run unchanged, so the bench counts the writes and reads they make.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DUE_PAYOUTS_INDEX } from '../../../lib/payouts/keys';
import { applyUpdate, conditionFailed, evaluateCondition, type Item } from './expressions';

/** How many commands of each kind the fake DynamoDB has served. */
export interface CommandCounts {
  put: number;
  get: number;
  update: number;
  query: number;
}

/** Writes and reads in a count, as DynamoDB bills them (Put/Update write, Get/Query read). */
export function writesAndReads(counts: CommandCounts): { writes: number; reads: number } {
  return { writes: counts.put + counts.update, reads: counts.get + counts.query };
}

/** `after - before`, field by field. */
export function countsBetween(before: CommandCounts, after: CommandCounts): CommandCounts {
  return {
    put: after.put - before.put,
    get: after.get - before.get,
    update: after.update - before.update,
    query: after.query - before.query,
  };
}

// What the document client would do on the wire: undefined dropped (removeUndefinedValues),
// and no caller ever shares an object with the store.
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * A DynamoDBDocumentClient for the payouts table held in a Map: Put, Get, Update and Query
 * with the condition and update expressions the repository sends, failing a false condition
 * with ConditionalCheckFailedException as DynamoDB does.
 */
export class FakeDocumentClient {
  readonly counts: CommandCounts = { put: 0, get: 0, update: 0, query: 0 };
  /** Writes to the due-payouts index, by its partition key, as DynamoDB bills them. */
  readonly indexWrites = new Map<string, number>();
  private readonly items = new Map<string, Item>();

  constructor(private readonly keyName = 'tradeNo') {}

  /** This fake, typed as what PayoutRepository takes. */
  asDocumentClient(): DynamoDBDocumentClient {
    return this as unknown as DynamoDBDocumentClient;
  }

  /** A snapshot of the command counts. */
  snapshot(): CommandCounts {
    return { ...this.counts };
  }

  /** Serves one command; `async` so callers see a promise, as with the real client. */
  async send(command: unknown): Promise<Record<string, unknown>> {
    if (command instanceof PutCommand) return this.put(command.input);
    if (command instanceof GetCommand) return this.get(command.input);
    if (command instanceof UpdateCommand) return this.update(command.input);
    if (command instanceof QueryCommand) return this.query(command.input);
    throw new Error(`fake DynamoDB: unsupported command ${(command as object)?.constructor?.name}`);
  }

  private keyOf(key: Record<string, unknown> | undefined): string {
    const value = key?.[this.keyName];
    if (typeof value !== 'string') throw new Error(`fake DynamoDB: key ${this.keyName} missing`);
    return value;
  }

  private put(input: PutCommand['input']): Record<string, unknown> {
    this.counts.put += 1;
    const item = copy(input.Item ?? {});
    const key = this.keyOf(item);
    const ctx = { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues };
    if (!evaluateCondition(input.ConditionExpression, this.items.get(key), ctx)) throw conditionFailed();
    this.countIndexWrites(this.items.get(key), item);
    this.items.set(key, item);
    return {};
  }

  private get(input: GetCommand['input']): Record<string, unknown> {
    this.counts.get += 1;
    const item = this.items.get(this.keyOf(input.Key));
    return item ? { Item: copy(item) } : {};
  }

  private update(input: UpdateCommand['input']): Record<string, unknown> {
    this.counts.update += 1;
    const key = this.keyOf(input.Key);
    const existing = this.items.get(key);
    const values = input.ExpressionAttributeValues ? copy(input.ExpressionAttributeValues) : undefined;
    const ctx = { names: input.ExpressionAttributeNames, values };
    if (!evaluateCondition(input.ConditionExpression, existing, ctx)) throw conditionFailed();
    if (!input.UpdateExpression) throw new Error('fake DynamoDB: UpdateExpression missing');
    // Applied to a copy and stored only when whole: a failed update changes nothing.
    const next = existing ? copy(existing) : copy(input.Key ?? {});
    applyUpdate(input.UpdateExpression, next, ctx);
    this.countIndexWrites(existing, next);
    this.items.set(key, next);
    if (input.ReturnValues === 'ALL_NEW') return { Attributes: copy(next) };
    if (input.ReturnValues && input.ReturnValues !== 'NONE') {
      throw new Error(`fake DynamoDB: unsupported ReturnValues ${input.ReturnValues}`);
    }
    return {};
  }

  /**
   * The index's share of a write, as DynamoDB bills a GSI: an item entering or leaving it is
   * one write under its key; a changed index key is two (the old entry out, the new one in);
   * a changed projected attribute is one; anything else (status, history) none, since the
   * index projects only its keys and createdAt.
   */
  private countIndexWrites(before: Item | undefined, after: Item): void {
    const entry = (item: Item | undefined) =>
      item?.openPk !== undefined && item.checkAfter !== undefined
        ? { pk: String(item.openPk), sk: String(item.checkAfter), createdAt: item.createdAt }
        : undefined;
    const add = (pk: string) => this.indexWrites.set(pk, (this.indexWrites.get(pk) ?? 0) + 1);
    const old = entry(before);
    const now = entry(after);
    if (old && (!now || now.pk !== old.pk || now.sk !== old.sk)) add(old.pk);
    if (now && (!old || now.pk !== old.pk || now.sk !== old.sk)) add(now.pk);
    else if (now && old && now.createdAt !== old.createdAt) add(now.pk);
  }

  private query(input: QueryCommand['input']): Record<string, unknown> {
    this.counts.query += 1;
    // The only index the repository queries: sparse, partition openPk, sort checkAfter.
    if (input.IndexName !== DUE_PAYOUTS_INDEX) {
      throw new Error(`fake DynamoDB: unsupported index ${input.IndexName}`);
    }
    const ctx = { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues };
    const order = (item: Item) => `${String(item.checkAfter)}\u0000${String(item.tradeNo)}`;
    const start = input.ExclusiveStartKey ? order(input.ExclusiveStartKey as Item) : undefined;
    const matches = [...this.items.values()]
      .filter((item) => item.openPk !== undefined && item.checkAfter !== undefined)
      .filter((item) => evaluateCondition(input.KeyConditionExpression, item, ctx))
      .sort((a, b) => order(a).localeCompare(order(b)))
      .filter((item) => start === undefined || order(item) > start);
    const page = input.Limit === undefined ? matches : matches.slice(0, input.Limit);
    const last = page.at(-1);
    const cursor =
      last && page.length < matches.length
        ? { LastEvaluatedKey: { tradeNo: last.tradeNo, openPk: last.openPk, checkAfter: last.checkAfter } }
        : {};
    if (input.Select === 'COUNT') return { Count: page.length, ...cursor };
    const projected = page.map((item) => ({
      tradeNo: item.tradeNo,
      openPk: item.openPk,
      checkAfter: item.checkAfter,
      createdAt: item.createdAt,
    }));
    return { Items: projected, Count: page.length, ...cursor };
  }
}
