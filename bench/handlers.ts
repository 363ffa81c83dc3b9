/*
 * The composed handlers (middy stack included) over in-memory fakes: their own overhead per
 * payout and per callback, the DynamoDB commands each sends, and Secrets Manager on the warm path.
 * Import this only after applyBenchEnv(): the function modules parse config at import.
 */

import type { APIGatewayProxyResult } from 'aws-lambda';
import { loadConfig, requireDailyCaps } from '../lib/config';
import { DynamoCapLedger } from '../lib/limits/repository';
import { DuePayoutRepository } from '../lib/payouts/due';
import { ResendRepository } from '../lib/payouts/resend-repository';
import { callbackToken } from '../lib/paypro/callback-token';
import { PayproClient } from '../lib/paypro/client';
import { cachedPayproSecret } from '../lib/paypro/secret';
import type { Deps } from '../lib/wiring/payouts';
import { buildSenderBreaker } from '../lib/wiring/paypro';
import { apiEvent, lambdaContext } from '../test/support/events';
import {
  BENCH_SECRET,
  type CommandCounts,
  countedSecretsManager,
  countsBetween,
  FakeDocumentClient,
  fakePayproFetch,
  noopCounter,
  silentLog,
} from './fakes';
import { latencySummary, tally } from './stats';

/** Latency of one kind of invocation, and the HTTP statuses it answered with. */
export interface Timed {
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

/** What the in-process handler benchmark measured. */
export interface HandlerResults {
  n: number;
  create: Timed;
  callback: Timed;
  /** Commands summed over the n timed creates / callbacks (divide by n for per-call). */
  createOps: CommandCounts;
  callbackOps: CommandCounts;
  /** Writes to the due-payouts index over the n timed creates and callbacks, by partition key. */
  indexWrites: Map<string, number>;
  /** Payouts the fake Paypro received more than once (must be 0). */
  payproDuplicates: number;
  secret: { coldCalls: number; warmCalls: number; warmInvocations: number };
}

type Handler = (event: ReturnType<typeof apiEvent>, context: ReturnType<typeof lambdaContext>) => unknown;

const mobileOf = (i: number) => `0712${String(i % 1_000_000).padStart(6, '0')}`;
const amountOf = (i: number) => 100 + (i % 1000);

function createEvent(tradeNo: string, i: number) {
  return apiEvent({ body: { amount: amountOf(i), mobile: mobileOf(i), tradeNo, remark: 'bench' } });
}

// As Paypro sends it: amount a JSON number with four decimals, time in Kenya time.
function callbackEvent(key: string, tradeNo: string, i: number) {
  const raw =
    `{"platFormTradeNo":"pf-${tradeNo}","tradeNo":"${tradeNo}","amount":${amountOf(i)}.0000,` +
    '"status":"0000","message":"SUCCESS","successTime":"2026-01-01 12:00:00"}';
  const token = callbackToken(key, tradeNo);
  return apiEvent({
    path: `/callbacks/paypro/${tradeNo}/${token}`,
    rawBody: raw,
    pathParameters: { tradeNo, token },
  });
}

/** Invokes `handler` once per tradeNo, one after another, timing each call. */
async function invokeAll(
  handler: Handler,
  tradeNos: readonly string[],
  eventOf: (tradeNo: string, i: number) => ReturnType<typeof apiEvent>,
): Promise<{ ms: number[]; statuses: number[] }> {
  const ms: number[] = [];
  const statuses: number[] = [];
  for (const [i, tradeNo] of tradeNos.entries()) {
    // The event is built outside the timed span: it is the caller's work, not the handler's.
    const event = eventOf(tradeNo, i);
    const start = performance.now();
    const result = (await handler(event, lambdaContext())) as APIGatewayProxyResult;
    ms.push(performance.now() - start);
    statuses.push(result.statusCode);
  }
  return { ms, statuses };
}

const timed = (run: { ms: number[]; statuses: number[] }): Timed => ({
  ...latencySummary(run.ms),
  statuses: tally(run.statuses),
});

const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/** Index writes per key made during the two timed spans [a, b] and [c, d], warm-ups left out. */
function indexDelta(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  c: ReadonlyMap<string, number>,
  d: ReadonlyMap<string, number>,
): Map<string, number> {
  const keys = new Set([...b.keys(), ...d.keys()]);
  const at = (m: ReadonlyMap<string, number>, k: string) => m.get(k) ?? 0;
  return new Map([...keys].map((k) => [k, at(b, k) - at(a, k) + at(d, k) - at(c, k)]));
}

/** Runs creates then callbacks: `warmup` untimed of each, then `n` timed of each. */
export async function benchHandlers(n: number, warmup: number): Promise<HandlerResults> {
  const { createPayoutHandler } = await import('../functions/create-payout');
  const { payproCallbackHandler } = await import('../functions/paypro-callback');
  const config = loadConfig();
  const dynamo = new FakeDocumentClient();
  const paypro = fakePayproFetch();
  const limits = new FakeDocumentClient('pk').asDocumentClient();
  const base: Omit<Deps, 'secret'> = {
    repository: new DuePayoutRepository(dynamo.asDocumentClient(), config.payoutsTable),
    resends: new ResendRepository(dynamo.asDocumentClient(), config.payoutsTable),
    caps: new DynamoCapLedger(limits, config.payoutLimitsTable),
    breaker: buildSenderBreaker(limits, config, config.breaker),
    dailyCaps: requireDailyCaps(config),
    paypro: new PayproClient({
      baseUrl: config.payproBaseUrl,
      timeoutMs: config.payproTimeoutMs,
      salt: config.payproSignSalt,
      fetch: paypro.fetch,
    }),
    publicBaseUrl: config.publicBaseUrl,
    verifyByQuery: config.callbackVerifyByQuery,
    reconcileMinAgeMs: config.reconcileMinAgeMs,
    reconcileBatchSize: config.reconcileBatchSize,
    reconcileFlagAfterMs: config.reconcileFlagAfterMs,
    reconcileConcurrency: config.reconcileConcurrency,
    resendAfterMs: config.resendAfterMs,
    maxResends: config.maxResends,
    log: silentLog,
    counter: noopCounter,
    now: () => new Date(),
  };
  const key = BENCH_SECRET.callbackKey;
  const onCallback = (tradeNo: string, i: number) => callbackEvent(key, tradeNo, i);

  // Timed pass: the secret is a plain function, so only the handlers' own work is timed.
  const deps: Deps = { ...base, secret: async () => BENCH_SECRET };
  const create = createPayoutHandler(deps, config) as Handler;
  const callback = payproCallbackHandler(deps) as Handler;
  const warm = names('warm', warmup);
  const measured = names('timed', n);
  await invokeAll(create, warm, createEvent);
  const indexBefore = new Map(dynamo.indexWrites);
  let before = dynamo.snapshot();
  const creates = await invokeAll(create, measured, createEvent);
  const createOps = countsBetween(before, dynamo.snapshot());
  const indexAfterCreates = new Map(dynamo.indexWrites);
  await invokeAll(callback, warm, onCallback);
  const indexBeforeCallbacks = new Map(dynamo.indexWrites);
  before = dynamo.snapshot();
  const callbacks = await invokeAll(callback, measured, onCallback);
  const callbackOps = countsBetween(before, dynamo.snapshot());
  const indexWrites = indexDelta(indexBefore, indexAfterCreates, indexBeforeCallbacks, dynamo.indexWrites);

  // Warm-path pass: the real cached secret over a counted Secrets Manager client, same workload.
  const secrets = countedSecretsManager(BENCH_SECRET);
  const cached: Deps = {
    ...base,
    secret: cachedPayproSecret(secrets.client, config.payproSecretId, config.secretCacheTtlMs),
  };
  const cachedCreate = createPayoutHandler(cached, config) as Handler;
  const cachedCallback = payproCallbackHandler(cached) as Handler;
  await invokeAll(cachedCreate, ['secret-cold'], createEvent);
  const coldCalls = secrets.calls();
  const warmNames = names('secret-warm', n);
  const warmCreates = await invokeAll(cachedCreate, warmNames, createEvent);
  const warmCallbacks = await invokeAll(cachedCallback, warmNames, onCallback);
  const bad = [...warmCreates.statuses, ...warmCallbacks.statuses].filter((s) => s !== 201 && s !== 200);
  if (bad.length > 0) throw new Error(`warm-path pass answered ${JSON.stringify(tally(bad))}`);

  return {
    n,
    create: timed(creates),
    callback: timed(callbacks),
    createOps,
    callbackOps,
    indexWrites,
    payproDuplicates: [...paypro.payoutCalls.values()].filter((calls) => calls > 1).length,
    secret: { coldCalls, warmCalls: secrets.calls() - coldCalls, warmInvocations: 2 * n },
  };
}
