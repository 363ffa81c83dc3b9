/*
 * Local stand-in for Amazon SQS: standard queues in memory, over the AWS JSON 1.0 protocol that
 * @aws-sdk/client-sqs v3 speaks (`x-amz-target: AmazonSQS.<Op>`), with AWS's query-compatible
 * error shape so the SDK raises its named exceptions. It ignores request signatures and
 * credentials, so any access key works. FIFO queues, tags, policies, KMS and DeleteQueue are
 * not served. The queues and their checks: sqs-queues.ts, sqs-queue.ts, sqs-input.ts.
 */
import { setMaxListeners } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { AwsJsonError, type AwsJsonOperation, serveAwsJson } from './aws-json';
import { missingParameter, SqsError } from './sqs-errors';
import { type MessageAttribute, runBatch, stringList } from './sqs-input';
import { type MessageState, type Queue, queueAttributes, stateOf } from './sqs-queue';
import { SqsQueues } from './sqs-queues';

export type { MessageAttribute } from './sqs-input';
export { md5OfMessageAttributes } from './sqs-queue';

/** One message as the queue holds it, for tests and the launcher. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  messageAttributes: Record<string, MessageAttribute>;
  receiveCount: number;
  sentTimestamp: number;
  /** `delayed` (DelaySeconds not yet over), `inFlight` (received, within its visibility timeout) or `visible`. */
  state: MessageState;
}

/** One queue of the local SQS. */
export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
  /** A snapshot of the messages still in the queue, oldest first. */
  messages(): QueuedMessage[];
  /** What GetQueueAttributes reports as ApproximateNumberOfMessages, …NotVisible and …Delayed. */
  counts(): { visible: number; inFlight: number; delayed: number };
}

/** A running local SQS. */
export interface LocalSqs {
  /** Endpoint for SQSClient (or AWS_ENDPOINT_URL_SQS), e.g. http://127.0.0.1:43213. */
  url: string;
  /** Creates a queue as CreateQueue does (same attribute names and checks); idempotent for equal attributes. */
  createQueue(name: string, attributes?: Record<string, string>): LocalQueue;
  /** The named queue; throws when there is none. */
  queue(name: string): LocalQueue;
  /** Makes the next `count` messages sent (SendMessage, or an entry of SendMessageBatch) fail with InternalError. */
  failNextSends(count: number): void;
  /** Stops the server, ends pending long polls and drops open connections. */
  close(): Promise<void>;
}

// A full SendMessageBatch (1 MiB of payload) plus JSON escaping and base64 stays under this.
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_PAYLOAD_BYTES = 1024 * 1024;

/** The access key id of the request's signature: the local stand-in for SQS's SenderId. */
function senderIdOf(req: IncomingMessage): string {
  const match = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '');
  return match?.[1] ?? 'anonymous';
}

/** The operations served, by the name `x-amz-target` gives after `AmazonSQS.`. */
function operations(queues: SqsQueues): Record<string, AwsJsonOperation> {
  return {
    CreateQueue: (input) => ({ QueueUrl: queues.create(input.QueueName, input.Attributes).url }),
    GetQueueUrl: (input) => {
      if (typeof input.QueueName !== 'string') throw missingParameter('QueueName');
      return { QueueUrl: queues.byName(input.QueueName).url };
    },
    GetQueueAttributes: (input) => ({
      Attributes: queueAttributes(queues.byUrl(input.QueueUrl), stringList(input.AttributeNames)),
    }),
    SendMessage: (input, { req }) =>
      queues.send(queues.byUrl(input.QueueUrl), input, senderIdOf(req), Date.now()),
    SendMessageBatch: (input, { req }) => {
      const queue = queues.byUrl(input.QueueUrl);
      const now = Date.now();
      const senderId = senderIdOf(req);
      return runBatch(
        input.Entries,
        (entry) => queues.send(queue, entry, senderId, now),
        MAX_BATCH_PAYLOAD_BYTES,
      );
    },
    ReceiveMessage: (input, { signal }) => queues.receive(input, signal),
    DeleteMessage: (input) => {
      queues.delete(queues.byUrl(input.QueueUrl), input.ReceiptHandle);
      return {};
    },
    DeleteMessageBatch: (input) => {
      const queue = queues.byUrl(input.QueueUrl);
      return runBatch(input.Entries, (entry) => {
        queues.delete(queue, entry.ReceiptHandle);
        return {};
      });
    },
    ChangeMessageVisibility: (input) => {
      queues.changeVisibility(
        queues.byUrl(input.QueueUrl),
        input.ReceiptHandle,
        input.VisibilityTimeout,
        Date.now(),
      );
      return {};
    },
    ChangeMessageVisibilityBatch: (input) => {
      const queue = queues.byUrl(input.QueueUrl);
      const now = Date.now();
      return runBatch(input.Entries, (entry) => {
        queues.changeVisibility(queue, entry.ReceiptHandle, entry.VisibilityTimeout, now);
        return {};
      });
    },
    PurgeQueue: (input) => {
      queues.byUrl(input.QueueUrl).messages.clear();
      return {};
    },
  };
}

/** What tests and the launcher see of a queue. */
function view(queue: Queue): LocalQueue {
  return {
    name: queue.name,
    url: queue.url,
    arn: queue.arn,
    messages: () => {
      const now = Date.now();
      queue.expire(now);
      return [...queue.messages.values()].map((message) => ({
        messageId: message.id,
        body: message.body,
        messageAttributes: structuredClone(message.attributes),
        receiveCount: message.receiveCount,
        sentTimestamp: message.sentAt,
        state: stateOf(message, now),
      }));
    },
    counts: () => queue.counts(),
  };
}

/** Starts an empty local SQS on 127.0.0.1; create queues with CreateQueue or `createQueue`. */
export async function startLocalSqs(
  options: { port?: number; host?: string; region?: string } = {},
): Promise<LocalSqs> {
  const queues = new SqsQueues(options.region ?? 'local');
  const closing = new AbortController();
  // Every pending long poll listens to it; more than ten at once is normal, not a leak.
  setMaxListeners(0, closing.signal);
  const server = await serveAwsJson(
    {
      version: '1.0',
      targetPrefix: 'AmazonSQS.',
      operations: operations(queues),
      maxBodyBytes: MAX_BODY_BYTES,
      tooLarge: new SqsError(
        'RequestEntityTooLarge',
        'The request is too large.',
        'RequestEntityTooLarge',
        413,
      ),
      malformed: new AwsJsonError('com.amazon.coral.service#SerializationException'),
      emptyBodyIsObject: true,
      internal: new SqsError('InternalError', 'Local SQS failed.', 'InternalError', 500, false),
      closing: closing.signal,
    },
    { port: options.port, host: options.host },
  );
  queues.baseUrl = server.url;

  return {
    url: server.url,
    createQueue: (name, attributes) => view(queues.create(name, attributes)),
    queue: (name) => view(queues.byName(name)),
    failNextSends: (count) => queues.failNextSends(count),
    close: async () => {
      closing.abort();
      await server.close();
    },
  };
}
