/*
 * In-memory stand-ins for the outside world of the handler benchmark: DynamoDB (document
 * client), Paypro's HTTP API, Secrets Manager, the logger and the metrics counter.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Log } from '../lib/logger';
import type { Counter } from '../lib/metrics';
import { DUE_PAYOUTS_INDEX } from '../lib/payouts/keys';
import type { PayproSecret } from '../lib/paypro/secret';
import { applyUpdate, conditionFailed, evaluateCondition, type Item } from './expressions';

/** The credentials every fake agrees on. */
export const BENCH_SECRET: PayproSecret = {
  merchantNo: '0000000001',
  appSecret: 'bench-secret',
  callbackKey: 'bench-callback-key-0123456789',
};

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
    throw new Error(`bench fake DynamoDB: unsupported command ${(command as object)?.constructor?.name}`);
  }

  private keyOf(key: Record<string, unknown> | undefined): string {
    const value = key?.[this.keyName];
    if (typeof value !== 'string') throw new Error(`bench fake DynamoDB: key ${this.keyName} missing`);
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
    if (!input.UpdateExpression) throw new Error('bench fake DynamoDB: UpdateExpression missing');
    // Applied to a copy and stored only when whole: a failed update changes nothing.
    const next = existing ? copy(existing) : copy(input.Key ?? {});
    applyUpdate(input.UpdateExpression, next, ctx);
    this.countIndexWrites(existing, next);
    this.items.set(key, next);
    if (input.ReturnValues === 'ALL_NEW') return { Attributes: copy(next) };
    if (input.ReturnValues && input.ReturnValues !== 'NONE') {
      throw new Error(`bench fake DynamoDB: unsupported ReturnValues ${input.ReturnValues}`);
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
      throw new Error(`bench fake DynamoDB: unsupported index ${input.IndexName}`);
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

/** A fetch for PayproClient that answers like Paypro: payouts accepted ('0015'), queries found ('0000'). */
export function fakePayproFetch(): { fetch: typeof fetch; payoutCalls: Map<string, number> } {
  const amounts = new Map<string, string>();
  const payoutCalls = new Map<string, number>();
  const answer = (data: unknown, code = '0000', msg = 'success') =>
    new Response(JSON.stringify({ code, msg, success: code === '0000', timestamp: Date.now(), data }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, string>;
    const tradeNo = String(body.tradeNo);
    if (url.endsWith('/api/payout')) {
      payoutCalls.set(tradeNo, (payoutCalls.get(tradeNo) ?? 0) + 1);
      amounts.set(tradeNo, String(body.amount));
      return answer({ serialNumber: `sn-${tradeNo}`, status: '0015', desc: 'CREDIT_INPROGRESS' });
    }
    if (url.endsWith('/api/queryPayOutResult')) {
      const amount = amounts.get(tradeNo);
      if (amount === undefined) return answer(null, '1005', 'ORDER_NOT_EXIST');
      return answer({
        platFormTradeNo: `pf-${tradeNo}`,
        tradeNo,
        amount: `${amount}.0000`,
        status: '0000',
        message: 'SUCCESS',
        successTime: '2026-01-01 12:00:00',
      });
    }
    return new Response('not found', { status: 404 });
  };
  return { fetch: fake as typeof fetch, payoutCalls };
}

/** A logger that drops everything. */
export const silentLog: Log = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A metrics counter that drops everything. */
export const noopCounter: Counter = { count: () => undefined };

/**
 * A real SecretsManagerClient whose every `send` is counted and answered in its first
 * middleware step, before any signing or network, with the given secret.
 */
export function countedSecretsManager(secret: PayproSecret): {
  client: SecretsManagerClient;
  calls: () => number;
} {
  let calls = 0;
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      calls += 1;
      if (!(args.input && 'SecretId' in args.input) || context.commandName !== 'GetSecretValueCommand') {
        throw new Error(`bench fake Secrets Manager: unexpected ${context.commandName}`);
      }
      return { output: { SecretString: JSON.stringify(secret), $metadata: {} } } as never;
    },
    { step: 'initialize', name: 'benchCountedSecretsManager' },
  );
  return { client, calls: () => calls };
}
