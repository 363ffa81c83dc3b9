/*
 * Local stand-in for a Lambda SQS event source mapping with ReportBatchItemFailures: polls one
 * queue through the real SQSClient, invokes a handler with Lambda-shaped SQSEvent batches, at
 * most `maximumConcurrency` at a time, deletes what succeeded and leaves what failed to come
 * back after its visibility timeout.
 */
import { setMaxListeners } from 'node:events';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/** The function the mapping invokes: a Lambda handler, or a call through serverless-offline. */
export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** An event source mapping on one queue. */
export interface SqsEventSourceOptions {
  /** The SQS endpoint, e.g. the local SQS's url. */
  endpoint: string;
  queueName: string;
  handler: SqsBatchHandler;
  /** Messages per invocation, 1–10 (one ReceiveMessage); default 10. */
  batchSize?: number;
  /** Handler invocations in flight at most, 2–1000 as on AWS; default 2. */
  maximumConcurrency?: number;
  /** Called with a handler's error (its batch is then retried whole) or a failed poll or delete; default console.error. */
  onError?: (error: unknown) => void;
  /** Region for signing requests; the local SQS ignores it. Default 'local'. */
  region?: string;
}

/** A running (or not yet started) event source mapping. */
export interface SqsEventSource {
  /** Resolves the queue, then starts polling; rejects when the queue does not exist. */
  start(): Promise<void>;
  /** Stops polling and waits for the handlers in flight and their deletes. */
  stop(): Promise<void>;
}

const LONG_POLL_SECONDS = 20;
const RETRY_POLL_MS = 250;

/** Creates an event source mapping; nothing is polled before start(). */
export function createSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const batchSize = options.batchSize ?? 10;
  const maximumConcurrency = options.maximumConcurrency ?? 2;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
    throw new RangeError(`batchSize must be an integer from 1 to 10, not ${batchSize}`);
  }
  if (!Number.isInteger(maximumConcurrency) || maximumConcurrency < 2 || maximumConcurrency > 1000) {
    throw new RangeError(`maximumConcurrency must be an integer from 2 to 1000, not ${maximumConcurrency}`);
  }
  const onError = options.onError ?? ((error: unknown) => console.error(`[${options.queueName}]`, error));
  const region = options.region ?? 'local';
  let client: SQSClient | undefined;
  let stopping: AbortController | undefined;
  let workers: Promise<void>[] = [];

  /** Invokes the handler with one batch and deletes the messages it did not report as failed. */
  async function process(sqs: SQSClient, queueUrl: string, queueArn: string, messages: Message[]) {
    const records = messages.map((message) => toRecord(message, queueArn, region));
    let failed: Set<string>;
    try {
      failed = failedMessageIds(await options.handler({ Records: records }), records);
    } catch (error) {
      onError(error);
      failed = new Set(records.map((record) => record.messageId));
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length === 0) return;
    try {
      const output = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      for (const failure of output.Failed ?? []) {
        onError(new Error(`Could not delete message ${failure.Id}: ${failure.Code} ${failure.Message}`));
      }
    } catch (error) {
      onError(error);
    }
  }

  /** One poller: receives a batch, runs it, repeats; so pollers bound the invocations in flight. */
  async function poll(sqs: SQSClient, queueUrl: string, queueArn: string, signal: AbortSignal) {
    while (!signal.aborted) {
      let messages: Message[];
      try {
        const output = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: LONG_POLL_SECONDS,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
        messages = output.Messages ?? [];
      } catch (error) {
        if (signal.aborted) return;
        onError(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_POLL_MS));
        continue;
      }
      if (messages.length > 0) await process(sqs, queueUrl, queueArn, messages);
    }
  }

  return {
    start: async () => {
      if (client) return;
      const sqs = new SQSClient({
        endpoint: options.endpoint,
        region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      client = sqs;
      try {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: options.queueName }));
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
        );
        const queueUrl = QueueUrl as string;
        const queueArn = Attributes?.QueueArn as string;
        stopping = new AbortController();
        const signal = stopping.signal;
        // Each poller's pending receive listens to it; many pollers are not a leak.
        setMaxListeners(0, signal);
        workers = Array.from({ length: maximumConcurrency }, () => poll(sqs, queueUrl, queueArn, signal));
      } catch (error) {
        client = undefined;
        sqs.destroy();
        throw error;
      }
    },
    stop: async () => {
      stopping?.abort();
      await Promise.all(workers);
      client?.destroy();
      client = undefined;
      stopping = undefined;
      workers = [];
    },
  };
}

/** A received message as Lambda puts it in an SQSEvent record. */
function toRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && {
        binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
      }),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType as string,
    };
  }
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body as string,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount as string,
      SentTimestamp: attributes.SentTimestamp as string,
      SenderId: attributes.SenderId as string,
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp as string,
      ...(attributes.AWSTraceHeader !== undefined && { AWSTraceHeader: attributes.AWSTraceHeader }),
      ...(attributes.DeadLetterQueueSourceArn !== undefined && {
        DeadLetterQueueSourceArn: attributes.DeadLetterQueueSourceArn,
      }),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody as string,
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? region,
  };
}

/**
 * The messages to leave on the queue, by Lambda's ReportBatchItemFailures rules: nothing, null,
 * `{}` or an empty or null `batchItemFailures` is full success; an item without a messageId of
 * this batch, or any other answer, fails the whole batch.
 */
function failedMessageIds(response: unknown, records: SQSRecord[]): Set<string> {
  const all = new Set(records.map((record) => record.messageId));
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return all;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}
