/*
 * Bulk payouts against the local stack: dynalite, the local SQS and the Paypro sandbox from
 * infra/local, the create-payout-batch, advance-batches and send-batch-items handlers wired as
 * the Lambdas wire them but over a DynamoDB client that counts what it sends, the batch-steps
 * and batch-sends queues drained by the local event source. Paypro answers each payout after
 * PAYPRO_LATENCY_MS. Import this only after applyBenchEnv(): lib/ parses config from the environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { startLocalDeps } from '../infra/local/deps';
import { createSqsEventSource } from '../infra/local/event-source';
import { BatchRepository } from '../lib/batches/repository';
import { loadConfig, readConfig } from '../lib/config';
import { DynamoCapLedger } from '../lib/limits/repository';
import { apiEvent, lambdaContext } from '../test/support/events';
import { BENCH_SECRET, noopCounter, silentLog } from './fakes';

/** What the batch benchmark measured. */
export interface BatchResults {
  /** Intake (202) time per batch size, ms. */
  intakeMs: Array<{ items: number; ms: number; status: number }>;
  /** The 10,000-item batch sent again: its reply and time. */
  replay: { status: number; ms: number };
  items: number;
  /** From the 202 until every item was recorded as a payout (the batch SENDING). */
  recordedMs: number;
  /** From the 202 until Paypro had every item. */
  sentMs: number;
  payoutCalls: number;
  duplicates: number;
  neverSent: number;
  /** Writes to the caps' counters table from intake until every item was sent. */
  capWrites: number;
  sendConcurrency: number;
  latencyMs: number;
}

const SIZES = [100, 1_000, 10_000];
/** What a merchant with a large payroll sets batchSendConcurrency to (serverless.yml params). */
const SEND_CONCURRENCY = 10;
const PAYPRO_LATENCY_MS = 200;

/** A document client that counts the writes sent to one table. */
function countedClient(
  endpoint: string,
  table: string,
): { client: DynamoDBDocumentClient; writes: () => number } {
  let writes = 0;
  const base = new DynamoDBClient({ endpoint });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  base.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string };
      if (input.TableName === table && /^(Put|Update|Delete)Item/.test(context.commandName ?? ''))
        writes += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountWrites' },
  );
  return { client, writes: () => writes };
}

const silentContext = () => ({ ...lambdaContext(), getRemainingTimeInMillis: () => 100_000 });

/**
 * Waits (at most 30 minutes) until Paypro has every id; notes when `recorded` first says yes.
 * Both times are counted from `started`.
 */
async function sendTimes(
  ids: readonly string[],
  callsTo: (id: string) => number,
  recorded: () => Promise<boolean>,
  started: number,
): Promise<{ recordedMs: number; sentMs: number }> {
  const deadline = Date.now() + 30 * 60_000;
  let recordedMs = Number.NaN;
  while (ids.some((id) => callsTo(id) === 0) && Date.now() < deadline) {
    if (Number.isNaN(recordedMs) && (await recorded())) recordedMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { recordedMs, sentMs: performance.now() - started };
}

/** Posts batches of 100, 1,000 and 10,000 items, replays the largest, and waits until all of it is sent. */
export async function benchBatch(progress: (message: string) => void): Promise<BatchResults> {
  const local = await startLocalDeps({
    stage: 'bench-batch',
    secret: BENCH_SECRET,
    salt: 'prefix',
    // Answered after PAYPRO_LATENCY_MS, settled (and called back) much later: only sending is measured.
    sandbox: { settleMs: 3_600_000, payoutDelayMs: PAYPRO_LATENCY_MS },
  });
  try {
    const sandbox = local.sandbox;
    if (!sandbox) throw new Error('the batch benchmark needs the local Paypro sandbox');
    Object.assign(process.env, local.env, {
      PUBLIC_BASE_URL: 'http://127.0.0.1:9/dev',
      BATCH_CHECK_INTERVAL_S: '1',
    });
    const config = loadConfig();
    const endpoint = local.env.AWS_ENDPOINT_URL_DYNAMODB ?? '';
    const counted = countedClient(endpoint, config.payoutLimitsTable);
    const caps = new DynamoCapLedger(counted.client, config.payoutLimitsTable);
    // The function modules build their deps at import, from the environment just set.
    const { createPayoutBatchHandler } = await import('../functions/create-payout-batch');
    const { advanceBatchesHandler } = await import('../functions/advance-batches');
    const { sendBatchItemsHandler } = await import('../functions/send-batch-items');
    const deps = await import('../lib/wiring/batches');
    const quiet = { counter: noopCounter, log: silentLog };
    const intake = deps.buildIntakeDeps(readConfig(deps.readIntake));
    const accept = createPayoutBatchHandler({ ...intake, caps, ...quiet }, config);
    const advance = advanceBatchesHandler({
      ...deps.buildAdvanceDeps(readConfig(deps.readAdvance)),
      caps,
      ...quiet,
    });
    const send = sendBatchItemsHandler(
      { ...deps.buildSendItemDeps(readConfig(deps.readSendItem)), ...quiet },
      config,
    );
    const batches = new BatchRepository(counted.client, config.payoutBatchesTable);

    const run = Date.now().toString(36);
    const bodyOf = (n: number) =>
      JSON.stringify({
        batchId: `bench-${run}-${n}`,
        items: Array.from({ length: n }, (_, i) => ({
          tradeNo: `${run}-${n}-${i}`,
          amount: 100 + (i % 900),
          mobile: `0712${String(i).padStart(6, '0')}`,
          remark: `payroll line ${i}`,
        })),
      });
    const post = async (body: string) => {
      const started = performance.now();
      const reply = (await accept(
        apiEvent({ path: '/payout-batches', rawBody: body }),
        lambdaContext(),
      )) as APIGatewayProxyResult;
      return { status: reply.statusCode, ms: performance.now() - started };
    };
    const queueName = (url: string | undefined) => (url ?? '').split('/').at(-1) ?? '';
    const sources = [
      createSqsEventSource({
        endpoint: local.env.AWS_ENDPOINT_URL_SQS ?? '',
        queueName: queueName(local.env.BATCH_STEPS_QUEUE_URL),
        handler: (event) => advance(event, silentContext()) as never,
        batchSize: 1,
        maximumConcurrency: 5,
      }),
      createSqsEventSource({
        endpoint: local.env.AWS_ENDPOINT_URL_SQS ?? '',
        queueName: queueName(local.env.BATCH_SENDS_QUEUE_URL),
        handler: (event) => send(event, silentContext()) as never,
        batchSize: 5,
        maximumConcurrency: SEND_CONCURRENCY,
      }),
    ];
    for (const source of sources) await source.start();
    const idsOf = (n: number) => Array.from({ length: n }, (_, i) => `${run}-${n}-${i}`);
    const allSent = async (ids: string[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (ids.some((id) => sandbox.payoutCalls(id) === 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    // One batch at a time, each sent in full before the next, so the largest is measured alone.
    const intakeMs: BatchResults['intakeMs'] = [];
    for (const n of SIZES.slice(0, -1)) {
      progress(`posting a ${n}-item batch and sending it`);
      intakeMs.push({ items: n, ...(await post(bodyOf(n))) });
      await allSent(idsOf(n), 10 * 60_000);
    }
    const largest = SIZES.at(-1) as number;
    progress(
      `posting a ${largest}-item batch, recording and sending it (Paypro answers in ${PAYPRO_LATENCY_MS} ms, ${SEND_CONCURRENCY} sends at once)`,
    );
    const capWritesBefore = counted.writes();
    const body = bodyOf(largest);
    const first = await post(body);
    intakeMs.push({ items: largest, ...first });
    const started = performance.now() - first.ms;
    const replay = await post(body);
    const ids = idsOf(largest);
    const recorded = async () => {
      const header = await batches.get(`bench-${run}-${largest}`);
      return header !== undefined && header.status !== 'RECEIVED' && header.status !== 'RECORDING';
    };
    const { recordedMs, sentMs } = await sendTimes(ids, (id) => sandbox.payoutCalls(id), recorded, started);
    for (const source of sources) await source.stop();
    const calls = ids.map((id) => sandbox.payoutCalls(id));
    return {
      intakeMs,
      replay,
      items: largest,
      recordedMs,
      sentMs,
      payoutCalls: calls.reduce((a, b) => a + b, 0),
      duplicates: calls.filter((c) => c > 1).length,
      neverSent: calls.filter((c) => c === 0).length,
      capWrites: counted.writes() - capWritesBefore,
      sendConcurrency: SEND_CONCURRENCY,
      latencyMs: PAYPRO_LATENCY_MS,
    };
  } finally {
    await local.close();
  }
}
