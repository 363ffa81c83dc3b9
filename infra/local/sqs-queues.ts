/*
 * The local SQS's state and what its operations do to it: the queues by name, the receipt
 * handles issued, sends (with injected failures), receives (long polls, redrive to a
 * dead-letter queue), deletes and visibility changes — each checked as SQS checks it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { invalidParameter, missingParameter, nonExistentQueue, SqsError } from './sqs-errors';
import {
  attributesSize,
  integerParameter,
  parseMessageAttributes,
  stringList,
  stringRecord,
} from './sqs-input';
import {
  MAX_VISIBILITY_SECONDS,
  MAX_WAIT_SECONDS,
  md5,
  md5OfMessageAttributes,
  parseQueueSettings,
  Queue,
  receivedMessage,
  type StoredMessage,
} from './sqs-queue';

const ACCOUNT = '000000000000';
const BODY_CHARACTERS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Every queue of one local SQS and the receipt handles it has issued. */
export class SqsQueues {
  private readonly queues = new Map<string, Queue>();
  private readonly handles = new Map<string, { queue: Queue; messageId: string }>();
  private failingSends = 0;
  /** The server's URL, the base of every queue URL; set once it listens. */
  baseUrl = '';

  constructor(private readonly region: string) {}

  /** Makes the next `count` sends fail with InternalError. */
  failNextSends(count: number): void {
    this.failingSends = count;
  }

  byName(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw nonExistentQueue();
    return queue;
  }

  /** The queue a QueueUrl names: like SQS, by its path (/<account>/<name>); the host is not checked. */
  byUrl(value: unknown): Queue {
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
    return this.byName(path.split('/').filter(Boolean).pop() ?? '');
  }

  byArn(arn: string): Queue | undefined {
    return [...this.queues.values()].find((queue) => queue.arn === arn);
  }

  /** CreateQueue: the same attribute names and checks; idempotent for equal attributes. */
  create(name: unknown, rawAttributes: unknown = {}): Queue {
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
    const settings = parseQueueSettings(attributes, (arn) => this.byArn(arn));
    const existing = this.queues.get(name);
    if (existing) {
      existing.checkSameSettings(attributes, settings);
      return existing;
    }
    const queue = new Queue(
      name,
      `${this.baseUrl}/${ACCOUNT}/${name}`,
      `arn:aws:sqs:${this.region}:${ACCOUNT}:${name}`,
      settings.numbers,
      settings.redrive,
      settings.storedOnly,
    );
    this.queues.set(name, queue);
    return queue;
  }

  /** Moves a message received too often to the queue's dead-letter queue; false when it stays. */
  private redrive(queue: Queue, message: StoredMessage, now: number): boolean {
    const deadLetterQueue = queue.redrive && this.byArn(queue.redrive.deadLetterTargetArn);
    if (!queue.redrive || !deadLetterQueue || message.receiveCount < queue.redrive.maxReceiveCount)
      return false;
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
    return true;
  }

  /** Takes up to `max` visible messages, moving those past maxReceiveCount to the dead-letter queue. */
  private take(queue: Queue, max: number, visibilitySeconds: number, now: number): StoredMessage[] {
    queue.expire(now);
    const taken: StoredMessage[] = [];
    for (const message of queue.messages.values()) {
      if (taken.length >= max) break;
      if (message.visibleAt > now || this.redrive(queue, message, now)) continue;
      const handle = randomBytes(48).toString('base64');
      this.handles.set(handle, { queue, messageId: message.id });
      message.receiveCount += 1;
      message.firstReceiveAt ??= now;
      message.receiptHandle = handle;
      message.visibleAt = now + visibilitySeconds * 1000;
      taken.push(message);
    }
    return taken;
  }

  /** Resolves a receipt handle to its message; `stale` when a later receive (or deletion) superseded it. */
  private byHandle(queue: Queue, handle: unknown): { message?: StoredMessage; stale: boolean } {
    if (typeof handle !== 'string' || handle === '') throw missingParameter('ReceiptHandle');
    const issued = this.handles.get(handle);
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

  /** DeleteMessage. */
  delete(queue: Queue, handle: unknown): void {
    const { message, stale } = this.byHandle(queue, handle);
    // AWS: with a handle from an earlier receive "the request succeeds, but the message will not
    // be deleted"; deleting an already deleted message succeeds too.
    if (message && !stale) queue.messages.delete(message.id);
  }

  /** ChangeMessageVisibility. */
  changeVisibility(queue: Queue, handle: unknown, timeout: unknown, now: number): void {
    const seconds = integerParameter('VisibilityTimeout', timeout, 0, MAX_VISIBILITY_SECONDS);
    if (seconds === undefined) throw missingParameter('VisibilityTimeout');
    const { message, stale } = this.byHandle(queue, handle);
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
  send(queue: Queue, entry: Record<string, unknown>, senderId: string, now: number) {
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
    if (this.failingSends > 0) {
      this.failingSends -= 1;
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
  async receive(input: Record<string, unknown>, signal: AbortSignal) {
    const queue = this.byUrl(input.QueueUrl);
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
      const taken = signal.aborted ? [] : this.take(queue, max, visibility, now);
      if (taken.length > 0) {
        return { Messages: taken.map((message) => receivedMessage(message, systemNames, attributeNames)) };
      }
      // Nothing for a client that has gone: taking messages now would hide them for nobody.
      if (signal.aborted || now >= deadline) return {};
      await queue.waitForChange(Math.min(deadline, queue.nextVisibleAt(now)) - now, signal);
    }
  }
}
