/*
 * A batch item held while Paypro is unavailable, through the real send-batch-items handler (wired
 * by buildSendItemDeps from the stack's environment) and the local SQS of `npm start`, with the
 * batch-sends queue as infra/batches.yml configures it (DLQ after 5 receives). What the hold relies
 * on, and SQS documents: a message sent with DelaySeconds is invisible until its delay is over; a
 * new message starts at 0 receives; a deleted message is gone. So an item held by sending it again,
 * delayed, and deleting the one received never reaches the dead-letter queue, however often it is
 * held; holding it by visibility alone would (every receive counts, and a visibility change does
 * not reset the count: test/integration/local/sqs.test.ts, "moves a message to the dead-letter queue").
 */
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendBatchItemsHandler } from '../../../functions/send-batch-items';
import { createSqsEventSource, type SqsEventSource } from '../../../infra/local/event-source';
import { SANDBOX_MOBILES } from '../../../infra/local/paypro-sandbox';
import { readConfig } from '../../../lib/config';
import type { Payout } from '../../../lib/payouts/payout';
import type { BreakerState } from '../../../lib/paypro/breaker';
import { BreakerRepository } from '../../../lib/paypro/breaker-repository';
import { buildSendItemDeps, readSendItem } from '../../../lib/wiring/batches';
import { createDocumentClient } from '../../../lib/wiring/tables';
import { lambdaContext } from '../../support/events';
import { startStack } from '../../support/stack';
import { until } from '../../support/wait';

type Stack = Awaited<ReturnType<typeof startStack>>;

let stack: Stack;
let sqs: SQSClient;
let breaker: BreakerRepository;
let dlqName: string;
let queueName: string;
let maxReceiveCount: number;

beforeAll(async () => {
  // Held items come back after 1 s or 2 s (PAYPRO_PROBE_S jittered); no ramp; every admit reads the item.
  stack = await startStack({ PAYPRO_PROBE_S: '1', PAYPRO_RAMP_S: '0', PAYPRO_BREAKER_CACHE_MS: '0' });
  sqs = new SQSClient({
    endpoint: stack.local.sqs.url,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  breaker = new BreakerRepository(createDocumentClient(), stack.config.payoutLimitsTable);
  queueName = `paypro-payouts-${stack.config.stage}-batch-sends`;
  dlqName = `${queueName}-dlq`;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl(), AttributeNames: ['RedrivePolicy'] }),
  );
  maxReceiveCount = JSON.parse(Attributes?.RedrivePolicy ?? '{}').maxReceiveCount;
});

afterAll(async () => {
  sqs?.destroy();
  await stack?.close();
});

let version = 0;

/** Writes the breaker's item as the prober would: open since now, or closed (no ramp here). */
async function setBreaker(status: 'open' | 'closed'): Promise<void> {
  const at = new Date().toISOString();
  const next: BreakerState =
    status === 'open'
      ? { version: version + 1, status, recentFailures: [], openedAt: at, openedBy: 'HTTP 503', probeAt: at }
      : { version: version + 1, status, recentFailures: [], closedAt: at };
  expect(await breaker.write(version, next)).toBe(true);
  version += 1;
}

/** A batch item as advance-batches records it, and its message on the batch-sends queue. */
async function recordAndQueue(tradeNo: string): Promise<void> {
  const at = new Date().toISOString();
  const payout: Payout = {
    tradeNo,
    amount: 100,
    mobile: SANDBOX_MOBILES.succeedsQuietly,
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    batchId: 'hold-batch',
    paypro: {},
    createdAt: at,
    updatedAt: at,
    history: [{ at, source: 'api', status: 'PENDING', note: 'recorded from batch hold-batch' }],
  };
  await stack.deps.repository.create(payout, new Date(Date.now() + 30 * 60_000).toISOString());
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: JSON.stringify({ tradeNo }) }));
}

const queueUrl = () => stack.local.sqs.queue(queueName).url;

/** A received message as Lambda's SQS event source hands it to the function. */
function toRecord(message: Message): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body as string,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount as string,
      SentTimestamp: attributes.SentTimestamp as string,
      SenderId: attributes.SenderId as string,
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp as string,
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody as string,
    eventSource: 'aws:sqs',
    eventSourceARN: stack.local.sqs.queue(queueName).arn,
    awsRegion: 'local',
  };
}

const receive = (waitSeconds: number) =>
  sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl(),
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    )
    .then((output) => output.Messages ?? []);

/** The real handler on the deps the Lambda builds; a Lambda context with time to spare. */
function realHandler() {
  const send = sendBatchItemsHandler(buildSendItemDeps(readConfig(readSendItem)), stack.config);
  const context = { ...lambdaContext(), getRemainingTimeInMillis: () => 60_000 };
  return async (records: SQSRecord[]) => (await send({ Records: records }, context)) as SQSBatchResponse;
}

describe('a held batch item on the local SQS', () => {
  let source: SqsEventSource | undefined;
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await until(
      () => stack.local.sqs.queue(queueName).messages().length,
      (n) => n === 0,
      10_000,
    );
  });

  it('is sent again delayed and its received message deleted: invisible until the delay, 0 receives, never in the DLQ', async () => {
    // Prepare
    expect(maxReceiveCount).toBe(5);
    await setBreaker('open');
    await recordAndQueue('hold-1');
    const handle = realHandler();
    const holds = maxReceiveCount + 2;
    const seen: Array<{ messageId: string; receiveCount: string }> = [];
    const afterEachHold: Array<{ early: number; stored: Array<{ receiveCount: number; state: string }> }> =
      [];

    // Act: act as the event source: receive, invoke, delete what was not reported failed.
    for (let hold = 0; hold < holds; hold += 1) {
      const [message] = await receive(5);
      if (!message) throw new Error(`hold ${hold}: the held item did not come back`);
      const record = toRecord(message);
      seen.push({ messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount });
      const response = await handle([record]);
      if (response.batchItemFailures.length === 0) {
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl(), ReceiptHandle: record.receiptHandle }),
        );
      }
      const early = (await receive(0)).length;
      const stored = stack.local.sqs
        .queue(queueName)
        .messages()
        .map((m) => ({ receiveCount: m.receiveCount, state: m.state }));
      afterEachHold.push({ early, stored });
    }
    await setBreaker('closed');
    const [last] = await receive(5);
    if (!last) throw new Error('the held item did not come back after recovery');
    const final = await handle([toRecord(last)]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl(), ReceiptHandle: last.ReceiptHandle }));

    // Assess
    expect(seen.map((s) => s.receiveCount)).toEqual(Array(holds).fill('1'));
    expect(new Set(seen.map((s) => s.messageId)).size).toBe(holds);
    expect(afterEachHold).toEqual(
      Array(holds).fill({ early: 0, stored: [{ receiveCount: 0, state: 'delayed' }] }),
    );
    expect(final).toEqual({ batchItemFailures: [] });
    expect(last.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(stack.local.sqs.queue(dlqName).messages()).toEqual([]);
    expect(stack.sandbox.payoutCalls('hold-1')).toBe(1);
    expect((await stack.deps.repository.get('hold-1'))?.status).toBe('SUCCEEDED');
  }, 60_000);

  it('waits out an outage under the event source npm start uses, then is sent once, nothing dead-lettered', async () => {
    // Prepare
    await setBreaker('open');
    const handle = realHandler();
    const receiveCounts: string[] = [];
    source = createSqsEventSource({
      endpoint: stack.local.sqs.url,
      queueName,
      batchSize: 5,
      maximumConcurrency: 2,
      handler: async (event) => {
        receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return handle(event.Records);
      },
    });
    await source.start();

    // Act: held more often than maxReceiveCount, then Paypro is back.
    await recordAndQueue('hold-2');
    await until(
      () => receiveCounts.length,
      (n) => n > maxReceiveCount + 1,
      30_000,
    );
    const callsDuringOutage = stack.sandbox.payoutCalls('hold-2');
    await setBreaker('closed');
    const settled = await until(
      async () => (await stack.deps.repository.get('hold-2'))?.status,
      (status) => status === 'SUCCEEDED',
      15_000,
    );

    // Assess
    expect(callsDuringOutage).toBe(0);
    expect(settled).toBe('SUCCEEDED');
    expect(new Set(receiveCounts)).toEqual(new Set(['1']));
    expect(stack.sandbox.payoutCalls('hold-2')).toBe(1);
    expect(stack.local.sqs.queue(dlqName).messages()).toEqual([]);
  }, 60_000);
});
