/*
 * A 10,000-item batch against the local stack: dynalite, the local SQS and the Paypro sandbox
 * from infra/local, the create-payout-batch and send-batch-items handlers wired as the Lambdas
 * wire them but over DynamoDB clients that count what they send, and the batch-sends queue
 * drained by the local event source at serverless.yml's maximum concurrency (2).
 * Import this only after applyBenchEnv(): lib/ parses config from the environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createSqsEventSource } from '../infra/local/event-source';
import { startLocalServices } from '../infra/local/services';
import { BatchPayoutRepository } from '../lib/batches/payout-reads';
import { SqsBatchSendQueue } from '../lib/batches/queue';
import { BatchRepository } from '../lib/batches/repository';
import { loadConfig, requireDailyCaps } from '../lib/config';
import { DynamoCapLedger } from '../lib/limits/repository';
import { PayproClient } from '../lib/paypro/client';
import { apiEvent, lambdaContext } from '../test/support/events';
import { BENCH_SECRET, noopCounter, silentLog } from './fakes';

/** What the batch benchmark measured. */
export interface BatchResults {
  items: number;
  status: number;
  acceptMs: number;
  sentMs: number;
  payoutCalls: number;
  duplicates: number;
  neverSent: number;
  /** DynamoDB items written (Put/Update/BatchWrite entries) per batch item, accept and send. */
  writesPerItem: { accept: number; send: number };
  concurrency: number;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** A document client that counts the items each write command writes. */
function countedClient(endpoint: string): { client: DynamoDBDocumentClient; writes: () => number } {
  let writes = 0;
  const base = new DynamoDBClient({ endpoint });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  base.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, unknown[]> };
      if (context.commandName === 'BatchWriteItemCommand') {
        writes += Object.values(input.RequestItems ?? {}).reduce((n, list) => n + list.length, 0);
      } else if (WRITES.has(context.commandName ?? '')) writes += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountWrites' },
  );
  return { client, writes: () => writes };
}

/** Posts one batch of `count` items, then waits until the sandbox has every one of them. */
export async function benchBatch(count: number, progress: (message: string) => void): Promise<BatchResults> {
  const concurrency = 2;
  const local = await startLocalServices({
    stage: 'bench-batch',
    secret: BENCH_SECRET,
    salt: 'prefix',
    // Accepted at once, settled (and called back) much later: only sending is measured.
    sandbox: { settleMs: 600_000 },
  });
  try {
    const sandbox = local.sandbox;
    if (!sandbox) throw new Error('the batch benchmark needs the local Paypro sandbox');
    Object.assign(process.env, local.env, { PUBLIC_BASE_URL: 'http://127.0.0.1:9/dev' });
    const config = loadConfig();
    // The function modules build their services at import, from the environment just set.
    const { createPayoutBatchHandler } = await import('../functions/create-payout-batch');
    const { sendBatchItemsHandler } = await import('../functions/send-batch-items');
    const counted = countedClient(local.env.AWS_ENDPOINT_URL_DYNAMODB ?? '');
    const payouts = new BatchPayoutRepository(counted.client, config.payoutsTable);
    const batches = new BatchRepository(counted.client, config.payoutBatchesTable);
    const caps = new DynamoCapLedger(counted.client, config.payoutLimitsTable);
    const accept = createPayoutBatchHandler(
      {
        payouts,
        batches,
        queue: new SqsBatchSendQueue(new SQSClient({}), local.env.BATCH_SENDS_QUEUE_URL ?? ''),
        caps,
        limits: requireDailyCaps(config),
        counter: noopCounter,
        log: silentLog,
        now: () => new Date(),
      },
      config,
    );
    const send = sendBatchItemsHandler(
      {
        repository: payouts,
        caps,
        paypro: new PayproClient({
          baseUrl: config.payproBaseUrl,
          timeoutMs: 5_000,
          salt: config.payproSignSalt,
        }),
        secret: async () => BENCH_SECRET,
        publicBaseUrl: config.publicBaseUrl,
        counter: noopCounter,
        log: silentLog,
        now: () => new Date(),
      },
      config,
    );

    const run = Date.now().toString(36);
    const items = Array.from({ length: count }, (_, i) => ({
      tradeNo: `${run}-${i}`,
      amount: 100 + (i % 900),
      mobile: `0712${String(i).padStart(6, '0')}`,
      remark: `payroll line ${i}`,
    }));
    const body = JSON.stringify({ batchId: `bench-${run}`, items });
    progress(`posting a ${count}-item batch (${(body.length / 1024 / 1024).toFixed(2)} MB)`);
    const started = performance.now();
    const reply = (await accept(
      apiEvent({ path: '/payout-batches', rawBody: body }),
      lambdaContext(),
    )) as APIGatewayProxyResult;
    const acceptMs = performance.now() - started;
    const acceptWrites = counted.writes();

    progress(`draining the batch-sends queue at maximum concurrency ${concurrency}`);
    const source = createSqsEventSource({
      endpoint: local.env.AWS_ENDPOINT_URL_SQS ?? '',
      queueName: (local.env.BATCH_SENDS_QUEUE_URL ?? '').split('/').at(-1) ?? '',
      handler: (event) => send(event, lambdaContext()) as never,
      batchSize: 5,
      maximumConcurrency: concurrency,
    });
    await source.start();
    const deadline = Date.now() + 20 * 60_000;
    while (items.some((i) => sandbox.payoutCalls(i.tradeNo) === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const sentMs = performance.now() - started;
    await source.stop();
    const calls = items.map((i) => sandbox.payoutCalls(i.tradeNo));
    return {
      items: count,
      status: reply.statusCode,
      acceptMs,
      sentMs,
      payoutCalls: calls.reduce((a, b) => a + b, 0),
      duplicates: calls.filter((c) => c > 1).length,
      neverSent: calls.filter((c) => c === 0).length,
      writesPerItem: { accept: acceptWrites / count, send: (counted.writes() - acceptWrites) / count },
      concurrency,
    };
  } finally {
    await local.close();
  }
}
