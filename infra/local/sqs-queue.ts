/*
 * One queue of the local SQS: its settings (with AWS's bounds and defaults), its messages and
 * their states, its redrive policy, and how its messages and attributes read on the wire.
 */
import { createHash } from 'node:crypto';
import { SqsError } from './sqs-errors';
import { isRecord, type MessageAttribute } from './sqs-input';

/** `delayed` (DelaySeconds not yet over), `inFlight` (received, within its visibility timeout) or `visible`. */
export type MessageState = 'visible' | 'inFlight' | 'delayed';

/** Longest visibility timeout SQS allows, in seconds. */
export const MAX_VISIBILITY_SECONDS = 43_200;
/** Longest long poll SQS allows, in seconds. */
export const MAX_WAIT_SECONDS = 20;

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

/** A message as the queue holds it. */
export interface StoredMessage {
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

/** Where messages received too often go, and after how many receives. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** A queue's settings as CreateQueue's Attributes give them, checked. */
export interface QueueSettings {
  numbers: Record<NumericAttribute, number>;
  redrive: RedrivePolicy | undefined;
  storedOnly: Record<string, string>;
}

/** One queue: its settings, its messages, and the long polls waiting on it. */
export class Queue {
  readonly messages = new Map<string, StoredMessage>();
  private readonly waiters = new Set<() => void>();
  readonly createdAt = Math.floor(Date.now() / 1000);
  readonly redriveText: string | undefined;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    readonly settings: QueueSettings['numbers'],
    readonly redrive: RedrivePolicy | undefined,
    readonly storedOnly: Record<string, string>,
  ) {
    this.redriveText = redrivePolicyText(redrive);
  }

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

  /** Throws QueueNameExists unless every given attribute matches the queue's (CreateQueue's idempotence). */
  checkSameSettings(attributes: Record<string, string>, settings: QueueSettings): void {
    for (const [key, value] of Object.entries(attributes)) {
      const numeric = key in NUMERIC_ATTRIBUTES;
      const current =
        key === 'RedrivePolicy'
          ? this.redriveText
          : numeric
            ? String(this.settings[key as NumericAttribute])
            : this.storedOnly[key];
      const given =
        key === 'RedrivePolicy'
          ? redrivePolicyText(settings.redrive)
          : numeric
            ? String(Number(value))
            : value;
      if (current !== given) {
        throw new SqsError(
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute ${key}`,
          'QueueAlreadyExists',
        );
      }
    }
  }
}

/** Where a message stands at `now`. */
export function stateOf(message: StoredMessage, now: number): MessageState {
  if (message.visibleAt <= now) return 'visible';
  return message.receiveCount > 0 ? 'inFlight' : 'delayed';
}

/** The hex MD5 SQS reports of a body or attributes. */
export const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

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

/** CreateQueue's Attributes, checked against AWS's names and bounds; defaults for the rest. */
export function parseQueueSettings(
  attributes: Record<string, string>,
  queueByArn: (arn: string) => Queue | undefined,
): QueueSettings {
  const numbers = {} as QueueSettings['numbers'];
  for (const [key, bounds] of Object.entries(NUMERIC_ATTRIBUTES))
    numbers[key as NumericAttribute] = bounds.fallback;
  let redrive: RedrivePolicy | undefined;
  const storedOnly: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key in NUMERIC_ATTRIBUTES) {
      numbers[key as NumericAttribute] = numericAttribute(key as NumericAttribute, value);
    } else if (key === 'RedrivePolicy') {
      redrive = parseRedrivePolicy(value, queueByArn);
    } else if (STORED_ONLY_ATTRIBUTES.has(key)) {
      storedOnly[key] = value;
    } else {
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${key}.`);
    }
  }
  return { numbers, redrive, storedOnly };
}

function numericAttribute(key: NumericAttribute, value: string): number {
  const { min, max } = NUMERIC_ATTRIBUTES[key];
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${key}.`);
  }
  return number;
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

/** GetQueueAttributes' answer for the names asked ("All" for every one). */
export function queueAttributes(queue: Queue, names: string[]): Record<string, string> {
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

/** Whether ReceiveMessage's MessageAttributeNames ask for the attribute `name`. */
function wanted(patterns: string[], name: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === 'All' ||
      pattern === '.*' ||
      pattern === name ||
      (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
  );
}

/** The message as ReceiveMessage returns it, with only the attributes asked for. */
export function receivedMessage(message: StoredMessage, systemNames: string[], attributeNames: string[]) {
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
    if (wanted(attributeNames, name)) MessageAttributes[name] = value;
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
