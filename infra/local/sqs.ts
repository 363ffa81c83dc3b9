/*
 * Local stand-in for Amazon SQS: standard queues in memory, over the AWS JSON 1.0 protocol that
 * @aws-sdk/client-sqs v3 speaks (`x-amz-target: AmazonSQS.<Op>`), with AWS's query-compatible
 * error shape so the SDK raises its named exceptions. It ignores request signatures and
 * credentials, so any access key works. FIFO queues, tags, policies, KMS and DeleteQueue are
 * not served.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from './listen';
import { readBody } from './read-body';

/** A message attribute as SQS takes and returns it; BinaryValue is base64. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** One message as the queue holds it, for tests and the launcher. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  messageAttributes: Record<string, MessageAttribute>;
  receiveCount: number;
  sentTimestamp: number;
  /** `delayed` (DelaySeconds not yet over), `inFlight` (received, within its visibility timeout) or `visible`. */
  state: 'visible' | 'inFlight' | 'delayed';
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

const ACCOUNT = '000000000000';
const TARGET_PREFIX = 'AmazonSQS.';
// A full SendMessageBatch (1 MiB of payload) plus JSON escaping and base64 stays under this.
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_PAYLOAD_BYTES = 1024 * 1024;
const MAX_WAIT_SECONDS = 20;
const MAX_VISIBILITY_SECONDS = 43_200;

/** Queue attributes with AWS's bounds and defaults; the numbers are seconds or bytes. */
const NUMERIC_ATTRIBUTES = {
  VisibilityTimeout: { min: 0, max: MAX_VISIBILITY_SECONDS, fallback: 30 },
  MessageRetentionPeriod: { min: 60, max: 1_209_600, fallback: 345_600 },
  DelaySeconds: { min: 0, max: 900, fallback: 0 },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: MAX_WAIT_SECONDS, fallback: 0 },
  MaximumMessageSize: { min: 1024, max: 1_048_576, fallback: 1_048_576 },
} as const;
type NumericAttribute = keyof typeof NUMERIC_ATTRIBUTES;
// Taken and reported back, but with no effect here (encryption and access are not modelled).
const STORED_ONLY_ATTRIBUTES = new Set([
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'Policy',
  'RedriveAllowPolicy',
]);

const BODY_CHARACTERS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\..{1,250})?$/;
const NUMBER_VALUE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** An error SQS reports: `type` is the JSON shape name, `code` the query-protocol code the SDK maps. */
class SqsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly code: string = type,
    readonly status = 400,
    readonly senderFault = true,
  ) {
    super(message);
  }
}

const invalidParameter = (message: string) => new SqsError('InvalidParameterValue', message);
const missingParameter = (name: string) =>
  new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);
const nonExistentQueue = () =>
  new SqsError(
    'QueueDoesNotExist',
    'The specified queue does not exist.',
    'AWS.SimpleQueueService.NonExistentQueue',
  );

interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, MessageAttribute>;
  sentAt: number;
  senderId: string;
  /** Before this instant (ms) the message is delayed or in flight. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** The handle of the latest receive: only it deletes the message. */
  receiptHandle?: string;
  deadLetterSourceArn?: string;
}

interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

class Queue {
  readonly messages = new Map<string, StoredMessage>();
  private readonly waiters = new Set<() => void>();
  readonly createdAt = Math.floor(Date.now() / 1000);

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    readonly settings: Record<NumericAttribute, number>,
    readonly redrive: RedrivePolicy | undefined,
    readonly redriveText: string | undefined,
    readonly storedOnly: Record<string, string>,
  ) {}

  /** Drops messages older than the retention period, as SQS does (from the original send). */
  expire(now: number): void {
    const limit = now - this.settings.MessageRetentionPeriod * 1000;
    for (const [id, message] of this.messages) if (message.sentAt <= limit) this.messages.delete(id);
  }

  counts(now = Date.now()): { visible: number; inFlight: number; delayed: number } {
    this.expire(now);
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.messages.values()) counts[stateOf(message, now)] += 1;
    return counts;
  }

  /** The next instant a hidden message becomes visible, or Infinity. */
  nextVisibleAt(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.messages.values()) {
      if (message.visibleAt > now && message.visibleAt < next) next = message.visibleAt;
    }
    return next;
  }

  /** Resolves after `ms`, on any change to the queue, or on abort — whichever comes first. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function stateOf(message: StoredMessage, now: number): QueuedMessage['state'] {
  if (message.visibleAt <= now) return 'visible';
  return message.receiveCount > 0 ? 'inFlight' : 'delayed';
}

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/**
 * MD5OfMessageAttributes as SQS computes it: per attribute in name order, length-prefixed
 * name, data type, a transport byte (1 string, 2 binary) and the length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttribute>): string {
  const parts: Buffer[] = [];
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name] as MessageAttribute;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return md5(Buffer.concat(parts));
}

/** Starts an empty local SQS on 127.0.0.1; create queues with CreateQueue or `createQueue`. */
export async function startLocalSqs(
  options: { port?: number; host?: string; region?: string } = {},
): Promise<LocalSqs> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'local';
  const queues = new Map<string, Queue>();
  const handles = new Map<string, { queue: Queue; messageId: string }>();
  const closing = new AbortController();
  // Every pending long poll listens to it; more than ten at once is normal, not a leak.
  setMaxListeners(0, closing.signal);
  let failingSends = 0;
  let baseUrl = '';

  const queueByName = (name: string) => {
    const queue = queues.get(name);
    if (!queue) throw nonExistentQueue();
    return queue;
  };
  const queueByUrl = (value: unknown) => {
    if (typeof value !== 'string' || value === '') throw missingParameter('QueueUrl');
    let path: string;
    try {
      path = new URL(value).pathname;
    } catch {
      throw new SqsError(
        'InvalidAddress',
        `The address ${value} is not valid for this endpoint.`,
        'InvalidAddress',
        404,
      );
    }
    // Like SQS, the queue is named by the path (/<account>/<name>); the host is not checked.
    return queueByName(path.split('/').filter(Boolean).pop() ?? '');
  };
  const queueByArn = (arn: string) => [...queues.values()].find((queue) => queue.arn === arn);

  function createQueue(name: unknown, rawAttributes: unknown = {}): Queue {
    if (typeof name !== 'string' || name === '') throw missingParameter('QueueName');
    if (name.endsWith('.fifo')) {
      throw new SqsError(
        'UnsupportedOperation',
        'FIFO queues are not served by the local SQS.',
        'AWS.SimpleQueueService.UnsupportedOperation',
      );
    }
    if (!QUEUE_NAME.test(name)) {
      throw invalidParameter(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    const attributes = stringRecord(rawAttributes, 'Attributes');
    const settings = {} as Record<NumericAttribute, number>;
    for (const [key, bounds] of Object.entries(NUMERIC_ATTRIBUTES)) {
      settings[key as NumericAttribute] = bounds.fallback;
    }
    let redrive: RedrivePolicy | undefined;
    const storedOnly: Record<string, string> = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (key in NUMERIC_ATTRIBUTES) {
        const { min, max } = NUMERIC_ATTRIBUTES[key as NumericAttribute];
        const number = Number(value);
        if (!/^\d+$/.test(value) || number < min || number > max) {
          throw new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${key}.`);
        }
        settings[key as NumericAttribute] = number;
      } else if (key === 'RedrivePolicy') {
        redrive = parseRedrivePolicy(value, queueByArn);
      } else if (STORED_ONLY_ATTRIBUTES.has(key)) {
        storedOnly[key] = value;
      } else {
        throw new SqsError('InvalidAttributeName', `Unknown Attribute ${key}.`);
      }
    }
    const existing = queues.get(name);
    if (existing) {
      // CreateQueue is idempotent only when every given attribute matches the queue's.
      for (const [key, value] of Object.entries(attributes)) {
        const numeric = key in NUMERIC_ATTRIBUTES;
        const current =
          key === 'RedrivePolicy'
            ? existing.redriveText
            : numeric
              ? String(existing.settings[key as NumericAttribute])
              : existing.storedOnly[key];
        const given =
          key === 'RedrivePolicy' ? redrivePolicyText(redrive) : numeric ? String(Number(value)) : value;
        if (current !== given) {
          throw new SqsError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute ${key}`,
            'QueueAlreadyExists',
          );
        }
      }
      return existing;
    }
    const queue = new Queue(
      name,
      `${baseUrl}/${ACCOUNT}/${name}`,
      `arn:aws:sqs:${region}:${ACCOUNT}:${name}`,
      settings,
      redrive,
      redrivePolicyText(redrive),
      storedOnly,
    );
    queues.set(name, queue);
    return queue;
  }

  /** Takes up to `max` visible messages, moving those past maxReceiveCount to the dead-letter queue. */
  function take(queue: Queue, max: number, visibilitySeconds: number, now: number): StoredMessage[] {
    queue.expire(now);
    const taken: StoredMessage[] = [];
    for (const message of queue.messages.values()) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      const deadLetterQueue = queue.redrive && queueByArn(queue.redrive.deadLetterTargetArn);
      if (queue.redrive && deadLetterQueue && message.receiveCount >= queue.redrive.maxReceiveCount) {
        // SQS moves the message when a receive would exceed maxReceiveCount, keeping its id and
        // original SentTimestamp (retention still counts from the first send).
        queue.messages.delete(message.id);
        deadLetterQueue.messages.set(message.id, {
          ...message,
          visibleAt: now,
          receiveCount: 0,
          firstReceiveAt: undefined,
          receiptHandle: undefined,
          deadLetterSourceArn: queue.arn,
        });
        deadLetterQueue.notify();
        continue;
      }
      const handle = randomBytes(48).toString('base64');
      handles.set(handle, { queue, messageId: message.id });
      message.receiveCount += 1;
      message.firstReceiveAt ??= now;
      message.receiptHandle = handle;
      message.visibleAt = now + visibilitySeconds * 1000;
      taken.push(message);
    }
    return taken;
  }

  /** Resolves a receipt handle to its message; `stale` when a later receive (or deletion) superseded it. */
  function byHandle(queue: Queue, handle: unknown): { message?: StoredMessage; stale: boolean } {
    if (typeof handle !== 'string' || handle === '') throw missingParameter('ReceiptHandle');
    const issued = handles.get(handle);
    if (!issued || issued.queue !== queue) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${handle}" is not a valid receipt handle.`,
        'ReceiptHandleIsInvalid',
        404,
      );
    }
    const message = queue.messages.get(issued.messageId);
    return { message, stale: message?.receiptHandle !== handle };
  }

  function deleteMessage(queue: Queue, handle: unknown): void {
    const { message, stale } = byHandle(queue, handle);
    // AWS: with a handle from an earlier receive "the request succeeds, but the message will not
    // be deleted"; deleting an already deleted message succeeds too.
    if (message && !stale) queue.messages.delete(message.id);
  }

  function changeVisibility(queue: Queue, handle: unknown, timeout: unknown, now: number): void {
    const seconds = integerParameter('VisibilityTimeout', timeout, 0, MAX_VISIBILITY_SECONDS);
    if (seconds === undefined) throw missingParameter('VisibilityTimeout');
    const { message, stale } = byHandle(queue, handle);
    if (!message || stale) {
      throw invalidParameter(
        `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    if (message.visibleAt <= now) {
      throw new SqsError(
        'MessageNotInflight',
        'The message referred to is not in flight.',
        'AWS.SimpleQueueService.MessageNotInflight',
      );
    }
    message.visibleAt = now + seconds * 1000;
    if (seconds === 0) queue.notify();
  }

  /** Validates one message to send and stores it; returns SendMessage's answer fields. */
  function send(queue: Queue, entry: Record<string, unknown>, senderId: string, now: number) {
    const body = entry.MessageBody;
    if (typeof body !== 'string' || body === '') throw missingParameter('MessageBody');
    if (!BODY_CHARACTERS.test(body)) {
      throw new SqsError(
        'InvalidMessageContents',
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      );
    }
    const delay = integerParameter('DelaySeconds', entry.DelaySeconds, 0, 900) ?? queue.settings.DelaySeconds;
    const attributes = parseMessageAttributes(entry.MessageAttributes);
    const size = Buffer.byteLength(body) + attributesSize(attributes);
    if (size > queue.settings.MaximumMessageSize) {
      throw invalidParameter(
        `One or more parameters are invalid. Reason: Message must be shorter than ${queue.settings.MaximumMessageSize} bytes.`,
      );
    }
    if (failingSends > 0) {
      failingSends -= 1;
      throw new SqsError(
        'InternalError',
        'We encountered an internal error. Please try again.',
        'InternalError',
        500,
        false,
      );
    }
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      md5OfBody: md5(body),
      attributes,
      sentAt: now,
      senderId,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
    };
    queue.messages.set(message.id, message);
    queue.notify();
    return {
      MessageId: message.id,
      MD5OfMessageBody: message.md5OfBody,
      ...(Object.keys(attributes).length > 0 && {
        MD5OfMessageAttributes: md5OfMessageAttributes(attributes),
      }),
    };
  }

  /** ReceiveMessage, long-polling up to WaitTimeSeconds (at most 20) until something is visible. */
  async function receive(input: Record<string, unknown>, signal: AbortSignal) {
    const queue = queueByUrl(input.QueueUrl);
    const max = integerParameter('MaxNumberOfMessages', input.MaxNumberOfMessages, 1, 10) ?? 1;
    const visibility =
      integerParameter('VisibilityTimeout', input.VisibilityTimeout, 0, MAX_VISIBILITY_SECONDS) ??
      queue.settings.VisibilityTimeout;
    const wait =
      integerParameter('WaitTimeSeconds', input.WaitTimeSeconds, 0, MAX_WAIT_SECONDS) ??
      queue.settings.ReceiveMessageWaitTimeSeconds;
    const systemNames = [
      ...stringList(input.AttributeNames),
      ...stringList(input.MessageSystemAttributeNames),
    ];
    const attributeNames = stringList(input.MessageAttributeNames);
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const now = Date.now();
      const taken = signal.aborted ? [] : take(queue, max, visibility, now);
      if (taken.length > 0) {
        return { Messages: taken.map((message) => receivedMessage(message, systemNames, attributeNames)) };
      }
      // Nothing for a client that has gone: taking messages now would hide them for nobody.
      if (signal.aborted || now >= deadline) return {};
      await queue.waitForChange(Math.min(deadline, queue.nextVisibleAt(now)) - now, signal);
    }
  }

  /** Runs a batch call: checks the entries as SQS does, then answers per entry. */
  function batch(
    rawEntries: unknown,
    run: (entry: Record<string, unknown>) => object,
    maxPayloadBytes?: number,
  ): { Successful: object[]; Failed: object[] } {
    if (!Array.isArray(rawEntries) || rawEntries.length === 0) {
      throw new SqsError(
        'EmptyBatchRequest',
        'There should be at least one SendMessageBatchRequestEntry in the request.',
        'AWS.SimpleQueueService.EmptyBatchRequest',
      );
    }
    if (rawEntries.length > 10) {
      throw new SqsError(
        'TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are 10. You have sent ${rawEntries.length}.`,
        'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      );
    }
    const entries = rawEntries.map((entry) => (isRecord(entry) ? entry : {}));
    const ids = new Set<string>();
    for (const { Id } of entries) {
      if (typeof Id !== 'string' || !BATCH_ENTRY_ID.test(Id)) {
        throw new SqsError(
          'InvalidBatchEntryId',
          'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
          'AWS.SimpleQueueService.InvalidBatchEntryId',
        );
      }
      if (ids.has(Id)) {
        throw new SqsError(
          'BatchEntryIdsNotDistinct',
          `Id ${Id} repeated.`,
          'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
        );
      }
      ids.add(Id);
    }
    if (maxPayloadBytes !== undefined) {
      const payload = entries.reduce((sum, entry) => sum + payloadSize(entry), 0);
      if (payload > maxPayloadBytes) {
        throw new SqsError(
          'BatchRequestTooLong',
          `Batch requests cannot be longer than ${maxPayloadBytes} bytes. You have sent ${payload} bytes.`,
          'AWS.SimpleQueueService.BatchRequestTooLong',
        );
      }
    }
    const Successful: object[] = [];
    const Failed: object[] = [];
    for (const entry of entries) {
      try {
        Successful.push({ Id: entry.Id, ...run(entry) });
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        Failed.push({
          Id: entry.Id,
          SenderFault: error.senderFault,
          Code: error.code,
          Message: error.message,
        });
      }
    }
    return { Successful, Failed };
  }

  const operations: Record<
    string,
    (input: Record<string, unknown>, context: { senderId: string; signal: AbortSignal }) => unknown
  > = {
    CreateQueue: (input) => ({ QueueUrl: createQueue(input.QueueName, input.Attributes).url }),
    GetQueueUrl: (input) => {
      if (typeof input.QueueName !== 'string') throw missingParameter('QueueName');
      return { QueueUrl: queueByName(input.QueueName).url };
    },
    GetQueueAttributes: (input) => ({
      Attributes: queueAttributes(queueByUrl(input.QueueUrl), stringList(input.AttributeNames)),
    }),
    SendMessage: (input, { senderId }) => send(queueByUrl(input.QueueUrl), input, senderId, Date.now()),
    SendMessageBatch: (input, { senderId }) => {
      const queue = queueByUrl(input.QueueUrl);
      const now = Date.now();
      return batch(input.Entries, (entry) => send(queue, entry, senderId, now), MAX_BATCH_PAYLOAD_BYTES);
    },
    ReceiveMessage: (input, { signal }) => receive(input, signal),
    DeleteMessage: (input) => {
      deleteMessage(queueByUrl(input.QueueUrl), input.ReceiptHandle);
      return {};
    },
    DeleteMessageBatch: (input) => {
      const queue = queueByUrl(input.QueueUrl);
      return batch(input.Entries, (entry) => {
        deleteMessage(queue, entry.ReceiptHandle);
        return {};
      });
    },
    ChangeMessageVisibility: (input) => {
      changeVisibility(queueByUrl(input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout, Date.now());
      return {};
    },
    ChangeMessageVisibilityBatch: (input) => {
      const queue = queueByUrl(input.QueueUrl);
      const now = Date.now();
      return batch(input.Entries, (entry) => {
        changeVisibility(queue, entry.ReceiptHandle, entry.VisibilityTimeout, now);
        return {};
      });
    },
    PurgeQueue: (input) => {
      queueByUrl(input.QueueUrl).messages.clear();
      return {};
    },
  };

  const server = createServer((req, res) => {
    handleRequest(operations, closing.signal, req, res).catch(() => {
      writeError(res, new SqsError('InternalError', 'Local SQS failed.', 'InternalError', 500, false));
    });
  });
  const url = await listen(server, options.port ?? 0, host);
  baseUrl = url;

  const view = (queue: Queue): LocalQueue => ({
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
  });

  return {
    url: baseUrl,
    createQueue: (name, attributes) => view(createQueue(name, attributes)),
    queue: (name) => view(queueByName(name)),
    failNextSends: (count) => {
      failingSends = count;
    },
    close: async () => {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The SDK keeps sockets alive; without this close() would wait for them to time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Answers one JSON 1.0 call: the operation's output or an AWS-shaped error. */
async function handleRequest(
  operations: Record<
    string,
    (input: Record<string, unknown>, context: { senderId: string; signal: AbortSignal }) => unknown
  >,
  closing: AbortSignal,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  const raw = await readBody(req, MAX_BODY_BYTES);
  const target = req.headers['x-amz-target'];
  const operation =
    req.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX)
      ? operations[target.slice(TARGET_PREFIX.length)]
      : undefined;
  if (!operation) {
    writeAwsJson(res, 400, { __type: 'UnknownOperationException' });
    return;
  }
  if (raw === undefined) {
    writeError(
      res,
      new SqsError('RequestEntityTooLarge', 'The request is too large.', 'RequestEntityTooLarge', 413),
    );
    return;
  }
  let input: unknown;
  try {
    input = raw === '' ? {} : JSON.parse(raw);
  } catch {
    input = undefined;
  }
  if (!isRecord(input)) {
    writeAwsJson(res, 400, { __type: 'com.amazon.coral.service#SerializationException' });
    return;
  }
  // A long poll ends when the client goes away or the server closes.
  const gone = new AbortController();
  const abort = () => gone.abort();
  res.once('close', abort);
  closing.addEventListener('abort', abort, { once: true });
  try {
    const output = await operation(input, { senderId: senderIdOf(req), signal: gone.signal });
    writeAwsJson(res, 200, output as object);
  } catch (error) {
    if (!(error instanceof SqsError)) throw error;
    writeError(res, error);
  } finally {
    closing.removeEventListener('abort', abort);
  }
}

/** The message as ReceiveMessage returns it, with only the attributes asked for. */
function receivedMessage(message: StoredMessage, systemNames: string[], attributeNames: string[]) {
  const system: Record<string, string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const all = systemNames.includes('All');
  const Attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(system)) {
    if (value !== undefined && (all || systemNames.includes(name))) Attributes[name] = value;
  }
  const MessageAttributes: Record<string, MessageAttribute> = {};
  for (const [name, value] of Object.entries(message.attributes)) {
    const wanted = attributeNames.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
    if (wanted) MessageAttributes[name] = value;
  }
  const hasAttributes = Object.keys(MessageAttributes).length > 0;
  return {
    MessageId: message.id,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(Attributes).length > 0 && { Attributes }),
    ...(hasAttributes && {
      MD5OfMessageAttributes: md5OfMessageAttributes(MessageAttributes),
      MessageAttributes,
    }),
  };
}

/** GetQueueAttributes' answer for the names asked ("All" for every one). */
function queueAttributes(queue: Queue, names: string[]): Record<string, string> {
  const counts = queue.counts();
  const all: Record<string, string | undefined> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(queue.createdAt),
    LastModifiedTimestamp: String(queue.createdAt),
    ...Object.fromEntries(Object.entries(queue.settings).map(([key, value]) => [key, String(value)])),
    RedrivePolicy: queue.redriveText,
    ...queue.storedOnly,
  };
  const attributes: Record<string, string> = {};
  for (const name of names.includes('All') ? Object.keys(all) : names) {
    if (!(name in all) && !STORED_ONLY_ATTRIBUTES.has(name))
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    const value = all[name];
    if (value !== undefined) attributes[name] = value;
  }
  return attributes;
}

function parseRedrivePolicy(text: string, queueByArn: (arn: string) => Queue | undefined): RedrivePolicy {
  const invalid = (reason: string) =>
    new SqsError(
      'InvalidAttributeValue',
      `Value ${text} for parameter RedrivePolicy is invalid. Reason: ${reason}`,
    );
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw invalid('Redrive policy is not a valid JSON map.');
  }
  if (!isRecord(policy)) throw invalid('Redrive policy is not a valid JSON map.');
  const maxReceiveCount = Number(policy.maxReceiveCount);
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw invalid('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
  }
  if (typeof policy.deadLetterTargetArn !== 'string' || !queueByArn(policy.deadLetterTargetArn)) {
    throw invalid('Dead letter target does not exist.');
  }
  return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount };
}

function redrivePolicyText(policy: RedrivePolicy | undefined): string | undefined {
  return policy && JSON.stringify(policy);
}

/** Checks MessageAttributes as SQS does and keeps them in its wire shape. */
function parseMessageAttributes(value: unknown): Record<string, MessageAttribute> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalidParameter('MessageAttributes must be a map.');
  const entries = Object.entries(value);
  if (entries.length > 10) {
    throw invalidParameter(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  }
  const attributes: Record<string, MessageAttribute> = {};
  for (const [name, raw] of entries) {
    if (
      !ATTRIBUTE_NAME.test(name) ||
      name.includes('..') ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      /^(aws|amazon)\./i.test(name)
    ) {
      throw invalidParameter(`Message (user) attribute name '${name}' is invalid.`);
    }
    const attribute = isRecord(raw) ? raw : {};
    const dataType = attribute.DataType;
    if (typeof dataType !== 'string' || !DATA_TYPE.test(dataType)) {
      throw invalidParameter(`The type of message (user) attribute '${name}' is invalid.`);
    }
    if (dataType.startsWith('Binary')) {
      if (typeof attribute.BinaryValue !== 'string' || attribute.BinaryValue === '') {
        throw invalidParameter(
          `Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`,
        );
      }
      attributes[name] = { DataType: dataType, BinaryValue: attribute.BinaryValue };
    } else {
      const text = attribute.StringValue;
      if (typeof text !== 'string' || text === '') {
        throw invalidParameter(
          `Message (user) attribute '${name}' must contain a non-empty value of type 'String'.`,
        );
      }
      if (dataType.startsWith('Number') && !NUMBER_VALUE.test(text)) {
        throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      attributes[name] = { DataType: dataType, StringValue: text };
    }
  }
  return attributes;
}

/** Bytes the attributes add to a message's size, as SQS counts them (name, type and value). */
function attributesSize(attributes: Record<string, MessageAttribute>): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size +=
      attribute.BinaryValue !== undefined
        ? Buffer.from(attribute.BinaryValue, 'base64').length
        : Buffer.byteLength(attribute.StringValue ?? '');
  }
  return size;
}

/** The size of a batch entry not yet validated: body plus the attributes that look well formed. */
function payloadSize(entry: Record<string, unknown>): number {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  let size = Buffer.byteLength(text(entry.MessageBody));
  if (isRecord(entry.MessageAttributes)) {
    for (const [name, attribute] of Object.entries(entry.MessageAttributes)) {
      if (!isRecord(attribute)) continue;
      size += Buffer.byteLength(name) + Buffer.byteLength(text(attribute.DataType));
      size +=
        Buffer.byteLength(text(attribute.StringValue)) +
        Buffer.from(text(attribute.BinaryValue), 'base64').length;
    }
  }
  return size;
}

/** An optional integer parameter within bounds; InvalidParameterValue otherwise. */
function integerParameter(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      `Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`,
    );
  }
  return value;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function stringRecord(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    throw invalidParameter(`${name} must map names to strings.`);
  }
  return value as Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The access key id of the request's signature: the local stand-in for SQS's SenderId. */
function senderIdOf(req: IncomingMessage): string {
  const match = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '');
  return match?.[1] ?? 'anonymous';
}

/** Sends an error as SQS's JSON protocol does: the shape in `__type`, the query code in a header. */
function writeError(res: ServerResponse, error: SqsError): void {
  writeAwsJson(
    res,
    error.status,
    { __type: `com.amazonaws.sqs#${error.type}`, message: error.message },
    {
      'x-amzn-query-error': `${error.code};${error.senderFault ? 'Sender' : 'Receiver'}`,
    },
  );
}

/** Sends a JSON 1.0 body unless the client has already gone away. */
function writeAwsJson(
  res: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}
